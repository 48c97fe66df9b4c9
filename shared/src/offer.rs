//! Offers: what a store proposes to put a complaint right (a partial refund, a resend,
//! store credit...), and the shopper's answer. One offer moves once, from `offered` to
//! `accepted`, `declined`, `countered` (the shopper answered with a proposal of their
//! own), `expired` (its days ran out) or `withdrawn` (by the store, or because the
//! shopper accepted another). Accepting one settles the case's others.

use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode, FieldError, FieldErrorCode};
use crate::case::CaseStatus;
use crate::complaint::Resolution;
use crate::money::Money;
use crate::time::{rfc3339, MS_PER_DAY};
use crate::timeline::EventKind;
use crate::validate::validate_text;
use crate::workflow::{self, is_open, Events, WorkState};

/// The longest terms an agent may write (what happens next, in a few sentences).
pub const MAX_TERMS_CHARS: usize = 1_000;

/// What an agent proposes (`POST /v1/agent/cases/{id}/offers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferDraft {
    pub kind: Resolution,
    /// What the store pays or grants: required where money moves, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// What happens next, in the store's words ("We resend within 2 days").
    #[serde(default)]
    pub terms: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    Offered,
    Accepted,
    Declined,
    Countered,
    Expired,
    Withdrawn,
}

impl OfferState {
    pub const ALL: [OfferState; 6] = [
        OfferState::Offered,
        OfferState::Accepted,
        OfferState::Declined,
        OfferState::Countered,
        OfferState::Expired,
        OfferState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OfferState::Offered => "offered",
            OfferState::Accepted => "accepted",
            OfferState::Declined => "declined",
            OfferState::Countered => "countered",
            OfferState::Expired => "expired",
            OfferState::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<OfferState> {
        OfferState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// An offer on a case, as agents and the shopper see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// 1, 2, 3... on its case: the timeline's offer entries hold it.
    pub number: u32,
    pub kind: Resolution,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    pub terms: String,
    pub state: OfferState,
    pub made_at: String,
    /// After this the shopper can no longer accept it.
    pub expires_at: String,
    /// When it left `offered`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<String>,
}

/// The shopper's answer to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Accept,
    Decline,
    /// Decline with a proposal of their own, in the message.
    Counter,
}

impl Answer {
    fn state(self) -> OfferState {
        match self {
            Answer::Accept => OfferState::Accepted,
            Answer::Decline => OfferState::Declined,
            Answer::Counter => OfferState::Countered,
        }
    }
}

/// `POST /v1/status/{reference}/offers/{number}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferAnswer {
    pub answer: Answer,
    /// Required with `counter`; optional with `decline` (why); not with `accept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why an offer action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferError {
    Invalid(Vec<FieldError>),
    NoSuchOffer,
    /// The offer was answered, withdrawn or has expired.
    NotOpen(OfferState),
    /// Offers are made on open cases: reopen a resolved or closed one first.
    CaseNotOpen(CaseStatus),
}

impl From<OfferError> for ApiError {
    fn from(error: OfferError) -> ApiError {
        match error {
            OfferError::Invalid(fields) => ApiError::validation(fields),
            OfferError::NoSuchOffer => {
                ApiError::new(ErrorCode::NotFound, "This case has no such offer.")
            }
            OfferError::NotOpen(state) => ApiError::new(
                ErrorCode::OfferNotOpen,
                format!(
                    "The offer is {}: it can no longer be answered or withdrawn.",
                    state.code()
                ),
            ),
            OfferError::CaseNotOpen(status) => ApiError::new(
                ErrorCode::IllegalTransition,
                format!(
                    "The case is {}: reopen it before making an offer.",
                    status.code()
                ),
            ),
        }
    }
}

/// Whether money moves with this kind of outcome (its offer names an amount).
pub fn moves_money(kind: Resolution) -> bool {
    match kind {
        Resolution::FullRefund
        | Resolution::PartialRefund
        | Resolution::ReturnAndRefund
        | Resolution::StoreCredit => true,
        Resolution::Replacement | Resolution::Resend | Resolution::Repair | Resolution::Other => {
            false
        }
    }
}

