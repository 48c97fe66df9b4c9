//! The store's promise to answer: how long it has by priority (`PriorityHours`), and
//! whether a case still owes the shopper that first response (`ResponseClock`).
//!
//! The promise is a *response* by `respond_by`: the store's first reply to the shopper,
//! or resolving the case, meets it (`first_response_at`). Until then the clock runs
//! while agents hold the case (`new`, `in_progress`); it stops while the case waits for
//! the shopper. Only a running clock can be overdue or escalated. The same rule is
//! rendered as SQL ([`sql`]) for the edge's list filter and escalation job.

use serde::{Deserialize, Serialize};

use crate::case::CaseStatus;
use crate::categorize::Priority;
use crate::timeline::EventKind;

/// Hours per priority: to a first answer (`StoreConfig::policy`), or to a resolution
/// (`StoreConfig::resolution_policy`, see `service_level`). Stores set their own (a store
/// selling on AliExpress must answer disputes within 5 days); the defaults are these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityHours {
    pub urgent_hours: u32,
    pub high_hours: u32,
    pub normal_hours: u32,
    pub low_hours: u32,
}

impl Default for PriorityHours {
    fn default() -> Self {
        PriorityHours {
            urgent_hours: 2,
            high_hours: 12,
            normal_hours: 24,
            low_hours: 72,
        }
    }
}

impl PriorityHours {
    /// Hours to resolve a case, by default: a day when urgent, five for most.
    pub fn resolution_default() -> PriorityHours {
        PriorityHours {
            urgent_hours: 24,
            high_hours: 48,
            normal_hours: 120,
            low_hours: 240,
        }
    }

    pub fn hours_for(&self, priority: Priority) -> u32 {
        match priority {
            Priority::Urgent => self.urgent_hours,
            Priority::High => self.high_hours,
            Priority::Normal => self.normal_hours,
            Priority::Low => self.low_hours,
        }
    }

    /// The deadline for a case created at `created_ms` (unix milliseconds).
    pub fn deadline_ms(&self, created_ms: i64, priority: Priority) -> i64 {
        created_ms + i64::from(self.hours_for(priority)) * 3_600_000
    }
}

/// A case whose running clock is due within this many minutes (or past due) is
/// escalated to the store's channels, once.
pub const ESCALATE_BEFORE_DUE_MINUTES: u32 = 60;

/// The statuses in which the store's clock runs: agents hold the case. While it waits
/// for the shopper the clock stops; a resolved or closed case owes nothing.
pub fn clock_runs_in(status: CaseStatus) -> bool {
    match status {
        CaseStatus::New | CaseStatus::InProgress => true,
        CaseStatus::WaitingForShopper | CaseStatus::Resolved | CaseStatus::Closed => false,
    }
}

/// Whether an event meets the store's promise: a reply to the shopper, or resolving
/// the case (`value` is the new status of a status change).
pub fn is_response(kind: EventKind, value: Option<&str>) -> bool {
    match kind {
        EventKind::Reply | EventKind::OfferMade => true,
        EventKind::StatusChanged => value == Some(CaseStatus::Resolved.code()),
        EventKind::Created
        | EventKind::Escalated
        | EventKind::Assigned
        | EventKind::ResolutionTaken
        | EventKind::Note
        | EventKind::ShopperMessage
        | EventKind::EvidenceAdded
        | EventKind::OfferAnswered
        | EventKind::OfferWithdrawn
        | EventKind::OfferExpired
        | EventKind::OutcomeRecorded
        | EventKind::Rated
        | EventKind::RootCauseFound
        | EventKind::ResponsibilityFound
        | EventKind::PriorityChanged
        | EventKind::SlaBreached => false,
    }
}

/// Where the store's promise of a first response stands for one case. Times are
/// RFC 3339 in UTC as the edge writes them, which compare as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseClock<'a> {
    pub status: CaseStatus,
    pub respond_by: &'a str,
    /// The store's first reply, or the case's resolution; `None` until then.
    pub first_response_at: Option<&'a str>,
}

impl ResponseClock<'_> {
    /// The store still owes its first response and the clock runs.
    pub fn is_running(&self) -> bool {
        self.first_response_at.is_none()
            && clock_runs_in(self.status)
            && !self.respond_by.is_empty()
    }

    /// Running and past `respond_by` at `now`.
    pub fn is_overdue(&self, now: &str) -> bool {
        self.is_running() && self.respond_by < now
    }

    /// Running and due before `due_before` (now plus [`ESCALATE_BEFORE_DUE_MINUTES`]),
    /// and not escalated yet.
    pub fn should_escalate(&self, escalated: bool, due_before: &str) -> bool {
        !escalated && self.is_running() && self.respond_by < due_before
    }

    /// The deadline the shopper is shown: only while the store still owes an answer.
    pub fn promised_by(&self) -> Option<&str> {
        self.is_running().then_some(self.respond_by)
    }
}

/// The same rules over the `cases` table, for the edge's queries.
pub mod sql {
    use super::clock_runs_in;
    use crate::case::CaseStatus;

