//! What a store's channels hear about a case: the message the edge puts on the
//! notification queue, which is also the body a store's webhook receives.

use serde::{Deserialize, Serialize};

use crate::case::{Case, CaseStatus};
use crate::complaint::Resolution;
use crate::offer::Offer;
use crate::outcome::Outcome;
use crate::rating::Rating;
use crate::timeline::{EventKind, TimelineEvent};
use crate::translation::Translation;

/// What happened to a case that a store's channels hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotificationEvent {
    /// A case was filed.
    #[serde(rename = "case.created")]
    CaseCreated,
    /// An agent moved the case to a status other than `resolved`.
    #[serde(rename = "case.status_changed")]
    CaseStatusChanged,
    /// An agent replied to the shopper.
    #[serde(rename = "case.agent_replied")]
    CaseAgentReplied,
    /// The shopper wrote to the store (on the case page or by email).
    #[serde(rename = "case.shopper_replied")]
    CaseShopperReplied,
    /// The shopper added evidence to the case.
    #[serde(rename = "case.evidence_added")]
    CaseEvidenceAdded,
    /// An agent resolved the case (the case carries its resolution).
    #[serde(rename = "case.resolved")]
    CaseResolved,
    /// Its deadline is near or past and the store has not answered yet.
    #[serde(rename = "case.escalated")]
    CaseEscalated,
    /// An agent made the shopper an offer (carried in `offer`).
    #[serde(rename = "case.offer_made")]
    CaseOfferMade,
    /// The shopper accepted, declined or countered an offer (its `state` says which).
    #[serde(rename = "case.offer_answered")]
    CaseOfferAnswered,
    /// An offer's time ran out unanswered.
    #[serde(rename = "case.offer_expired")]
    CaseOfferExpired,
    /// An agent recorded what the store did (carried in `outcome`).
    #[serde(rename = "case.outcome_recorded")]
    CaseOutcomeRecorded,
    /// The shopper rated how the store handled the case (carried in `rating`).
    #[serde(rename = "case.rated")]
    CaseRated,
    /// A service-level target (first response or resolution) was missed: the entry's
    /// value says which (`service_level::Target`).
    #[serde(rename = "case.sla_breached")]
    CaseSlaBreached,
}

impl NotificationEvent {
    pub const ALL: [NotificationEvent; 13] = [
        NotificationEvent::CaseCreated,
        NotificationEvent::CaseStatusChanged,
        NotificationEvent::CaseAgentReplied,
        NotificationEvent::CaseShopperReplied,
        NotificationEvent::CaseEvidenceAdded,
        NotificationEvent::CaseResolved,
        NotificationEvent::CaseEscalated,
        NotificationEvent::CaseOfferMade,
        NotificationEvent::CaseOfferAnswered,
        NotificationEvent::CaseOfferExpired,
        NotificationEvent::CaseOutcomeRecorded,
        NotificationEvent::CaseRated,
        NotificationEvent::CaseSlaBreached,
    ];

