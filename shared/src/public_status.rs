//! What a shopper sees of their case, through the status link their receipt carries:
//! where it stands, when the store will answer (only while it still owes the shopper
//! an answer: see `deadline`), and the public part of its timeline
//! (filing, status changes, the store's replies). Never notes, assignees, categories or
//! signals, and agents' names only where the store chose to show them.

use serde::{Deserialize, Serialize};

use crate::case::CaseStatus;
use crate::deadline::ResponseClock;
use crate::offer::Offer;
use crate::outcome::Outcome;
use crate::rating::Rating;
use crate::timeline::{EventKind, TimelineEvent};
use crate::translation::Original;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicStatus {
    pub reference: String,
    /// The case's language (one of `widget_text::LOCALES`): the case page speaks it.
    pub locale: String,
    pub status: CaseStatus,
    pub created_at: String,
    /// When the store will answer at the latest; absent once it has answered, while
    /// it waits for the shopper, and after the case is resolved or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_by: Option<String>,
    pub timeline: Vec<PublicEvent>,
    /// The store's offers, oldest first, each as it stands now (`offer::as_of`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<Offer>,
    /// What the store did, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<Outcome>,
    /// The shopper's rating of how the store handled it, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// Whether the shopper may rate the case now (`rating::RatingWindow::is_open`).
    #[serde(default)]
    pub rating_open: bool,
}

/// How the case is being put right: the store's offers, what it did, and the shopper's
/// rating of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolving {
    pub offers: Vec<Offer>,
    pub outcomes: Vec<Outcome>,
    pub rating: Option<Rating>,
    pub rating_open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicEvent {
    pub at: String,
    pub kind: EventKind,
    /// The new status, or the text of the store's reply.
    pub value: Option<String>,
    /// The agent who wrote a reply, only where the store shows agents' names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// A reply the shopper reads translated: what the store wrote, in its language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Original>,
}

impl PublicStatus {
    /// The shopper's view of a case, from its full timeline.
    pub fn new(
        reference: String,
        locale: &str,
        clock: ResponseClock<'_>,
        created_at: String,
        timeline: Vec<TimelineEvent>,
        agent_names_shown: bool,
        Resolving {
            offers,
            outcomes,
            rating,
            rating_open,
        }: Resolving,
    ) -> PublicStatus {
        let timeline = timeline
            .into_iter()
            .filter(|event| event.public && event.kind.is_public())
            .map(|event| PublicEvent {
                by: (agent_names_shown && event.kind == EventKind::Reply).then_some(event.actor),
                at: event.at,
                kind: event.kind,
                value: event.value,
                original: event.original,
            })
            .collect();
        PublicStatus {
            reference,
            locale: crate::widget_text::pick(locale, "en").to_owned(),
            status: clock.status,
            created_at,
            respond_by: clock.promised_by().map(str::to_owned),
            timeline,
            offers,
            outcomes,
            rating,
            rating_open,
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
            original: None,
        }
    }

    fn ana_replied(agent_names_shown: bool) -> PublicStatus {
        PublicStatus::new(
            "RD-AAAA-BBBB-CCCC".to_owned(),
            "en",
            ResponseClock {
                status: CaseStatus::InProgress,
                respond_by: "2026-11-24T09:00:00.000Z",
                first_response_at: Some("2026-11-23T10:00:00.000Z"),
            },
            "2026-11-23T09:00:00.000Z".to_owned(),
            vec![
                event(EventKind::StatusChanged, "in_progress", true),
                event(EventKind::Reply, "A new shade is on its way.", true),
            ],
            agent_names_shown,
            Resolving::default(),
        )
    }

    #[test]
    fn a_reply_names_its_agent_only_where_the_store_shows_names() {
        let shown = ana_replied(true);
        let by: Vec<Option<&str>> = shown.timeline.iter().map(|e| e.by.as_deref()).collect();
        assert_eq!(
            by,
            [None, Some("Ana Agent")],
            "a status change names no one"
        );
        let hidden = serde_json::to_string(&ana_replied(false)).expect("serialises");
        assert!(!hidden.contains("Ana"), "{hidden}");
        assert!(!hidden.contains("\"by\""), "{hidden}");
    }