    /// `('a', 'b')`: a SQL list of the statuses that pass `keep`.
    pub fn status_list(keep: impl Fn(CaseStatus) -> bool) -> String {
        let codes: Vec<String> = CaseStatus::ALL
            .into_iter()
            .filter(|s| keep(*s))
            .map(|s| format!("'{}'", s.code()))
            .collect();
        format!("({})", codes.join(", "))
    }

    /// [`super::ResponseClock::is_running`].
    pub fn clock_running() -> String {
        format!(
            "(first_response_at IS NULL AND respond_by != '' AND status IN {})",
            status_list(clock_runs_in)
        )
    }

    /// [`super::ResponseClock::is_overdue`], with `now` bound at `param` (`?1`, `?`).
    pub fn overdue(param: &str) -> String {
        format!("({} AND respond_by < {param})", clock_running())
    }

    /// [`super::ResponseClock::should_escalate`], with the due-before time at `param`.
    pub fn escalation_due(param: &str) -> String {
        format!("(escalated_at IS NULL AND {})", overdue(param))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    const DUE: &str = "2026-11-24T10:00:00.000Z";
    const BEFORE: &str = "2026-11-24T09:59:59.999Z";
    const AFTER: &str = "2026-11-24T10:00:00.001Z";

    fn clock(status: CaseStatus, first_response_at: Option<&str>) -> ResponseClock<'_> {
        ResponseClock {
            status,
            respond_by: DUE,
            first_response_at,
        }
    }

    #[test]
    fn urgent_cases_are_due_first_and_low_ones_last() {
        let policy = PriorityHours::default();
        let created = 1_700_000_000_000;
        let due = |p| policy.deadline_ms(created, p) - created;
        assert_eq!(due(Priority::Urgent), 2 * 3_600_000);
        assert!(due(Priority::Urgent) < due(Priority::High));
        assert!(due(Priority::High) < due(Priority::Normal));
        assert!(due(Priority::Normal) < due(Priority::Low));
    }

    #[test]
    fn a_store_sets_its_own_hours() {
        let five_days = PriorityHours {
            normal_hours: 120,
            ..PriorityHours::default()
        };
        assert_eq!(five_days.deadline_ms(0, Priority::Normal), 120 * 3_600_000);
    }

    #[test]
    fn an_unanswered_case_held_by_agents_is_overdue_after_its_deadline() {
        for status in [New, InProgress] {
            assert!(!clock(status, None).is_overdue(BEFORE), "{status:?}");
            assert!(clock(status, None).is_overdue(AFTER), "{status:?}");
        }
    }

    #[test]
    fn an_answered_case_is_never_overdue_nor_escalated() {
        for status in CaseStatus::ALL {
            let answered = clock(status, Some("2026-11-24T09:00:00.000Z"));
            assert!(!answered.is_overdue(AFTER), "{status:?}");
            assert!(!answered.should_escalate(false, AFTER), "{status:?}");
            assert_eq!(answered.promised_by(), None, "{status:?}");
        }
    }

    #[test]
    fn waiting_for_the_shopper_stops_the_stores_clock() {
        let waiting = clock(WaitingForShopper, None);
        assert!(!waiting.is_running());
        assert!(!waiting.is_overdue(AFTER));
        assert!(!waiting.should_escalate(false, AFTER));
        // Back with the agents, the same deadline applies again.
        assert!(clock(InProgress, None).is_overdue(AFTER));
    }

    #[test]
    fn resolved_and_closed_cases_owe_nothing() {
        for status in [Resolved, Closed] {
            assert!(!clock(status, None).is_overdue(AFTER));
            assert_eq!(clock(status, None).promised_by(), None);
        }
    }

    #[test]
    fn escalation_happens_once_before_the_deadline() {
        let open = clock(New, None);
        assert!(!open.should_escalate(false, BEFORE));
        assert!(open.should_escalate(false, AFTER));
        assert!(!open.should_escalate(true, AFTER));
    }

    #[test]
    fn the_shopper_is_promised_the_deadline_only_while_it_runs() {
        assert_eq!(clock(New, None).promised_by(), Some(DUE));
        assert_eq!(clock(WaitingForShopper, None).promised_by(), None);
    }

    #[test]
    fn a_reply_or_a_resolution_is_a_response_and_a_note_is_not() {
        assert!(is_response(EventKind::Reply, Some("We are on it.")));
        assert!(is_response(EventKind::StatusChanged, Some("resolved")));
        assert!(!is_response(EventKind::StatusChanged, Some("in_progress")));
        assert!(!is_response(EventKind::Note, Some("call them")));
        assert!(!is_response(EventKind::Assigned, Some("Ana")));
    }

    #[test]
    fn the_sql_rule_names_exactly_the_statuses_whose_clock_runs() {
        assert_eq!(
            sql::clock_running(),
            "(first_response_at IS NULL AND respond_by != '' AND status IN ('new', 'in_progress'))"
        );
        assert_eq!(
            sql::escalation_due("?1"),
            format!(
                "(escalated_at IS NULL AND ({} AND respond_by < ?1))",
                sql::clock_running()
            )
        );
    }
}
