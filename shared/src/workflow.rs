//! How agents move a case along: new → in progress → waiting for the shopper →
//! resolved → closed, with reopening. Every move not listed here is refused with a
//! stable code, so two agents (or a stale tab) cannot put a case somewhere odd.

use serde::Deserialize;

use crate::agent_api::CaseUpdate;
use crate::api_error::{ApiError, ErrorCode, FieldError, FieldErrorCode};
use crate::case::CaseStatus;
use crate::categorize::Priority;
use crate::complaint::Resolution;
use crate::deadline::{is_response, ResponseClock};
use crate::outcome::{Responsibility, RootCause};
use crate::service_level::Breaches;
use crate::timeline::EventKind;

/// Why a status change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowError {
    /// The case cannot go from its status to the one asked for.
    IllegalTransition { from: CaseStatus, to: CaseStatus },
    /// Resolving a case says what was done for the shopper.
    ResolutionRequired,
}

/// The statuses a case may move to from `from`.
pub fn next_statuses(from: CaseStatus) -> &'static [CaseStatus] {
    use CaseStatus::*;
    match from {
        New => &[InProgress, WaitingForShopper, Resolved, Closed],
        InProgress => &[WaitingForShopper, Resolved, Closed],
        WaitingForShopper => &[InProgress, Resolved, Closed],
        // Reopening: a resolved or closed case goes back to work.
        Resolved => &[Closed, InProgress],
        Closed => &[InProgress],
    }
}

/// Checks a move. A case becomes `resolved` only with the resolution taken (from the
/// taxonomy's resolution codes), given now or earlier.
pub fn check_transition(
    from: CaseStatus,
    to: CaseStatus,
    resolution: Option<Resolution>,
) -> Result<(), WorkflowError> {
    if !next_statuses(from).contains(&to) {
        return Err(WorkflowError::IllegalTransition { from, to });
    }
    if to == CaseStatus::Resolved && resolution.is_none() {
        return Err(WorkflowError::ResolutionRequired);
    }
    Ok(())
}

/// Whether the case is still being worked (the inbox's "Open"): anything not yet
/// resolved or closed.
pub fn is_open(status: CaseStatus) -> bool {
    match status {
        CaseStatus::New | CaseStatus::InProgress | CaseStatus::WaitingForShopper => true,
        CaseStatus::Resolved | CaseStatus::Closed => false,
    }
}

/// Whether a move puts a resolved or closed case back to work (counted in `reopened`).
pub fn reopens(from: CaseStatus, to: CaseStatus) -> bool {
    !is_open(from) && is_open(to)
}

/// The open statuses, as the case list's `status` filter takes them.
pub fn open_statuses() -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| is_open(*s))
        .collect()
}

impl From<WorkflowError> for ApiError {
    fn from(error: WorkflowError) -> ApiError {
        match error {
            WorkflowError::IllegalTransition { from, to } => ApiError::new(
                ErrorCode::IllegalTransition,
                format!("A case cannot go from {} to {}.", from.code(), to.code()),
            ),
            WorkflowError::ResolutionRequired => ApiError::validation(vec![FieldError::new(
                "resolution",
                FieldErrorCode::Required,
                "Say which resolution was taken to resolve the case.",
            )]),
        }
    }
}

/// Where the agents' work on a case stands: what an update reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WorkState {
    pub status: CaseStatus,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub resolution_taken: Option<Resolution>,
    pub root_cause: Option<RootCause>,
    pub responsibility: Option<Responsibility>,
    pub respond_by: String,
    /// When the case is due resolved (see `service_level`).
    pub resolve_by: String,
    /// When the service-level clocks last stopped running (see `service_level`).
    pub clock_paused_at: Option<String>,
    /// Read only: the breach job records them.
    #[serde(flatten)]
    pub breaches: Breaches,
    /// When the store first answered (see `deadline`).
    pub first_response_at: Option<String>,
    /// The id of the last write: a change applies only if it is still the same.
    pub last_write: Option<String>,
}