    /// As webhooks, `deliveries.event` and the store's settings spell it.
    pub fn code(self) -> &'static str {
        match self {
            NotificationEvent::CaseCreated => "case.created",
            NotificationEvent::CaseStatusChanged => "case.status_changed",
            NotificationEvent::CaseAgentReplied => "case.agent_replied",
            NotificationEvent::CaseShopperReplied => "case.shopper_replied",
            NotificationEvent::CaseEvidenceAdded => "case.evidence_added",
            NotificationEvent::CaseResolved => "case.resolved",
            NotificationEvent::CaseEscalated => "case.escalated",
            NotificationEvent::CaseOfferMade => "case.offer_made",
            NotificationEvent::CaseOfferAnswered => "case.offer_answered",
            NotificationEvent::CaseOfferExpired => "case.offer_expired",
            NotificationEvent::CaseOutcomeRecorded => "case.outcome_recorded",
            NotificationEvent::CaseRated => "case.rated",
            NotificationEvent::CaseSlaBreached => "case.sla_breached",
        }
    }

    pub fn from_code(code: &str) -> Option<NotificationEvent> {
        NotificationEvent::ALL
            .into_iter()
            .find(|event| event.code() == code)
    }

    /// How people-facing channels (chat, email) title it.
    pub fn headline(self) -> &'static str {
        match self {
            NotificationEvent::CaseCreated => "New case",
            NotificationEvent::CaseStatusChanged => "Status changed",
            NotificationEvent::CaseAgentReplied => "Reply sent to the shopper",
            NotificationEvent::CaseShopperReplied => "The shopper replied",
            NotificationEvent::CaseEvidenceAdded => "The shopper added evidence",
            NotificationEvent::CaseResolved => "Case resolved",
            NotificationEvent::CaseEscalated => "Deadline near, no answer yet",
            NotificationEvent::CaseOfferMade => "Offer made to the shopper",
            NotificationEvent::CaseOfferAnswered => "The shopper answered an offer",
            NotificationEvent::CaseOfferExpired => "An offer expired unanswered",
            NotificationEvent::CaseOutcomeRecorded => "Outcome recorded",
            NotificationEvent::CaseRated => "The shopper rated the case",
            NotificationEvent::CaseSlaBreached => "Service level missed",
        }
    }

    /// Whether the event waits in an outbox until every channel is done with it, so that
    /// a lost queue message is sent again: a new case (`cases.notify_state`) and every
    /// timeline entry announced (`case_events.notify_state`). An escalation is not: the
    /// escalation job records it only after enqueueing.
    pub fn is_outboxed(self) -> bool {
        !matches!(self, NotificationEvent::CaseEscalated)
    }

    /// The event that announces a timeline entry, if the store hears of it. Filing and
    /// escalation are announced by their own jobs; notes, assignments and the resolution
    /// code stay inside the store (the resolution travels with `case.resolved`).
    pub fn announcing(kind: EventKind, value: Option<&str>) -> Option<NotificationEvent> {
        match kind {
            EventKind::StatusChanged if value == Some(CaseStatus::Resolved.code()) => {
                Some(NotificationEvent::CaseResolved)
            }
            EventKind::StatusChanged => Some(NotificationEvent::CaseStatusChanged),
            EventKind::Reply => Some(NotificationEvent::CaseAgentReplied),
            EventKind::ShopperMessage => Some(NotificationEvent::CaseShopperReplied),
            EventKind::EvidenceAdded => Some(NotificationEvent::CaseEvidenceAdded),
            EventKind::OfferMade => Some(NotificationEvent::CaseOfferMade),
            EventKind::OfferAnswered => Some(NotificationEvent::CaseOfferAnswered),
            EventKind::OfferExpired => Some(NotificationEvent::CaseOfferExpired),
            EventKind::OutcomeRecorded => Some(NotificationEvent::CaseOutcomeRecorded),
            EventKind::Rated => Some(NotificationEvent::CaseRated),
            EventKind::SlaBreached => Some(NotificationEvent::CaseSlaBreached),
            // The store's own act (or the shopper's acceptance of another offer,
            // which `case.offer_answered` announces).
            EventKind::OfferWithdrawn
            | EventKind::Created
            | EventKind::Escalated
            | EventKind::Assigned
            | EventKind::ResolutionTaken
            | EventKind::Note
            | EventKind::RootCauseFound
            | EventKind::ResponsibilityFound
            | EventKind::PriorityChanged => None,
        }
    }

    /// The events a chat or the store's email gets until the store chooses: what needs
    /// someone's attention, not every step the team itself took.
    pub const ATTENTION: [NotificationEvent; 7] = [
        NotificationEvent::CaseCreated,
        NotificationEvent::CaseShopperReplied,
        NotificationEvent::CaseEscalated,
        NotificationEvent::CaseSlaBreached,
        NotificationEvent::CaseOfferAnswered,
        NotificationEvent::CaseOfferExpired,
        NotificationEvent::CaseRated,
    ];
}

/// The timeline entry an event announces, with its place in the case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// The entry's sequence number: with the case id, it names the entry for good.
    pub seq: u64,
    #[serde(flatten)]
    pub entry: TimelineEvent,
}

/// What a store's channels receive about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNotification {
    pub event: NotificationEvent,
    /// What happened, for events that announce a timeline entry (absent for
    /// `case.created` and `case.escalated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    #[serde(flatten)]
    pub attached: Attached,
    pub case: Case,
    /// The shopper's text the event brings (`translation::shopper_text`), in the
    /// store's working language: added by the queue consumer before it delivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<Translation>,
}

