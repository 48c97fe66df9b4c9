//! A store's service levels: for each priority, a first response by one due time
//! (`respond_by`, the shopper's promised deadline) and a resolution by another
//! (`resolve_by`), counted on the store's [`Calendar`] (around the clock or in business
//! hours). Both clocks run only while agents hold the case ([`clock_runs_in`]): waiting
//! for the shopper pauses them, and when the case comes back each due time moves on by
//! the counted time the pause took. A priority change moves them by the difference
//! between the two priorities' targets. A running clock past its due time is breached,
//! once per target: recorded on the timeline and announced as `case.sla_breached`.

use serde::{Deserialize, Serialize};

use crate::business_hours::Calendar;
use crate::case::CaseStatus;
use crate::categorize::Priority;
use crate::deadline::{clock_runs_in, PriorityHours};
use crate::time::{parse_rfc3339, rfc3339, MS_PER_HOUR};
use crate::workflow::WorkState;

/// What a store promises for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A first answer to the shopper (a reply, an offer, or resolving the case).
    FirstResponse,
    /// The case resolved.
    Resolution,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::FirstResponse, Target::Resolution];

    /// As the timeline (`sla_breached` entries' value) and webhooks spell it.
    pub fn code(self) -> &'static str {
        match self {
            Target::FirstResponse => "first_response",
            Target::Resolution => "resolution",
        }
    }

    pub fn from_code(code: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// When a case missed its targets, as recorded (each at most once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breaches {
    #[serde(default)]
    pub response_breached_at: Option<String>,
    #[serde(default)]
    pub resolution_breached_at: Option<String>,
}

impl Breaches {
    /// The targets missed.
    pub fn targets(&self) -> Vec<Target> {
        let Breaches {
            response_breached_at,
            resolution_breached_at,
        } = self;
        [
            (Target::FirstResponse, response_breached_at),
            (Target::Resolution, resolution_breached_at),
        ]
        .into_iter()
        .filter(|(_, at)| at.is_some())
        .map(|(target, _)| target)
        .collect()
    }
}

/// A store's targets on its calendar.
pub struct ServiceLevels<'a> {
    pub response: PriorityHours,
    pub resolution: PriorityHours,
    pub calendar: Calendar<'a>,
}

impl ServiceLevels<'_> {
    /// The hours a target gives a priority.
    fn hours(&self, target: Target, priority: Priority) -> i64 {
        let hours = match target {
            Target::FirstResponse => &self.response,
            Target::Resolution => &self.resolution,
        };
        i64::from(hours.hours_for(priority))
    }

    /// When a case filed at `filed_ms` is due: first response, then resolution.
    pub fn due_at_filing(&self, filed_ms: i64, priority: Priority) -> (String, String) {
        let due = |target| {
            rfc3339(
                self.calendar
                    .shift(filed_ms, self.hours(target, priority) * MS_PER_HOUR),
            )
        };
        (due(Target::FirstResponse), due(Target::Resolution))
    }

    /// The due times `to` carries after a change from `from` made at `at_ms`: moved by
    /// a priority change, paused when agents hand the case over (to the shopper, or
    /// resolved), moved on by the pause when it comes back.
    pub fn settle(&self, from: &WorkState, mut to: WorkState, at_ms: i64) -> WorkState {
        let moves = |due: &mut String, by_ms: i64| {
            if let Some(ms) = parse_rfc3339(due) {
                *due = rfc3339(self.calendar.shift(ms, by_ms));
            }
        };
        if from.priority != to.priority {
            for target in Target::ALL {
                let by = (self.hours(target, to.priority) - self.hours(target, from.priority))
                    * MS_PER_HOUR;
                moves(to.due_mut(target), by);
            }
        }
        match (clock_runs_in(from.status), clock_runs_in(to.status)) {
            (true, false) => to.clock_paused_at = Some(rfc3339(at_ms)),
            (false, true) => {
                let paused = from
                    .clock_paused_at
                    .as_deref()
                    .and_then(parse_rfc3339)
                    .unwrap_or(at_ms);
                for target in Target::ALL {
                    let due = to.due_mut(target);
                    if let Some(due_ms) = parse_rfc3339(due) {
                        // What was left when it paused (negative: already late) is
                        // left now.
                        let left = self.calendar.between(paused, due_ms);
                        *due = rfc3339(self.calendar.shift(at_ms, left));
                    }
                }
                to.clock_paused_at = None;
            }
            (true, true) | (false, false) => {}
        }
        to
    }
}

