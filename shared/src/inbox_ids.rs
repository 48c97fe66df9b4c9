//! Element ids of the agents' inbox page, shared with its browser tests.

pub const TOKEN_INPUT: &str = "redress-inbox-token";
pub const SIGN_IN: &str = "redress-inbox-sign-in";
pub const NAV_CASES: &str = "redress-inbox-nav-cases";
pub const NAV_TRENDS: &str = "redress-inbox-nav-trends";
pub const NAV_SAVED_REPLIES: &str = "redress-inbox-nav-saved-replies";
/// The store's saved replies: the list and the form that writes one.
pub const SAVED_REPLIES: &str = "redress-inbox-saved-replies";
pub const SAVED_REPLY_NAME: &str = "redress-inbox-saved-reply-name";
pub const SAVED_REPLY_CATEGORY: &str = "redress-inbox-saved-reply-category";
/// Adds a language to the reply being written.
pub const SAVED_REPLY_ADD_LANGUAGE: &str = "redress-inbox-saved-reply-add-language";
pub const SAVED_REPLY_SAVE: &str = "redress-inbox-saved-reply-save";

/// The language of the reply's `index`-th version, in the form.
pub fn saved_reply_language(index: usize) -> String {
    format!("redress-inbox-saved-reply-language-{index}")
}

/// The text of the reply's `index`-th version, in the form.
pub fn saved_reply_text(index: usize) -> String {
    format!("redress-inbox-saved-reply-text-{index}")
}

/// The button that opens saved reply `id` in the form (a starter: as a copy).
pub fn saved_reply_edit(id: &str) -> String {
    format!("redress-inbox-saved-reply-edit-{id}")
}

/// The button that deletes the store's saved reply `id`.
pub fn saved_reply_delete(id: &str) -> String {
    format!("redress-inbox-saved-reply-delete-{id}")
}
pub const FILTER_STATUS: &str = "redress-inbox-filter-status";
pub const FILTER_CATEGORY: &str = "redress-inbox-filter-category";
pub const FILTER_PRIORITY: &str = "redress-inbox-filter-priority";
pub const FILTER_TEXT: &str = "redress-inbox-filter-text";
pub const FILTER_APPLY: &str = "redress-inbox-filter-apply";
pub const CASE_LIST: &str = "redress-inbox-cases";
pub const CASE_VIEW: &str = "redress-inbox-case";
pub const CASE_STATUS: &str = "redress-inbox-case-status";
pub const CASE_DESCRIPTION: &str = "redress-inbox-case-description";
/// The description's translation into the store's language, beside it.
pub const CASE_TRANSLATION: &str = "redress-inbox-case-translation";
pub const CASE_TIMELINE: &str = "redress-inbox-case-timeline";
pub const RESOLUTION: &str = "redress-inbox-resolution";
pub const ASSIGNEE: &str = "redress-inbox-assignee";
pub const ASSIGN: &str = "redress-inbox-assign";
pub const NOTE_TEXT: &str = "redress-inbox-note";
pub const NOTE_SEND: &str = "redress-inbox-note-send";
pub const REPLY_TEXT: &str = "redress-inbox-reply";
pub const REPLY_SEND: &str = "redress-inbox-reply-send";
/// The language the agent writes in (remembered in the browser).
pub const REPLY_LANGUAGE: &str = "redress-inbox-reply-language";
/// "Translate into <the case's language>": the reply as the shopper would read it.
pub const REPLY_TRANSLATE: &str = "redress-inbox-reply-translate";
/// The translation, editable: what the shopper receives once sent.
pub const REPLY_TRANSLATION: &str = "redress-inbox-reply-translation";
/// Where the translation stands (machine-made, failed, out of date).
pub const REPLY_TRANSLATION_NOTE: &str = "redress-inbox-reply-translation-note";
/// The saved replies that suit the case, and the button that puts one in the reply.
pub const SAVED_REPLY: &str = "redress-inbox-saved-reply";
pub const SAVED_REPLY_INSERT: &str = "redress-inbox-saved-reply-insert";
/// What the agent should know of the inserted reply: another language, blanks to fill.
pub const SAVED_REPLY_NOTE: &str = "redress-inbox-saved-reply-note";
pub const TRENDS: &str = "redress-inbox-trends";
pub const TRENDS_FROM: &str = "redress-inbox-trends-from";
pub const TRENDS_TO: &str = "redress-inbox-trends-to";
/// The case's offers, each with its state (and a withdraw button while open).
pub const OFFERS: &str = "redress-inbox-offers";
pub const OFFER_KIND: &str = "redress-inbox-offer-kind";
/// The amount as the agent types it (`12.30`), in the chosen currency.
pub const OFFER_AMOUNT: &str = "redress-inbox-offer-amount";
pub const OFFER_CURRENCY: &str = "redress-inbox-offer-currency";
pub const OFFER_TERMS: &str = "redress-inbox-offer-terms";
pub const OFFER_SEND: &str = "redress-inbox-offer-send";
/// What the store did, each outcome recorded on the case.
pub const OUTCOMES: &str = "redress-inbox-outcomes";
/// The outcome form: its kind, then the fields that kind needs.
pub const OUTCOME_KIND: &str = "redress-inbox-outcome-kind";
pub const OUTCOME_AMOUNT: &str = "redress-inbox-outcome-amount";
pub const OUTCOME_CURRENCY: &str = "redress-inbox-outcome-currency";
/// A refund's payment reference.
pub const OUTCOME_REFERENCE: &str = "redress-inbox-outcome-reference";
pub const OUTCOME_CARRIER: &str = "redress-inbox-outcome-carrier";
pub const OUTCOME_TRACKING: &str = "redress-inbox-outcome-tracking";
/// A coupon's or store credit's code.
pub const OUTCOME_CODE: &str = "redress-inbox-outcome-code";
/// A repair's note, or the reason for no action.
pub const OUTCOME_TEXT: &str = "redress-inbox-outcome-text";
pub const OUTCOME_SEND: &str = "redress-inbox-outcome-send";
pub const ROOT_CAUSE: &str = "redress-inbox-root-cause";
pub const RESPONSIBILITY: &str = "redress-inbox-responsibility";
/// The list filter for cases the shopper rated 1 or 2.
pub const FILTER_RATED_LOW: &str = "redress-inbox-filter-rated-low";
/// The shopper's rating on the case view.
pub const CASE_RATING: &str = "redress-inbox-case-rating";
pub const FILTER_BREACHED: &str = "redress-inbox-filter-breached";
/// The case's service levels: its due times and the targets it missed.
pub const CASE_SERVICE_LEVEL: &str = "redress-inbox-case-service-level";
pub const PRIORITY: &str = "redress-inbox-priority";
pub const NAV_DASHBOARD: &str = "redress-inbox-nav-dashboard";
/// The service dashboard (`metrics`), its period and its figures.
pub const DASHBOARD: &str = "redress-inbox-dashboard";
pub const DASHBOARD_FROM: &str = "redress-inbox-dashboard-from";
pub const DASHBOARD_TO: &str = "redress-inbox-dashboard-to";
pub const DASHBOARD_FIGURES: &str = "redress-inbox-dashboard-figures";
/// Downloads the cases the filters select as CSV.
pub const EXPORT_CSV: &str = "redress-inbox-export-csv";
/// Downloads the case's dispute bundle (a ZIP).
pub const DISPUTE_BUNDLE: &str = "redress-inbox-dispute-bundle";
