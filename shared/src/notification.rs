//! The message the edge puts on the notification queue, and posts to a store's webhook.

use serde::{Deserialize, Serialize};

use crate::case::Case;

/// How long to wait before delivering again after `attempts_made` failed attempts:
/// doubling from one second, at most five minutes.
pub fn retry_delay_seconds(attempts_made: u32) -> u32 {
    1u32.checked_shl(attempts_made.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(300)
}

/// What a store's channels receive about a new case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNotification {
    /// `case.created` when a case is filed, `case.escalated` when its deadline nears
    /// with no answer yet.
    pub event: String,
    pub case: Case,
}

impl CaseNotification {
    pub const CASE_CREATED: &'static str = "case.created";
    pub const CASE_ESCALATED: &'static str = "case.escalated";

    /// How people-facing channels (chat, email) title an event.
    pub fn headline(event: &str) -> &'static str {
        match event {
            Self::CASE_ESCALATED => "Deadline near, no answer yet",
            _ => "New case",
        }
    }

    pub fn created(case: Case) -> CaseNotification {
        CaseNotification {
            event: Self::CASE_CREATED.to_owned(),
            case,
        }
    }

    pub fn escalated(case: Case) -> CaseNotification {
        CaseNotification {
            event: Self::CASE_ESCALATED.to_owned(),
            case,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_by_doubling_up_to_five_minutes() {
        let delays: Vec<u32> = (1..=6).map(retry_delay_seconds).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32]);
        assert_eq!(retry_delay_seconds(0), 1);
        assert_eq!(retry_delay_seconds(40), 300);
    }
}