impl OfferDraft {
    /// Every rule a proposal keeps, with the store's currencies; the terms trimmed.
    pub fn checked(&self, currencies: &[String]) -> Result<OfferDraft, OfferError> {
        let mut errors = Vec::new();
        match (&self.amount, moves_money(self.kind)) {
            (Some(amount), true) => errors.extend(amount.check(currencies, "amount")),
            (None, true) => errors.push(FieldError::new(
                "amount",
                FieldErrorCode::Required,
                format!("A {} names its amount.", self.kind.code()),
            )),
            (Some(_), false) => errors.push(FieldError::new(
                "amount",
                FieldErrorCode::OutOfRange,
                format!(
                    "A {} moves no money: leave the amount out.",
                    self.kind.code()
                ),
            )),
            (None, false) => {}
        }
        // Terms may be left out, except for `other`, which says nothing by itself.
        let terms = self.terms.trim();
        let terms = if terms.is_empty() && self.kind != Resolution::Other {
            String::new()
        } else {
            validate_text("terms", terms, MAX_TERMS_CHARS).unwrap_or_else(|e| {
                errors.extend(e);
                String::new()
            })
        };
        if errors.is_empty() {
            Ok(OfferDraft {
                terms,
                ..self.clone()
            })
        } else {
            Err(OfferError::Invalid(errors))
        }
    }
}

impl Offer {
    /// The state as of `now`: an open offer past its time has expired, whether or not
    /// the sweep has recorded it yet.
    pub fn state_at(&self, now: &str) -> OfferState {
        if self.state == OfferState::Offered && now >= self.expires_at.as_str() {
            OfferState::Expired
        } else {
            self.state
        }
    }

    pub fn is_open_at(&self, now: &str) -> bool {
        self.state_at(now) == OfferState::Offered
    }
}

/// Offers as they stand at `now` (an open one past its time shows as expired).
pub fn as_of(offers: Vec<Offer>, now: &str) -> Vec<Offer> {
    offers
        .into_iter()
        .map(|offer| Offer {
            state: offer.state_at(now),
            ..offer
        })
        .collect()
}

/// The value of an offer's timeline entries: its number.
fn entry(kind: EventKind, number: u32) -> (EventKind, Option<String>) {
    (kind, Some(number.to_string()))
}

/// What making `draft` (already checked) does: offer number `number`, open for `days`
/// from `now_ms`, and the case waiting for the shopper's answer (their clock, not the
/// store's). The offer answers the shopper for the deadline's sake.
pub fn make(
    case: &WorkState,
    draft: OfferDraft,
    number: u32,
    now_ms: i64,
    days: u32,
) -> Result<(Offer, WorkState, Events), OfferError> {
    if !is_open(case.status) {
        return Err(OfferError::CaseNotOpen(case.status));
    }
    let at = rfc3339(now_ms);
    let OfferDraft {
        kind,
        amount,
        terms,
    } = draft;
    let offer = Offer {
        number,
        kind,
        amount,
        terms,
        state: OfferState::Offered,
        expires_at: rfc3339(now_ms + i64::from(days) * MS_PER_DAY),
        made_at: at.clone(),
        answered_at: None,
    };
    // The offer entry says it all: no status entry of its own (which would email the
    // shopper "the store needs more information" beside the offer).
    let mut to = case.clone();
    to.status = CaseStatus::WaitingForShopper;
    if to.first_response_at.is_none() {
        to.first_response_at = Some(at);
    }
    Ok((offer, to, vec![entry(EventKind::OfferMade, number)]))
}

/// What a shopper's answer does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The offers' new states, by number.
    pub moves: Vec<(u32, OfferState)>,
    pub case: WorkState,
    pub events: Events,
}

/// What happens when the shopper gives `answer` to offer `number` at `now`. Accepting
/// withdraws the case's other open offers; the case goes back to the store.
pub fn answer(
    case: &WorkState,
    offers: &[Offer],
    number: u32,
    answer: &OfferAnswer,
    now: &str,
) -> Result<Answered, OfferError> {
    let offer = offers
        .iter()
        .find(|o| o.number == number)
        .ok_or(OfferError::NoSuchOffer)?;
    let state = offer.state_at(now);
    if state != OfferState::Offered {
        return Err(OfferError::NotOpen(state));
    }
    let message = match (answer.answer, answer.message.as_deref()) {
        (Answer::Accept, _) => None,
        (Answer::Counter, None) => {
            return Err(OfferError::Invalid(vec![FieldError::new(
                "message",
                FieldErrorCode::Required,
                "Say what you would accept instead.",
            )]))
        }
        (_, Some(text)) if text.trim().is_empty() && answer.answer == Answer::Decline => None,
        (_, Some(text)) => Some(
            validate_text(
                "message",
                text,
                crate::validate::Limits::default().max_description_chars,
            )
            .map_err(OfferError::Invalid)?,
        ),
        (Answer::Decline, None) => None,
    };
    let mut moves = vec![(number, answer.answer.state())];
    let mut events = vec![entry(EventKind::OfferAnswered, number)];
    if answer.answer == Answer::Accept {
        for other in offers
            .iter()
            .filter(|o| o.number != number && o.is_open_at(now))
        {
            moves.push((other.number, OfferState::Withdrawn));
            events.push(entry(EventKind::OfferWithdrawn, other.number));
        }
    }
    let (to, answered) = match &message {
        Some(text) => workflow::shopper_wrote(case, text),
        None => workflow::shopper_answered(case),
    };
    events.extend(answered);
    Ok(Answered {
        moves,
        case: to,
        events,
    })
}

