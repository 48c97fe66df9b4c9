//! The message the edge puts on the notification queue, and posts to a store's webhook.

use serde::{Deserialize, Serialize};

use crate::case::Case;

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