/// Whether a change from `from` to `to` moves the clocks at all: a new priority, or
/// the case going to or coming back from the shopper (or resolution).
pub fn moves_clocks(from: &WorkState, to: &WorkState) -> bool {
    from.priority != to.priority || clock_runs_in(from.status) != clock_runs_in(to.status)
}

impl WorkState {
    fn due_mut(&mut self, target: Target) -> &mut String {
        match target {
            Target::FirstResponse => &mut self.respond_by,
            Target::Resolution => &mut self.resolve_by,
        }
    }
}

/// Where one target of one case stands, for the breach rule. Times are RFC 3339 in
/// UTC, compared as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetClock<'a> {
    pub status: CaseStatus,
    pub due: &'a str,
    /// The target was met (the first response came); resolution is met by leaving the
    /// statuses in which the clock runs.
    pub met: bool,
    /// When a breach of it was recorded.
    pub breached_at: Option<&'a str>,
}

impl TargetClock<'_> {
    /// A breach to record now: the clock runs, the target is unmet and due before
    /// `now`, and no breach was recorded yet.
    pub fn breach_due(&self, now: &str) -> bool {
        self.breached_at.is_none()
            && !self.met
            && clock_runs_in(self.status)
            && !self.due.is_empty()
            && self.due < now
    }
}

/// [`TargetClock::breach_due`] over the `cases` table, for the breach job.
pub mod sql {
    use super::Target;
    use crate::deadline::{clock_runs_in, sql::status_list};