/// What an event carries beside its entry, by event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    /// What the store did, with `case.resolved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_taken: Option<Resolution>,
    /// Every outcome recorded on the case, with `case.resolved`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<Outcome>,
    /// The offer, as it stands when sent, with the offer events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// The outcome recorded, with `case.outcome_recorded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The shopper's rating, with `case.rated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
}

impl Attached {
    /// What `event`, announcing an entry of `kind`, may carry of `self`.
    fn for_event(self, event: NotificationEvent, kind: EventKind) -> Attached {
        let Attached {
            resolution_taken,
            outcomes,
            offer,
            outcome,
            rating,
        } = self;
        let resolves = event == NotificationEvent::CaseResolved;
        Attached {
            resolution_taken: resolution_taken.filter(|_| resolves),
            outcomes: if resolves { outcomes } else { Vec::new() },
            offer: offer.filter(|_| kind.names_offer()),
            outcome: outcome.filter(|_| kind == EventKind::OutcomeRecorded),
            rating: rating.filter(|_| kind == EventKind::Rated),
        }
    }
}

impl CaseNotification {
    pub fn created(case: Case) -> CaseNotification {
        CaseNotification {
            event: NotificationEvent::CaseCreated,
            activity: None,
            attached: Attached::default(),
            case,
            translation: None,
        }
    }

    pub fn escalated(case: Case) -> CaseNotification {
        CaseNotification {
            event: NotificationEvent::CaseEscalated,
            activity: None,
            attached: Attached::default(),
            case,
            translation: None,
        }
    }

    /// The announcement of timeline entry `seq` of `case`, if the store hears of it,
    /// with what its event carries of `attached` (the case's resolution and outcomes
    /// when it resolves the case, the offer or outcome an entry names).
    pub fn of_activity(
        case: Case,
        seq: u64,
        entry: TimelineEvent,
        attached: Attached,
    ) -> Option<CaseNotification> {
        let event = NotificationEvent::announcing(entry.kind, entry.value.as_deref())?;
        Some(CaseNotification {
            event,
            attached: attached.for_event(event, entry.kind),
            activity: Some(Activity { seq, entry }),
            case,
            translation: None,
        })
    }

    /// What people-facing channels title it: the event, and the new status of a
    /// status change.
    pub fn headline(&self) -> String {
        match (&self.event, &self.activity) {
            (NotificationEvent::CaseStatusChanged, Some(activity)) => format!(
                "{}: {}",
                self.event.headline(),
                activity.entry.value.as_deref().unwrap_or_default()
            ),
            (NotificationEvent::CaseRated, _) => match &self.attached.rating {
                Some(rating) if rating.is_low() => {
                    format!(
                        "{}: {}/5, low: look again",
                        self.event.headline(),
                        rating.score
                    )
                }
                Some(rating) => format!("{}: {}/5", self.event.headline(), rating.score),
                None => self.event.headline().to_owned(),
            },
            (NotificationEvent::CaseOfferAnswered, _) => match &self.attached.offer {
                Some(offer) => format!("{}: {}", self.event.headline(), offer.state.code()),
                None => self.event.headline().to_owned(),
            },
            _ => self.event.headline().to_owned(),
        }
    }

    /// The words people-facing channels quote: the message for a reply either way,
    /// otherwise the shopper's complaint. Someone's text: only ever shown as plain text.
    pub fn quoted_text(&self) -> &str {
        match &self.activity {
            Some(Activity { entry, .. })
                if matches!(entry.kind, EventKind::Reply | EventKind::ShopperMessage) =>
            {
                entry.value.as_deref().unwrap_or_default()
            }
            _ => &self.case.details.description,
        }
    }

    /// The entry's sequence number, or 0 for the events that announce none
    /// (`deliveries.seq`).
    pub fn seq(&self) -> u64 {
        self.activity.as_ref().map_or(0, |a| a.seq)
    }