/// What withdrawing offer `number` at `now` writes: only an open offer can be.
pub fn withdraw(offers: &[Offer], number: u32, now: &str) -> Result<Events, OfferError> {
    let offer = offers
        .iter()
        .find(|o| o.number == number)
        .ok_or(OfferError::NoSuchOffer)?;
    match offer.state_at(now) {
        OfferState::Offered => Ok(vec![entry(EventKind::OfferWithdrawn, number)]),
        state => Err(OfferError::NotOpen(state)),
    }
}

/// The number a case's next offer takes.
pub fn next_number(offers: &[Offer]) -> u32 {
    offers.iter().map(|o| o.number).max().unwrap_or(0) + 1
}

/// The timeline entry that records an offer expiring.
pub fn expired(number: u32) -> (EventKind, Option<String>) {
    entry(EventKind::OfferExpired, number)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: i64 = 1_796_000_000_000;

    fn store_currencies() -> Vec<String> {
        vec!["EUR".to_owned()]
    }

    fn draft(kind: Resolution, amount: Option<i64>, terms: &str) -> OfferDraft {
        OfferDraft {
            kind,
            amount: amount.map(|minor| Money {
                minor,
                currency: "EUR".to_owned(),
            }),
            terms: terms.to_owned(),
        }
    }

    fn case(status: CaseStatus) -> WorkState {
        WorkState {
            status,
            priority: crate::categorize::Priority::Normal,
            assignee: None,
            resolution_taken: None,
            root_cause: None,
            responsibility: None,
            respond_by: rfc3339(NOW_MS + MS_PER_DAY),
            resolve_by: String::new(),
            clock_paused_at: None,
            breaches: Default::default(),
            first_response_at: None,
            last_write: None,
        }
    }

    fn made(number: u32) -> Offer {
        let partial = draft(Resolution::PartialRefund, Some(1230), "Keep the lamp.");
        let (offer, _, _) =
            make(&case(CaseStatus::InProgress), partial, number, NOW_MS, 7).expect("made");
        offer
    }

    fn field_codes(error: OfferError) -> Vec<(String, FieldErrorCode)> {
        match error {
            OfferError::Invalid(fields) => fields.into_iter().map(|f| (f.field, f.code)).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn money_moves_only_with_refunds_and_credit_and_then_it_is_named() {
        let eur = store_currencies();
        assert!(draft(Resolution::PartialRefund, Some(1230), "")
            .checked(&eur)
            .is_ok());
        assert!(draft(Resolution::Resend, None, "Within 2 days.")
            .checked(&eur)
            .is_ok());
        let missing = draft(Resolution::StoreCredit, None, "").checked(&eur);
        assert_eq!(
            field_codes(missing.expect_err("no amount")),
            [("amount".to_owned(), FieldErrorCode::Required)]
        );
        let extra = draft(Resolution::Replacement, Some(100), "").checked(&eur);
        assert_eq!(
            field_codes(extra.expect_err("amount on a replacement")),
            [("amount".to_owned(), FieldErrorCode::OutOfRange)]
        );
        let negative = draft(Resolution::PartialRefund, Some(-1230), "").checked(&eur);
        assert_eq!(
            field_codes(negative.expect_err("negative")),
            [("amount.minor".to_owned(), FieldErrorCode::OutOfRange)]
        );
    }

    #[test]
    fn terms_are_trimmed_and_only_something_else_needs_them() {
        let eur = store_currencies();
        let checked = draft(Resolution::Resend, None, "  We resend within 2 days.\n")
            .checked(&eur)
            .expect("valid");
        assert_eq!(checked.terms, "We resend within 2 days.");
        let vague = draft(Resolution::Other, None, "  ").checked(&eur);
        assert_eq!(
            field_codes(vague.expect_err("other says nothing")),
            [("terms".to_owned(), FieldErrorCode::Required)]
        );
        let long = draft(Resolution::Resend, None, &"x".repeat(MAX_TERMS_CHARS + 1));
        assert_eq!(
            field_codes(long.checked(&eur).expect_err("too long")),
            [("terms".to_owned(), FieldErrorCode::TooLong)]
        );
    }

    #[test]
    fn an_offer_waits_for_the_shopper_and_answers_them() {
        let partial = draft(Resolution::PartialRefund, Some(1230), "");
        let (offer, to, events) =
            make(&case(CaseStatus::New), partial, 1, NOW_MS, 7).expect("made");
        assert_eq!(offer.state, OfferState::Offered);
        assert_eq!(offer.expires_at, rfc3339(NOW_MS + 7 * MS_PER_DAY));
        assert_eq!(to.status, CaseStatus::WaitingForShopper);
        assert_eq!(to.first_response_at, Some(rfc3339(NOW_MS)));
        assert_eq!(events, [(EventKind::OfferMade, Some("1".to_owned()))]);
        let resolved = make(
            &case(CaseStatus::Resolved),
            draft(Resolution::Resend, None, ""),
            1,
            NOW_MS,
            7,
        );
        assert_eq!(
            resolved.expect_err("closed case"),
            OfferError::CaseNotOpen(CaseStatus::Resolved)
        );
    }

    #[test]
    fn accepting_one_offer_withdraws_the_others_and_hands_the_case_back() {
        let offers = [made(1), made(2), made(3)];
        let now = rfc3339(NOW_MS + 1000);
        let accept = OfferAnswer {
            answer: Answer::Accept,
            message: None,
        };
        let waiting = case(CaseStatus::WaitingForShopper);
        let Answered {
            moves,
            case: to,
            events,
        } = answer(&waiting, &offers, 2, &accept, &now).expect("open");
        assert_eq!(
            moves,
            [
                (2, OfferState::Accepted),
                (1, OfferState::Withdrawn),
                (3, OfferState::Withdrawn),
            ]
        );
        assert_eq!(to.status, CaseStatus::InProgress);
        let kinds: Vec<EventKind> = events.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [
                EventKind::OfferAnswered,
                EventKind::OfferWithdrawn,
                EventKind::OfferWithdrawn,
                EventKind::StatusChanged,
            ]
        );
    }

    #[test]
    fn a_counter_proposal_is_a_message_and_declining_leaves_the_others_open() {
        let offers = [made(1), made(2)];
        let now = rfc3339(NOW_MS);
        let waiting = case(CaseStatus::WaitingForShopper);
        let counter = OfferAnswer {
            answer: Answer::Counter,
            message: Some(" 50% and I keep it ".to_owned()),
        };
        let Answered { moves, events, .. } =
            answer(&waiting, &offers, 1, &counter, &now).expect("open");
        assert_eq!(moves, [(1, OfferState::Countered)]);
        assert_eq!(
            events[..2],
            [
                (EventKind::OfferAnswered, Some("1".to_owned())),
                (
                    EventKind::ShopperMessage,
                    Some("50% and I keep it".to_owned())
                ),
            ]
        );
        let silent = OfferAnswer {
            answer: Answer::Counter,
            message: None,
        };
        assert_eq!(
            field_codes(answer(&waiting, &offers, 1, &silent, &now).expect_err("no message")),
            [("message".to_owned(), FieldErrorCode::Required)]
        );
        let decline = OfferAnswer {
            answer: Answer::Decline,
            message: Some(String::new()),
        };
        let Answered { moves, .. } = answer(&waiting, &offers, 2, &decline, &now).expect("open");
        assert_eq!(moves, [(2, OfferState::Declined)]);
    }

    #[test]
    fn an_expired_withdrawn_or_answered_offer_cannot_be_answered_or_withdrawn() {
        let open = made(1);
        let at_expiry = open.expires_at.clone();
        assert_eq!(open.state_at(&at_expiry), OfferState::Expired);
        let accept = OfferAnswer {
            answer: Answer::Accept,
            message: None,
        };
        let waiting = case(CaseStatus::WaitingForShopper);
        let refused = answer(
            &waiting,
            std::slice::from_ref(&open),
            1,
            &accept,
            &at_expiry,
        );
        assert_eq!(
            refused.expect_err("expired"),
            OfferError::NotOpen(OfferState::Expired)
        );
        assert_eq!(
            withdraw(std::slice::from_ref(&open), 1, &at_expiry).expect_err("expired"),
            OfferError::NotOpen(OfferState::Expired)
        );
        let now = rfc3339(NOW_MS);
        for state in [
            OfferState::Withdrawn,
            OfferState::Accepted,
            OfferState::Declined,
        ] {
            let settled = Offer {
                state,
                ..open.clone()
            };
            let refused = answer(&waiting, &[settled], 1, &accept, &now);
            assert_eq!(refused.expect_err("settled"), OfferError::NotOpen(state));
        }
        assert_eq!(
            answer(&waiting, std::slice::from_ref(&open), 9, &accept, &now).expect_err("none"),
            OfferError::NoSuchOffer
        );
        assert_eq!(
            ApiError::from(OfferError::NotOpen(OfferState::Expired)).status(),
            409
        );
        assert_eq!(
            withdraw(&[open], 1, &now).expect("open"),
            [(EventKind::OfferWithdrawn, Some("1".to_owned()))]
        );
    }

    #[test]
    fn offers_are_numbered_on_their_case() {
        assert_eq!(next_number(&[]), 1);
        assert_eq!(next_number(&[made(1), made(4)]), 5);
    }
}