    /// The column a target's due time is kept in.
    pub fn due_column(target: Target) -> &'static str {
        match target {
            Target::FirstResponse => "respond_by",
            Target::Resolution => "resolve_by",
        }
    }

    /// The column a target's breach is recorded in.
    pub fn breached_column(target: Target) -> &'static str {
        match target {
            Target::FirstResponse => "response_breached_at",
            Target::Resolution => "resolution_breached_at",
        }
    }

    /// Cases whose `target` is breached and not yet recorded, with now at `param`.
    pub fn breach_due(target: Target, param: &str) -> String {
        let met = match target {
            Target::FirstResponse => " AND first_response_at IS NULL",
            Target::Resolution => "",
        };
        let due = due_column(target);
        format!(
            "({} IS NULL{met} AND status IN {} AND {due} != '' AND {due} < {param})",
            breached_column(target),
            status_list(clock_runs_in)
        )
    }

    /// Cases with any breach recorded (the inbox's filter).
    pub fn breached() -> String {
        let columns: Vec<String> = Target::ALL
            .into_iter()
            .map(|t| format!("{} IS NOT NULL", breached_column(t)))
            .collect();
        format!("({})", columns.join(" OR "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_hours::{BusinessHours, Utc};
    use CaseStatus::*;

    fn at(text: &str) -> i64 {
        parse_rfc3339(text).unwrap_or_else(|| panic!("{text}"))
    }

    fn state(
        status: CaseStatus,
        priority: Priority,
        (respond_by, resolve_by): (&str, &str),
    ) -> WorkState {
        WorkState {
            status,
            priority,
            assignee: None,
            resolution_taken: None,
            root_cause: None,
            responsibility: None,
            respond_by: respond_by.into(),
            resolve_by: resolve_by.into(),
            clock_paused_at: None,
            breaches: Default::default(),
            first_response_at: None,
            last_write: None,
        }
    }

    fn around_the_clock() -> ServiceLevels<'static> {
        ServiceLevels {
            response: PriorityHours::default(),
            resolution: PriorityHours::resolution_default(),
            calendar: Calendar::AllHours,
        }
    }

    #[test]
    fn a_new_case_is_due_by_each_target_for_its_priority() {
        let levels = around_the_clock();
        let (respond_by, resolve_by) =
            levels.due_at_filing(at("2026-12-01T10:00:00.000Z"), Priority::Normal);
        assert_eq!(respond_by, "2026-12-02T10:00:00.000Z", "24 hours to answer");
        assert_eq!(resolve_by, "2026-12-06T10:00:00.000Z", "5 days to resolve");
    }

    #[test]
    fn a_case_filed_friday_evening_is_due_after_the_weekend_in_business_hours() {
        let hours = BusinessHours::parse("mon-fri 09:00-18:00 UTC", &[]).expect("valid");
        let levels = ServiceLevels {
            calendar: Calendar::of(Some(&hours), &Utc),
            ..around_the_clock()
        };
        // Friday 19:00: 24 business hours are Monday, Tuesday and 6 hours of Wednesday.
        let (respond_by, _) =
            levels.due_at_filing(at("2026-11-27T19:00:00.000Z"), Priority::Normal);
        assert_eq!(respond_by, "2026-12-02T15:00:00.000Z");
    }

    /// (what happens, from, to, due times after) with the clocks paused at 10:00 when
    /// the case went to the shopper, the change made at 16:00 the same day.
    #[test]
    fn waiting_for_the_shopper_pauses_both_clocks_and_the_answer_resumes_them() {
        let levels = around_the_clock();
        let due = ("2026-12-01T12:00:00.000Z", "2026-12-05T10:00:00.000Z");
        let running = state(InProgress, Priority::Normal, due);

        // Handing the case to the shopper pauses the clocks; due times stay.
        let waiting = levels.settle(
            &running,
            state(WaitingForShopper, Priority::Normal, due),
            at("2026-12-01T10:00:00.000Z"),
        );
        assert_eq!(
            waiting.clock_paused_at.as_deref(),
            Some("2026-12-01T10:00:00.000Z")
        );
        assert_eq!(
            (waiting.respond_by.as_str(), waiting.resolve_by.as_str()),
            due
        );

        // The shopper answers six hours later: both due times move six hours on.
        let mut answered = waiting.clone();
        answered.status = InProgress;
        let back = levels.settle(&waiting, answered, at("2026-12-01T16:00:00.000Z"));
        assert_eq!(back.clock_paused_at, None);
        assert_eq!(back.respond_by, "2026-12-01T18:00:00.000Z");
        assert_eq!(back.resolve_by, "2026-12-05T16:00:00.000Z");
    }

    #[test]
    fn a_pause_in_business_hours_moves_due_times_by_working_time_only() {
        let hours = BusinessHours::parse("mon-fri 09:00-18:00 UTC", &[]).expect("valid");
        let levels = ServiceLevels {
            calendar: Calendar::of(Some(&hours), &Utc),
            ..around_the_clock()
        };
        // Paused Friday 17:00 with an hour left (due 18:00); the shopper answers on
        // Saturday: the hour left is Monday's first.
        let mut waiting = state(
            WaitingForShopper,
            Priority::Normal,
            ("2026-11-27T18:00:00.000Z", "2026-12-04T17:00:00.000Z"),
        );
        waiting.clock_paused_at = Some("2026-11-27T17:00:00.000Z".into());
        let mut answered = waiting.clone();
        answered.status = InProgress;
        let back = levels.settle(&waiting, answered, at("2026-11-28T12:00:00.000Z"));
        assert_eq!(back.respond_by, "2026-11-30T10:00:00.000Z");
        assert_eq!(
            back.resolve_by, "2026-12-04T18:00:00.000Z",
            "an hour of Friday was paused"
        );
    }

    #[test]
    fn a_case_late_before_its_pause_is_still_late_after_it() {
        let levels = around_the_clock();
        let mut waiting = state(
            WaitingForShopper,
            Priority::Normal,
            ("2026-12-01T08:00:00.000Z", "2026-12-05T10:00:00.000Z"),
        );
        waiting.clock_paused_at = Some("2026-12-01T10:00:00.000Z".into());
        let mut answered = waiting.clone();
        answered.status = InProgress;
        let back = levels.settle(&waiting, answered, at("2026-12-02T10:00:00.000Z"));
        assert_eq!(
            back.respond_by, "2026-12-02T08:00:00.000Z",
            "two hours late, as before"
        );
    }

    #[test]
    fn a_priority_change_moves_both_due_times_by_the_difference() {
        let levels = around_the_clock();
        let due = ("2026-12-02T10:00:00.000Z", "2026-12-06T10:00:00.000Z");
        let normal = state(InProgress, Priority::Normal, due);
        let urgent = levels.settle(
            &normal,
            state(InProgress, Priority::Urgent, due),
            at("2026-12-01T11:00:00.000Z"),
        );
        // Normal gives 24 h and 120 h; urgent 2 h and 24 h.
        assert_eq!(urgent.respond_by, "2026-12-01T12:00:00.000Z");
        assert_eq!(urgent.resolve_by, "2026-12-02T10:00:00.000Z");
        let low = levels.settle(
            &normal,
            state(InProgress, Priority::Low, due),
            at("2026-12-01T11:00:00.000Z"),
        );
        assert_eq!(low.respond_by, "2026-12-04T10:00:00.000Z");
        assert_eq!(low.resolve_by, "2026-12-11T10:00:00.000Z");
    }

    #[test]
    fn resolving_pauses_the_resolution_clock_and_reopening_resumes_it() {
        let levels = around_the_clock();
        let due = ("2026-12-01T12:00:00.000Z", "2026-12-05T10:00:00.000Z");
        let open = state(InProgress, Priority::Normal, due);
        let resolved = levels.settle(
            &open,
            state(Resolved, Priority::Normal, due),
            at("2026-12-01T10:00:00.000Z"),
        );
        assert!(resolved.clock_paused_at.is_some());
        let mut reopened = resolved.clone();
        reopened.status = InProgress;
        let reopened = levels.settle(&resolved, reopened, at("2026-12-03T10:00:00.000Z"));
        assert_eq!(reopened.resolve_by, "2026-12-07T10:00:00.000Z");
    }

    #[test]
    fn other_changes_leave_the_clocks_alone() {
        let levels = around_the_clock();
        let due = ("2026-12-01T12:00:00.000Z", "2026-12-05T10:00:00.000Z");
        for (from, to) in [
            (New, InProgress),
            (WaitingForShopper, Resolved),
            (Resolved, Closed),
        ] {
            let before = state(from, Priority::High, due);
            let after = levels.settle(
                &before,
                state(to, Priority::High, due),
                at("2026-12-01T11:00:00.000Z"),
            );
            assert_eq!(
                (after.respond_by.as_str(), after.resolve_by.as_str()),
                due,
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn a_breach_is_due_once_while_the_clock_runs_past_an_unmet_target() {
        const NOW: &str = "2026-12-01T12:00:00.000Z";
        let clock = |status, met, breached_at| TargetClock {
            status,
            due: "2026-12-01T11:00:00.000Z",
            met,
            breached_at,
        };
        assert!(clock(New, false, None).breach_due(NOW));
        assert!(clock(InProgress, false, None).breach_due(NOW));
        assert!(
            !clock(InProgress, false, None).breach_due("2026-12-01T10:00:00.000Z"),
            "not due yet"
        );
        assert!(!clock(InProgress, true, None).breach_due(NOW), "met");
        assert!(
            !clock(WaitingForShopper, false, None).breach_due(NOW),
            "paused"
        );
        assert!(!clock(Resolved, false, None).breach_due(NOW), "resolved");
        assert!(
            !clock(InProgress, false, Some(NOW)).breach_due(NOW),
            "recorded once"
        );
    }

    #[test]
    fn the_breach_query_says_what_the_rule_says() {
        let first = sql::breach_due(Target::FirstResponse, "?1");
        assert_eq!(
            first,
            "(response_breached_at IS NULL AND first_response_at IS NULL AND status IN ('new', 'in_progress') AND respond_by != '' AND respond_by < ?1)"
        );
        let resolution = sql::breach_due(Target::Resolution, "?1");
        assert!(resolution.starts_with("(resolution_breached_at IS NULL AND status IN"));
        assert_eq!(
            sql::breached(),
            "(response_breached_at IS NOT NULL OR resolution_breached_at IS NOT NULL)"
        );
    }

    #[test]
    fn targets_round_trip_through_their_codes() {
        for target in Target::ALL {
            assert_eq!(Target::from_code(target.code()), Some(target));
        }
    }
}