    /// `webhook-id`: the same on every redelivery of this event and unique among all of
    /// them, so a store's endpoint can drop a copy. Only our own ids, letters, digits and
    /// `_` (Standard Webhooks signs `id.timestamp.body`: no `.` in the id).
    pub fn webhook_id(&self) -> String {
        let name = self.event.code().trim_start_matches("case.");
        match &self.activity {
            Some(activity) => format!("msg_{}_{name}_{}", self.case.id.as_str(), activity.seq),
            None => format!("msg_{}_{name}", self.case.id.as_str()),
        }
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
            assert_eq!(NotificationEvent::from_code(event.code()), Some(event));
        }
        assert_eq!(NotificationEvent::from_code("case.deleted"), None);
    }

    #[test]
    fn only_an_escalation_skips_the_outbox() {
        for event in NotificationEvent::ALL {
            assert_eq!(
                event.is_outboxed(),
                event != NotificationEvent::CaseEscalated,
                "{event:?}"
            );
        }
    }

    #[test]
    fn resolving_is_its_own_event_and_internal_entries_announce_nothing() {
        use NotificationEvent::*;
        let announced = |kind, value: Option<&str>| NotificationEvent::announcing(kind, value);
        assert_eq!(
            announced(EventKind::StatusChanged, Some("resolved")),
            Some(CaseResolved)
        );
        assert_eq!(
            announced(EventKind::StatusChanged, Some("waiting_for_shopper")),
            Some(CaseStatusChanged)
        );
        assert_eq!(
            announced(EventKind::Reply, Some("Hello")),
            Some(CaseAgentReplied)
        );
        assert_eq!(
            announced(EventKind::ShopperMessage, Some("Here it is")),
            Some(CaseShopperReplied)
        );
        assert_eq!(
            announced(EventKind::EvidenceAdded, None),
            Some(CaseEvidenceAdded)
        );
        for internal in [
            EventKind::Note,
            EventKind::Assigned,
            EventKind::ResolutionTaken,
            EventKind::Created,
            EventKind::Escalated,
        ] {
            assert_eq!(announced(internal, Some("x")), None, "{internal:?}");
        }
    }

    #[test]
    fn each_event_carries_only_what_belongs_to_it() {
        use crate::outcome::{Done, Outcome};
        let outcome = Outcome {
            number: 1,
            done: Done::Repaired {
                note: String::new(),
            },
            recorded_at: "2026-12-02T10:00:00.000Z".into(),
        };
        let everything = Attached {
            resolution_taken: Some(Resolution::Repair),
            outcomes: vec![outcome.clone()],
            offer: None,
            outcome: Some(outcome.clone()),
            rating: None,
        };
        let recorded = everything.clone().for_event(
            NotificationEvent::CaseOutcomeRecorded,
            EventKind::OutcomeRecorded,
        );
        assert_eq!(recorded.outcome, Some(outcome.clone()));
        assert!(recorded.outcomes.is_empty() && recorded.resolution_taken.is_none());
        let resolved =
            everything.for_event(NotificationEvent::CaseResolved, EventKind::StatusChanged);
        assert_eq!(resolved.outcomes, [outcome]);
        assert_eq!(resolved.resolution_taken, Some(Resolution::Repair));
        assert_eq!(resolved.outcome, None);
    }

    #[test]
    #[cfg(feature = "embedded-lexicon")]
    fn webhook_ids_name_one_event_and_contain_no_dot() {
        let case = crate::chat_message::tests::case("A-1", "The lamp arrived broken.");
        let id = case.id.as_str().to_owned();
        let reply = TimelineEvent {
            at: "2026-12-02T10:00:00.000Z".into(),
            actor: "Ana".into(),
            kind: EventKind::Reply,
            value: Some("We are on it.".into()),
            public: true,
            original: None,
        };
        let replied = CaseNotification::of_activity(
            case.clone(),
            42,
            reply,
            Attached {
                resolution_taken: Some(Resolution::Repair),
                ..Attached::default()
            },
        )
        .expect("announced");
        assert_eq!(
            replied.attached.resolution_taken, None,
            "only case.resolved carries it"
        );
        assert_eq!(replied.event, NotificationEvent::CaseAgentReplied);
        assert_eq!(replied.webhook_id(), format!("msg_{id}_agent_replied_42"));
        assert_eq!(replied.seq(), 42);
        let created = CaseNotification::created(case);
        assert_eq!(created.webhook_id(), format!("msg_{id}_created"));
        assert_eq!(created.seq(), 0);
        for notification in [&replied, &created] {
            assert!(!notification.webhook_id().contains('.'));
        }
        let json = serde_json::to_value(&replied).expect("json");
        assert_eq!(json["activity"]["seq"], 42);
        assert_eq!(json["activity"]["kind"], "reply");
        assert_eq!(json["activity"]["value"], "We are on it.");
        assert!(serde_json::to_value(&created).expect("json")["activity"].is_null());
    }
}