impl WorkState {
    pub fn clock(&self) -> ResponseClock<'_> {
        ResponseClock {
            status: self.status,
            respond_by: &self.respond_by,
            first_response_at: self.first_response_at.as_deref(),
        }
    }
}

/// What a change did, as timeline events: each kind with its value.
pub type Events = Vec<(EventKind, Option<String>)>;

/// The work state after `update` made at `at`, and the events that say what changed
/// (none: nothing changes). Resolving answers the shopper for the deadline's sake.
pub fn plan(
    from: &WorkState,
    update: &CaseUpdate,
    at: &str,
) -> Result<(WorkState, Events), WorkflowError> {
    let CaseUpdate {
        status,
        assignee,
        resolution,
        root_cause,
        responsibility,
        priority,
    } = update;
    let mut to = from.clone();
    let mut events = Vec::new();
    if let Some(priority) = *priority {
        if from.priority != priority {
            to.priority = priority;
            events.push((EventKind::PriorityChanged, Some(priority.code().to_owned())));
        }
    }
    if let Some(cause) = *root_cause {
        if from.root_cause != Some(cause) {
            to.root_cause = Some(cause);
            events.push((EventKind::RootCauseFound, Some(cause.code().to_owned())));
        }
    }
    if let Some(party) = *responsibility {
        if from.responsibility != Some(party) {
            to.responsibility = Some(party);
            events.push((
                EventKind::ResponsibilityFound,
                Some(party.code().to_owned()),
            ));
        }
    }
    if let Some(resolution) = *resolution {
        if from.resolution_taken != Some(resolution) {
            to.resolution_taken = Some(resolution);
            events.push((
                EventKind::ResolutionTaken,
                Some(resolution.code().to_owned()),
            ));
        }
    }
    if let Some(assignee) = assignee {
        let assignee = Some(assignee.trim().to_owned()).filter(|a| !a.is_empty());
        if from.assignee != assignee {
            to.assignee = assignee.clone();
            events.push((EventKind::Assigned, assignee));
        }
    }
    if let Some(status) = *status {
        check_transition(from.status, status, to.resolution_taken)?;
        to.status = status;
        events.push((EventKind::StatusChanged, Some(status.code().to_owned())));
    }
    if to.first_response_at.is_none()
        && events
            .iter()
            .any(|(kind, value)| is_response(*kind, value.as_deref()))
    {
        to.first_response_at = Some(at.to_owned());
    }
    Ok((to, events))
}

/// What a shopper's message does to a case: it joins the timeline, and the case goes
/// back to the store as when they answer in any way ([`shopper_answered`]).
pub fn shopper_wrote(from: &WorkState, text: &str) -> (WorkState, Events) {
    let (to, mut events) = shopper_answered(from);
    events.insert(0, (EventKind::ShopperMessage, Some(text.to_owned())));
    (to, events)
}

