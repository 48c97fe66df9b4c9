//! A case's timeline: who did what, when. Agents see all of it; the shopper sees the
//! public part (`public_status`).

use serde::{Deserialize, Serialize};

/// Who did something, when it was not an agent (agents appear by their name).
pub mod actor {
    pub const SHOPPER: &str = "shopper";
    pub const REDRESS: &str = "redress";
}

/// One thing that happened to a case: who, what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: String,
    /// `shopper`, `redress`, or the agent's name.
    pub actor: String,
    pub kind: EventKind,
    /// The new status, assignee or resolution code; the text of a note or reply.
    pub value: Option<String>,
    /// Shown on the shopper's status view.
    pub public: bool,
    /// A reply the shopper received translated: what the agent wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<crate::translation::Original>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Escalated,
    StatusChanged,
    Assigned,
    ResolutionTaken,
    /// Internal: agents only.
    Note,
    /// To the shopper.
    Reply,
    /// From the shopper: on the case page or by email.
    ShopperMessage,
    /// The shopper added evidence (the value is the file's name).
    EvidenceAdded,
    /// The store made an offer; this and the other offer entries hold its number.
    OfferMade,
    /// The shopper accepted, declined or countered it (the offer holds which).
    OfferAnswered,
    /// The store withdrew it, or the shopper accepted another.
    OfferWithdrawn,
    /// Its time ran out unanswered.
    OfferExpired,
    /// The store recorded what it did (the value is the outcome's number).
    OutcomeRecorded,
    /// The shopper rated how the store handled the case (the value is the score).
    Rated,
    /// Internal: why the problem happened (a `RootCause` code).
    RootCauseFound,
    /// Internal: who was responsible (a `Responsibility` code).
    ResponsibilityFound,
    /// Internal: an agent changed the priority (the value is the new one); the
    /// service-level due times moved with it.
    PriorityChanged,
    /// Internal: a service-level target was missed (the value is `first_response` or
    /// `resolution`, see `service_level::Target`).
    SlaBreached,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Escalated => "escalated",
            EventKind::StatusChanged => "status_changed",
            EventKind::Assigned => "assigned",
            EventKind::ResolutionTaken => "resolution_taken",
            EventKind::Note => "note",
            EventKind::Reply => "reply",
            EventKind::ShopperMessage => "shopper_message",
            EventKind::EvidenceAdded => "evidence_added",
            EventKind::OfferMade => "offer_made",
            EventKind::OfferAnswered => "offer_answered",
            EventKind::OfferWithdrawn => "offer_withdrawn",
            EventKind::OfferExpired => "offer_expired",
            EventKind::OutcomeRecorded => "outcome_recorded",
            EventKind::Rated => "rated",
            EventKind::RootCauseFound => "root_cause_found",
            EventKind::ResponsibilityFound => "responsibility_found",
            EventKind::PriorityChanged => "priority_changed",
            EventKind::SlaBreached => "sla_breached",
        }
    }

    /// Whether the entry's value is an offer's number.
    pub fn names_offer(self) -> bool {
        matches!(
            self,
            EventKind::OfferMade
                | EventKind::OfferAnswered
                | EventKind::OfferWithdrawn
                | EventKind::OfferExpired
        )
    }

    /// Whether the shopper sees this kind of event.
    pub fn is_public(self) -> bool {
        match self {
            EventKind::Created
            | EventKind::StatusChanged
            | EventKind::Reply
            | EventKind::ShopperMessage
            | EventKind::EvidenceAdded
            | EventKind::OfferMade
            | EventKind::OfferAnswered
            | EventKind::OfferWithdrawn
            | EventKind::OfferExpired
            | EventKind::OutcomeRecorded
            | EventKind::Rated => true,
            EventKind::Escalated
            | EventKind::Assigned
            | EventKind::ResolutionTaken
            | EventKind::Note
            | EventKind::RootCauseFound
            | EventKind::ResponsibilityFound
            | EventKind::PriorityChanged
            | EventKind::SlaBreached => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_stay_internal_and_replies_reach_the_shopper() {
        assert!(!EventKind::Note.is_public());
        assert!(!EventKind::Assigned.is_public());
        assert!(EventKind::Reply.is_public());
        assert!(EventKind::StatusChanged.is_public());
    }
}
