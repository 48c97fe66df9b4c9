//! The message the edge puts on the notification queue, and posts to a store's webhook.

use serde::{Deserialize, Serialize};

use crate::case::Case;

/// What happened to a case that a store's channels hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotificationEvent {
    /// A case was filed.
    #[serde(rename = "case.created")]
    CaseCreated,
    /// Its deadline is near or past and the store has not answered yet.
    #[serde(rename = "case.escalated")]
    CaseEscalated,
}

impl NotificationEvent {
    pub const ALL: [NotificationEvent; 2] = [
        NotificationEvent::CaseCreated,
        NotificationEvent::CaseEscalated,
    ];

    /// As webhooks, `deliveries.event` and `Redress-Event-Id` spell it.
    pub fn code(self) -> &'static str {
        match self {
            NotificationEvent::CaseCreated => "case.created",
            NotificationEvent::CaseEscalated => "case.escalated",
        }
    }

    /// How people-facing channels (chat, email) title it.
    pub fn headline(self) -> &'static str {
        match self {
            NotificationEvent::CaseCreated => "New case",
            NotificationEvent::CaseEscalated => "Deadline near, no answer yet",
        }
    }

    /// Whether delivering this event settles the case's outbox (`notify_state`): only
    /// the announcement of a new case is kept in the outbox until delivered.
    pub fn is_outboxed(self) -> bool {
        match self {
            NotificationEvent::CaseCreated => true,
            NotificationEvent::CaseEscalated => false,
        }
    }
}

/// What a store's channels receive about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNotification {
    pub event: NotificationEvent,
    pub case: Case,
}

impl CaseNotification {
    pub fn created(case: Case) -> CaseNotification {
        CaseNotification {
            event: NotificationEvent::CaseCreated,
            case,
        }
    }

    pub fn escalated(case: Case) -> CaseNotification {
        CaseNotification {
            event: NotificationEvent::CaseEscalated,
            case,
        }
    }

    /// `Redress-Event-Id`: the same on every redelivery of this event, so a store's
    /// endpoint can drop a copy.
    pub fn event_id(&self) -> String {
        format!("{}.{}", self.case.id.as_str(), self.event.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_spelt_as_webhooks_document_them() {
        for event in NotificationEvent::ALL {
            let json = serde_json::to_string(&event).expect("serialises");
            assert_eq!(json, format!("\"{}\"", event.code()));
            assert_eq!(
                serde_json::from_str::<NotificationEvent>(&json).expect("reads"),
                event
            );
        }
    }

    #[test]
    fn only_a_new_case_waits_in_the_outbox() {
        assert!(NotificationEvent::CaseCreated.is_outboxed());
        assert!(!NotificationEvent::CaseEscalated.is_outboxed());
    }
}