/// What the shopper's answer (a message, or a file they added) does to a case: one
/// waiting for the shopper goes back to the store (`in_progress`), whose clock runs
/// again. On a resolved or closed case it is recorded for the store, which decides
/// whether to reopen.
pub fn shopper_answered(from: &WorkState) -> (WorkState, Events) {
    let mut to = from.clone();
    let mut events = Vec::new();
    if from.status == CaseStatus::WaitingForShopper {
        to.status = CaseStatus::InProgress;
        events.push((
            EventKind::StatusChanged,
            Some(CaseStatus::InProgress.code().to_owned()),
        ));
    }
    (to, events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    #[test]
    fn a_case_walks_the_whole_workflow_and_back() {
        let refund = Some(Resolution::FullRefund);
        let path = [
            New,
            InProgress,
            WaitingForShopper,
            InProgress,
            Resolved,
            Closed,
            InProgress,
        ];
        for pair in path.windows(2) {
            assert_eq!(
                check_transition(pair[0], pair[1], refund),
                Ok(()),
                "{pair:?}"
            );
        }
    }

    #[test]
    fn staying_put_and_jumping_back_to_new_are_illegal() {
        for from in [New, InProgress, WaitingForShopper, Resolved, Closed] {
            assert_eq!(
                check_transition(from, New, None),
                Err(WorkflowError::IllegalTransition { from, to: New })
            );
            assert!(check_transition(from, from, Some(Resolution::Other)).is_err());
        }
        assert_eq!(
            check_transition(Closed, Resolved, Some(Resolution::Repair)),
            Err(WorkflowError::IllegalTransition {
                from: Closed,
                to: Resolved
            })
        );
    }

    #[test]
    fn resolving_needs_the_resolution_taken() {
        assert_eq!(
            check_transition(InProgress, Resolved, None),
            Err(WorkflowError::ResolutionRequired)
        );
    }

    #[test]
    fn only_new_in_progress_and_waiting_cases_are_open() {
        assert!(is_open(New) && is_open(InProgress) && is_open(WaitingForShopper));
        assert!(!is_open(Resolved) && !is_open(Closed));
        assert_eq!(open_statuses(), [New, InProgress, WaitingForShopper]);
    }

    const AT: &str = "2026-11-24T08:00:00.000Z";

    fn fresh() -> WorkState {
        WorkState {
            status: New,
            priority: Priority::Normal,
            assignee: None,
            resolution_taken: None,
            root_cause: None,
            responsibility: None,
            respond_by: "2026-11-24T10:00:00.000Z".to_owned(),
            resolve_by: String::new(),
            clock_paused_at: None,
            breaches: Breaches::default(),
            first_response_at: None,
            last_write: None,
        }
    }

    #[test]
    fn a_new_priority_is_an_internal_timeline_entry_once() {
        let urgent = CaseUpdate {
            priority: Some(Priority::Urgent),
            ..CaseUpdate::default()
        };
        let (to, events) = plan(&fresh(), &urgent, AT).expect("allowed");
        assert_eq!(to.priority, Priority::Urgent);
        assert_eq!(
            events,
            [(EventKind::PriorityChanged, Some("urgent".to_owned()))]
        );
        assert!(!EventKind::PriorityChanged.is_public());
        let (_, again) = plan(&to, &urgent, AT).expect("allowed");
        assert!(again.is_empty(), "the same priority changes nothing");
        assert_eq!(to.first_response_at, None, "a priority is no answer");
    }

    #[test]
    fn an_update_writes_one_event_per_change_and_none_for_what_stays() {
        let update = CaseUpdate {
            status: Some(InProgress),
            assignee: Some("  Ana Agent ".to_owned()),
            ..CaseUpdate::default()
        };
        let (to, events) = plan(&fresh(), &update, AT).expect("legal");
        assert_eq!(to.status, InProgress);
        assert_eq!(to.assignee.as_deref(), Some("Ana Agent"));
        assert_eq!(
            events,
            [
                (EventKind::Assigned, Some("Ana Agent".to_owned())),
                (EventKind::StatusChanged, Some("in_progress".to_owned())),
            ]
        );
        let again = CaseUpdate {
            assignee: Some("Ana Agent".to_owned()),
            ..CaseUpdate::default()
        };
        let (_, events) = plan(&to, &again, AT).expect("legal");
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn the_root_cause_and_who_was_responsible_are_recorded_internally_once() {
        let update = CaseUpdate {
            root_cause: Some(RootCause::Packing),
            responsibility: Some(Responsibility::Carrier),
            ..CaseUpdate::default()
        };
        assert_eq!(update.check(), Ok(()));
        let (to, events) = plan(&fresh(), &update, AT).expect("legal");
        assert_eq!(
            (to.root_cause, to.responsibility),
            (Some(RootCause::Packing), Some(Responsibility::Carrier))
        );
        assert_eq!(
            events,
            [
                (EventKind::RootCauseFound, Some("packing".to_owned())),
                (EventKind::ResponsibilityFound, Some("carrier".to_owned())),
            ]
        );
        assert!(events.iter().all(|(kind, _)| !kind.is_public()));
        let (_, again) = plan(&to, &update, AT).expect("legal");
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn an_empty_assignee_unassigns() {
        let assigned = WorkState {
            assignee: Some("Ana".to_owned()),
            ..fresh()
        };
        let update = CaseUpdate {
            assignee: Some(String::new()),
            ..CaseUpdate::default()
        };
        let (to, events) = plan(&assigned, &update, AT).expect("legal");
        assert_eq!(to.assignee, None);
        assert_eq!(events, [(EventKind::Assigned, None)]);
    }

    #[test]
    fn resolving_with_the_resolution_in_the_same_update_is_allowed_and_answers_the_shopper() {
        let update = CaseUpdate {
            status: Some(Resolved),
            resolution: Some(Resolution::PartialRefund),
            ..CaseUpdate::default()
        };
        let (to, events) = plan(&fresh(), &update, AT).expect("legal");
        assert_eq!(to.resolution_taken, Some(Resolution::PartialRefund));
        assert_eq!(events.len(), 2);
        assert_eq!(to.first_response_at.as_deref(), Some(AT));
        assert!(!to.clock().is_overdue("2030-01-01T00:00:00.000Z"));
    }

    #[test]
    fn a_first_response_is_kept_when_the_case_is_resolved_later() {
        let answered = WorkState {
            status: InProgress,
            priority: Priority::Normal,
            resolution_taken: Some(Resolution::Resend),
            first_response_at: Some("2026-11-23T12:00:00.000Z".to_owned()),
            ..fresh()
        };
        let update = CaseUpdate {
            status: Some(Resolved),
            ..CaseUpdate::default()
        };
        let (to, _) = plan(&answered, &update, AT).expect("legal");
        assert_eq!(
            to.first_response_at.as_deref(),
            Some("2026-11-23T12:00:00.000Z")
        );
    }

    #[test]
    fn an_illegal_move_changes_nothing_and_maps_to_its_code() {
        let update = CaseUpdate {
            status: Some(Resolved),
            assignee: Some("Ana".to_owned()),
            ..CaseUpdate::default()
        };
        let refused = plan(&fresh(), &update, AT).expect_err("no resolution");
        assert_eq!(refused, WorkflowError::ResolutionRequired);
        assert_eq!(ApiError::from(refused).status(), 400);
        let back = CaseUpdate {
            status: Some(New),
            ..CaseUpdate::default()
        };
        let refused = plan(&fresh(), &back, AT).expect_err("illegal");
        assert_eq!(ApiError::from(refused).code, ErrorCode::IllegalTransition);
    }

    #[test]
    fn a_shoppers_answer_hands_a_waiting_case_back_to_the_store() {
        let waiting = WorkState {
            status: WaitingForShopper,
            priority: Priority::Normal,
            assignee: Some("Ana".into()),
            resolution_taken: None,
            root_cause: None,
            responsibility: None,
            respond_by: "2026-12-03T00:00:00.000Z".into(),
            resolve_by: String::new(),
            clock_paused_at: None,
            breaches: Breaches::default(),
            first_response_at: Some("2026-12-02T00:00:00.000Z".into()),
            last_write: Some("w1".into()),
        };
        let (to, events) = shopper_wrote(&waiting, "Here is the photo.");
        assert_eq!(to.status, InProgress);
        assert!(
            crate::deadline::clock_runs_in(to.status),
            "the store's clock runs again"
        );
        assert_eq!(
            events,
            [
                (
                    EventKind::ShopperMessage,
                    Some("Here is the photo.".to_owned())
                ),
                (EventKind::StatusChanged, Some("in_progress".to_owned())),
            ]
        );
        for status in [New, InProgress, Resolved, Closed] {
            let from = WorkState {
                status,
                ..waiting.clone()
            };
            let (to, events) = shopper_wrote(&from, "Any news?");
            assert_eq!(to.status, status, "{status:?} stays as it is");
            assert_eq!(events.len(), 1);
        }
        let (to, events) = shopper_answered(&waiting);
        assert_eq!(to.status, InProgress, "a file they add answers too");
        assert_eq!(
            events,
            [(EventKind::StatusChanged, Some("in_progress".to_owned()))]
        );
    }
}
