//! What a shopper sees of their case, through the status link their receipt carries:
//! where it stands, when the store will answer, and the public part of its timeline
//! (filing, status changes, the store's replies). Never notes, assignees, categories,
//! signals or agents' names.

use serde::{Deserialize, Serialize};

use crate::agent_api::{EventKind, TimelineEvent};
use crate::case::CaseStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicStatus {
    pub reference: String,
    pub status: CaseStatus,
    pub created_at: String,
    pub respond_by: String,
    pub timeline: Vec<PublicEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicEvent {
    pub at: String,
    pub kind: EventKind,
    /// The new status, or the text of the store's reply.
    pub value: Option<String>,
}

impl PublicStatus {
    /// The shopper's view of a case, from its full timeline.
    pub fn new(
        reference: String,
        status: CaseStatus,
        created_at: String,
        respond_by: String,
        timeline: Vec<TimelineEvent>,
    ) -> PublicStatus {
        let timeline = timeline
            .into_iter()
            .filter(|event| event.public && event.kind.is_public())
            .map(|event| PublicEvent {
                at: event.at,
                kind: event.kind,
                value: event.value,
            })
            .collect();
        PublicStatus {
            reference,
            status,
            created_at,
            respond_by,
            timeline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, value: &str, public: bool) -> TimelineEvent {
        TimelineEvent {
            at: "2026-11-23T10:00:00.000Z".to_owned(),
            actor: "Ana Agent".to_owned(),
            kind,
            value: Some(value.to_owned()),
            public,
        }
    }

    #[test]
    fn the_shopper_sees_status_changes_and_replies_and_nothing_internal() {
        let status = PublicStatus::new(
            "RD-AAAA-BBBB-CCCC".to_owned(),
            CaseStatus::Resolved,
            "2026-11-23T09:00:00.000Z".to_owned(),
            "2026-11-24T09:00:00.000Z".to_owned(),
            vec![
                event(EventKind::Assigned, "Ana Agent", false),
                event(EventKind::Note, "refund looks fraudulent", false),
                event(EventKind::StatusChanged, "in_progress", true),
                event(EventKind::Reply, "A new shade is on its way.", true),
                event(EventKind::ResolutionTaken, "replacement", false),
                // Even if a row were marked public by mistake, a note stays internal.
                event(EventKind::Note, "marked public by mistake", true),
            ],
        );
        let kinds: Vec<EventKind> = status.timeline.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::StatusChanged, EventKind::Reply]);
        let json = serde_json::to_string(&status).expect("serialises");
        for secret in ["Ana", "fraudulent", "replacement", "mistake"] {
            assert!(!json.contains(secret), "{secret} leaked: {json}");
        }
    }
}