    #[test]
    fn a_translated_reply_reaches_the_shopper_with_the_stores_original() {
        let mut reply = event(EventKind::Reply, "새 램프를 오늘 보내드립니다.", true);
        reply.original = Some(Original {
            language: "en".to_owned(),
            text: "We are sending a new lamp today.".to_owned(),
        });
        let status = PublicStatus::new(
            "RD-AAAA-BBBB-CCCC".to_owned(),
            "ko",
            ResponseClock {
                status: CaseStatus::InProgress,
                respond_by: "2026-11-24T09:00:00.000Z",
                first_response_at: Some("2026-11-23T10:00:00.000Z"),
            },
            "2026-11-23T09:00:00.000Z".to_owned(),
            vec![reply],
            false,
            Resolving::default(),
        );
        let shown = &status.timeline[0];
        assert_eq!(shown.value.as_deref(), Some("새 램프를 오늘 보내드립니다."));
        let original = shown.original.as_ref().expect("the store's original");
        assert_eq!(
            (original.language.as_str(), original.text.as_str()),
            ("en", "We are sending a new lamp today.")
        );
    }

    #[test]
    fn the_shopper_sees_status_changes_and_replies_and_nothing_internal() {
        let status = PublicStatus::new(
            "RD-AAAA-BBBB-CCCC".to_owned(),
            "pt-PT",
            ResponseClock {
                status: CaseStatus::Resolved,
                respond_by: "2026-11-24T09:00:00.000Z",
                first_response_at: Some("2026-11-23T10:00:00.000Z"),
            },
            "2026-11-23T09:00:00.000Z".to_owned(),
            vec![
                event(EventKind::Assigned, "Ana Agent", false),
                event(EventKind::Note, "refund looks fraudulent", false),
                event(EventKind::StatusChanged, "in_progress", true),
                event(EventKind::Reply, "A new shade is on its way.", true),
                event(EventKind::ResolutionTaken, "replacement", false),
                event(EventKind::RootCauseFound, "packing", false),
                // Even if a row were marked public by mistake, a note stays internal.
                event(EventKind::Note, "marked public by mistake", true),
            ],
            false,
            Resolving::default(),
        );
        let kinds: Vec<EventKind> = status.timeline.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::StatusChanged, EventKind::Reply]);
        assert_eq!(
            status.locale, "pt-BR",
            "the case page's language, one it speaks"
        );
        let json = serde_json::to_string(&status).expect("serialises");
        for secret in ["Ana", "fraudulent", "replacement", "mistake", "packing"] {
            assert!(!json.contains(secret), "{secret} leaked: {json}");
        }
    }

    /// Regression: the view kept saying "the store will answer by …" after the store
    /// had answered or resolved the case.
    #[test]
    fn the_status_view_stops_promising_an_answer_once_the_store_answered() {
        let view = |status, first_response_at| {
            let clock = ResponseClock {
                status,
                respond_by: "2026-11-24T09:00:00.000Z",
                first_response_at,
            };
            PublicStatus::new(
                "RD-AAAA-BBBB-CCCC".into(),
                "en",
                clock,
                String::new(),
                Vec::new(),
                false,
                Resolving::default(),
            )
        };
        let new = view(CaseStatus::New, None);
        assert_eq!(new.respond_by.as_deref(), Some("2026-11-24T09:00:00.000Z"));
        let answered = view(CaseStatus::InProgress, Some("2026-11-23T10:00:00.000Z"));
        assert_eq!(answered.respond_by, None);
        let json = serde_json::to_value(&answered).expect("json");
        assert!(json.get("respond_by").is_none(), "{json}");
        assert_eq!(view(CaseStatus::Resolved, None).respond_by, None);
        assert_eq!(view(CaseStatus::WaitingForShopper, None).respond_by, None);
    }
}
