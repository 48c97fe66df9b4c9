//! Element ids of the shopper's case page (`case/`), shared with its browser tests so
//! that tests never hard-code selectors.

pub const TITLE: &str = "case-title";
pub const REFERENCE: &str = "case-reference";
/// Where the case stands, and what the store promised: announced as it changes.
pub const SUMMARY: &str = "case-summary";
pub const STATUS: &str = "case-status";
pub const TIMELINE: &str = "case-timeline";

/// The store's original of the translated reply at `index` in the timeline: a
/// disclosure ("show the store's original").
pub fn original(index: u32) -> String {
    format!("case-original-{index}")
}
pub const WRITE: &str = "case-write";
pub const MESSAGE: &str = "case-message";
pub const SEND: &str = "case-send";
/// Why a message was not sent (`role="alert"`).
pub const WRITE_ERROR: &str = "case-write-error";
/// "Sending…", then "Your message was sent." (`aria-live`).
pub const WRITE_STATUS: &str = "case-write-status";
/// The file input: each file chosen is sent at once.
pub const FILE: &str = "case-file";
/// The files sent from this page, each with its progress and what happened to it.
pub const FILES: &str = "case-files";
/// The store's offers (hidden while there are none).
pub const OFFERS: &str = "case-offers";
pub const OFFER_LIST: &str = "case-offer-list";
/// Why an answer to an offer was refused (`role="alert"`).
pub const OFFER_ERROR: &str = "case-offer-error";

/// The button that gives `answer` (`accept`, `decline`, `counter`) to offer `number`;
/// `counter` opens a box for the shopper's proposal, sent by `send_counter`.
pub fn offer_button(number: u32, answer: &str) -> String {
    format!("case-offer-{number}-{answer}")
}

/// The box for a counter-proposal to offer `number`.
pub fn offer_counter_text(number: u32) -> String {
    format!("case-offer-{number}-message")
}
/// What the store did (hidden while nothing is recorded).
pub const OUTCOMES: &str = "case-outcomes";
pub const OUTCOME_LIST: &str = "case-outcome-list";
/// "How did the store handle your complaint?" (shown once the case is resolved).
pub const RATING: &str = "case-rating";
/// The shopper's rating once given.
pub const RATING_GIVEN: &str = "case-rating-given";
pub const RATING_FORM: &str = "case-rating-form";
pub const RATING_COMMENT: &str = "case-rating-comment";
pub const RATING_SEND: &str = "case-rating-send";
/// "Thank you for your rating." (`aria-live`).
pub const RATING_STATUS: &str = "case-rating-status";
/// Why a rating was refused (`role="alert"`).
pub const RATING_ERROR: &str = "case-rating-error";

/// The radio button for `score` (1 to 5).
pub fn rating_score(score: u8) -> String {
    format!("case-rating-{score}")
}
