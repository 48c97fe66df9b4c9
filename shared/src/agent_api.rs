//! The agent API's requests and answers: the case list's filters and cursor, the
//! shapes of a case as agents see it, and the changes they make.

use serde::{Deserialize, Serialize};

use crate::api_error::{FieldError, FieldErrorCode};
use crate::case::{Case, CaseStatus};
use crate::categorize::{Category, Priority};
use crate::complaint::Resolution;
use crate::deadline::ResponseClock;
use crate::delivery::{ChannelKind, DeliveryState};
use crate::encoding::{hex, unhex};
use crate::notification::NotificationEvent;
use crate::outcome::{Responsibility, RootCause};
use crate::service_level::Breaches;
use crate::store::is_display_name;
use crate::timeline::{EventKind, TimelineEvent};
use crate::translation::{self, Original, Translation};

/// `GET /v1/agent/cases`: every filter is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseQuery {
    /// Any of these statuses (`status=new,in_progress`); empty means all.
    pub statuses: Vec<CaseStatus>,
    pub category: Option<Category>,
    pub priority: Option<Priority>,
    /// The complaint's language (ISO 639-1).
    pub lang: Option<String>,
    /// `true`: open cases past their deadline; `false`: all others.
    pub overdue: Option<bool>,
    /// Words in the description, or an exact reference, order number or email.
    pub text: Option<String>,
    /// Filed at or after (a date `2026-11-01` or an RFC 3339 timestamp).
    pub from: Option<String>,
    /// Filed before.
    pub to: Option<String>,
    pub product: Option<String>,
    /// `true`: cases the shopper rated 1 or 2 (`rating::LOW_SCORE`), to look at again.
    pub rated_low: bool,
    /// `true`: cases that missed a service-level target (`service_level`).
    pub breached: bool,
    pub sort: CaseSort,
    pub limit: u32,
    /// Where the previous page ended.
    pub after: Option<Cursor>,
}

/// The list's order; each is total (ties broken by id), so cursors are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSort {
    /// Soonest deadline first: what to answer next.
    Deadline,
    /// Most recently filed first.
    Newest,
}

impl CaseSort {
    /// The case column this order is keyed by.
    pub fn column(self) -> &'static str {
        match self {
            CaseSort::Deadline => "respond_by",
            CaseSort::Newest => "created_at",
        }
    }
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;
const MAX_TEXT_QUERY_CHARS: usize = 200;

/// How the list's text search looks in descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescriptionSearch {
    /// Three characters or more: an FTS5 phrase for the trigram index, which finds it
    /// anywhere in any script.
    Phrase(String),
    /// One or two characters (too short for trigrams): a `LIKE` pattern with `\` as
    /// its escape.
    Pattern(String),
}

/// The search for `text` in descriptions.
pub fn description_search(text: &str) -> DescriptionSearch {
    if text.chars().count() >= 3 {
        // A phrase in double quotes matches literally; a quote inside is doubled.
        DescriptionSearch::Phrase(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        DescriptionSearch::Pattern(format!("%{escaped}%"))
    }
}

/// The last case of a page: its sort key and id. Opaque to clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        hex(format!("{}\n{}", self.key, self.id).as_bytes())
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        if text.len() > 512 {
            return None;
        }
        let text = String::from_utf8(unhex(text)?).ok()?;
        let (key, id) = text.split_once('\n')?;
        Some(Cursor {
            key: key.to_owned(),
            id: id.to_owned(),
        })
    }
}

/// The case list's query parameters, as the inbox and `openapi.json` name them.
pub mod param {
    pub const STATUS: &str = "status";
    pub const CATEGORY: &str = "category";
    pub const PRIORITY: &str = "priority";
    pub const LANG: &str = "lang";
    pub const OVERDUE: &str = "overdue";
    pub const TEXT: &str = "q";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const PRODUCT: &str = "product";
    pub const SORT: &str = "sort";
    pub const LIMIT: &str = "limit";
    pub const CURSOR: &str = "cursor";
    pub const RATED_LOW: &str = "rated_low";
    pub const BREACHED: &str = "breached";
    pub const ALL: [&str; 14] = [
        STATUS, CATEGORY, PRIORITY, LANG, OVERDUE, TEXT, FROM, TO, PRODUCT, SORT, LIMIT, CURSOR,
        RATED_LOW, BREACHED,
    ];
}

/// Reads the list's query parameters; every problem is reported, by parameter name.
pub fn parse_case_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<CaseQuery, Vec<FieldError>> {
    let mut query = CaseQuery {
        statuses: Vec::new(),
        category: None,
        priority: None,
        lang: None,
        overdue: None,
        text: None,
        from: None,
        to: None,
        product: None,
        rated_low: false,
        breached: false,
        sort: CaseSort::Deadline,
        limit: DEFAULT_PAGE,
        after: None,
    };
    let mut errors = Vec::new();
    let mut bad = |field: &str, code, message: &str| {
        errors.push(FieldError::new(field, code, message));
    };
    for (name, value) in pairs {
        match name {
            param::STATUS => {
                for code in value.split(',').filter(|c| !c.is_empty()) {
                    match CaseStatus::from_code(code) {
                        Some(status) => query.statuses.push(status),
                        None => bad(
                            name,
                            FieldErrorCode::InvalidFormat,
                            "Use new, in_progress, waiting_for_shopper, resolved or closed.",
                        ),
                    }
                }
            }
            param::CATEGORY => match Category::from_code(value) {
                Some(c) => query.category = Some(c),
                None => bad(
                    name,
                    FieldErrorCode::UnknownCategory,
                    "Use a category code from the taxonomy.",
                ),
            },
            param::PRIORITY => match Priority::from_code(value) {
                Some(p) => query.priority = Some(p),
                None => bad(
                    name,
                    FieldErrorCode::InvalidFormat,
                    "Use urgent, high, normal or low.",
                ),
            },
            param::LANG if is_code(value, 2, 3) || value == crate::UNDETERMINED_LANGUAGE => {
                query.lang = Some(value.to_owned())
            }
            param::RATED_LOW | param::BREACHED => {
                let slot = if name == param::RATED_LOW {
                    &mut query.rated_low
                } else {
                    &mut query.breached
                };
                match value {
                    "true" => *slot = true,
                    "false" => *slot = false,
                    _ => bad(name, FieldErrorCode::InvalidFormat, "Use true or false."),
                }
            }
            param::OVERDUE => match value {
                "true" => query.overdue = Some(true),
                "false" => query.overdue = Some(false),
                _ => bad(name, FieldErrorCode::InvalidFormat, "Use true or false."),
            },
            param::TEXT if value.chars().count() > MAX_TEXT_QUERY_CHARS => bad(
                name,
                FieldErrorCode::TooLong,
                "Search for at most 200 characters.",
            ),
            param::TEXT => query.text = Some(value.trim().to_owned()).filter(|t| !t.is_empty()),
            param::FROM | param::TO if is_date_or_timestamp(value) => {
                let slot = if name == param::FROM {
                    &mut query.from
                } else {
                    &mut query.to
                };
                *slot = Some(value.to_owned());
            }
            param::PRODUCT if !value.is_empty() && value.len() <= 128 => {
                query.product = Some(value.to_owned())
            }
            param::SORT => match value {
                "deadline" => query.sort = CaseSort::Deadline,
                "newest" => query.sort = CaseSort::Newest,
                _ => bad(
                    name,
                    FieldErrorCode::InvalidFormat,
                    "Use deadline or newest.",
                ),
            },
            param::LIMIT => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => query.limit = n,
                _ => bad(
                    name,
                    FieldErrorCode::OutOfRange,
                    "Use a page size from 1 to 200.",
                ),
            },
            param::CURSOR => match Cursor::decode(value) {
                Some(cursor) => query.after = Some(cursor),
                None => bad(
                    name,
                    FieldErrorCode::InvalidFormat,
                    "Pass next_cursor from the previous page as it was.",
                ),
            },
            param::LANG | param::FROM | param::TO | param::PRODUCT => bad(
                name,
                FieldErrorCode::InvalidFormat,
                "This value is not in the expected format.",
            ),
            _ => bad(
                name,
                FieldErrorCode::InvalidFormat,
                "This is not a filter of the case list.",
            ),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

fn is_code(value: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase())
}

/// One bound of a filing period (`from`, `to` in trends and metrics) into `slot`; the
/// refusal's message when it is no date or timestamp.
pub(crate) fn period_bound(value: &str, slot: &mut Option<String>) -> Result<(), &'static str> {
    if is_date_or_timestamp(value) {
        *slot = Some(value.to_owned());
        Ok(())
    } else {
        Err("Use a date (2026-11-01) or an RFC 3339 timestamp.")
    }
}

/// `2026-11-01` or `2026-11-01T10:00:00Z`-like: compared as text against stored
/// RFC 3339 timestamps, which sort by time.
pub(crate) fn is_date_or_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    let date = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    date && value.len() <= 30
        && value[10..]
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'T' | b':' | b'.' | b'Z' | b'+' | b'-'))
}

/// A case in the list: what an agent needs to pick the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: String,
    pub reference: String,
    pub status: CaseStatus,
    pub category: Category,
    pub sub_reason: Option<String>,
    pub priority: Priority,
    pub lang: String,
    pub product_id: Option<String>,
    pub order_number: String,
    pub email: String,
    /// The start of the description.
    pub excerpt: String,
    pub created_at: String,
    pub respond_by: String,
    /// When it is due resolved (`service_level`).
    #[serde(default)]
    pub resolve_by: String,
    /// The service-level targets it missed, and when.
    #[serde(flatten)]
    pub breaches: Breaches,
    /// When the store first answered: its reply, or resolving the case.
    #[serde(default)]
    pub first_response_at: Option<String>,
    /// Unanswered, with the store's clock running, and past its deadline (`deadline`).
    #[serde(default)]
    pub overdue: bool,
    pub assignee: Option<String>,
    /// The shopper's score of how the store handled it, once rated.
    #[serde(default)]
    pub rating: Option<u8>,
}

impl CaseSummary {
    pub fn clock(&self) -> ResponseClock<'_> {
        ResponseClock {
            status: self.status,
            respond_by: &self.respond_by,
            first_response_at: self.first_response_at.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePage {
    pub cases: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A case with everything agents need to work it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub assignee: Option<String>,
    /// What the store did, once decided.
    pub resolution_taken: Option<Resolution>,
    /// Why the problem happened, and who was responsible, once the store knows.
    pub root_cause: Option<RootCause>,
    pub responsibility: Option<Responsibility>,
    /// When the store first answered: its reply, or resolving the case.
    pub first_response_at: Option<String>,
    /// Unanswered, with the store's clock running, and past its deadline (`deadline`).
    pub overdue: bool,
    /// The service-level targets it missed, and when.
    #[serde(flatten)]
    pub breaches: Breaches,
    /// Where the case can go from here.
    pub next_statuses: Vec<CaseStatus>,
    pub deliveries: Vec<DeliveryRecord>,
    pub timeline: Vec<TimelineEvent>,
    /// The store's offers on the case, oldest first, as they stand now.
    pub offers: Vec<crate::offer::Offer>,
    /// What the store did, as recorded, oldest first.
    pub outcomes: Vec<crate::outcome::Outcome>,
    /// The shopper's rating, once given.
    pub rating: Option<crate::rating::Rating>,
    /// The currencies the store's offers may be in, its main one first.
    pub currencies: Vec<String>,
    /// What the shopper wrote, in the store's working language, beside the originals.
    #[serde(default)]
    pub translations: crate::translation::CaseTranslations,
}

/// How a notification of the case fared on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub event: NotificationEvent,
    /// The timeline entry the event announced (0 for `case.created` and `case.escalated`).
    #[serde(default)]
    pub seq: u64,
    pub channel: ChannelKind,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub updated_at: String,
}

/// `PATCH /v1/agent/cases/{id}`: any of these, applied together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseUpdate {
    pub status: Option<CaseStatus>,
    /// Who works the case; `""` unassigns it.
    pub assignee: Option<String>,
    pub resolution: Option<Resolution>,
    /// Why the problem happened (internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<RootCause>,
    /// Who was responsible (internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<Responsibility>,
    /// A new priority: the case's service-level due times move with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

impl CaseUpdate {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let CaseUpdate {
            status,
            assignee,
            resolution,
            root_cause,
            responsibility,
            priority,
        } = self;
        if status.is_none()
            && assignee.is_none()
            && resolution.is_none()
            && root_cause.is_none()
            && responsibility.is_none()
            && priority.is_none()
        {
            errors.push(FieldError::new(
                "status",
                FieldErrorCode::Required,
                "Change at least one of status, assignee, resolution, root_cause, responsibility and priority.",
            ));
        }
        if let Some(assignee) = &self.assignee {
            if !assignee.is_empty() && !is_display_name(assignee) {
                errors.push(FieldError::new(
                    "assignee",
                    FieldErrorCode::InvalidFormat,
                    "Use a name of 1 to 100 characters, or \"\" to unassign.",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The shopper's `POST /v1/status/{reference}/messages` (agents write `AgentMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseMessage {
    pub text: String,
}

pub const MAX_MESSAGE_CHARS: usize = 5000;

impl CaseMessage {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        check_text("text", &self.text).map_err(|e| vec![e])
    }
}

/// A message's text: not blank, at most `MAX_MESSAGE_CHARS`.
fn check_text(field: &str, text: &str) -> Result<(), FieldError> {
    let chars = text.trim().chars().count();
    if chars == 0 {
        Err(FieldError::new(
            field,
            FieldErrorCode::Required,
            "Write something.",
        ))
    } else if chars > MAX_MESSAGE_CHARS {
        Err(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            "Write at most 5,000 characters.",
        ))
    } else {
        Ok(())
    }
}

/// `POST .../notes` and `.../replies`: what the agent wrote. A reply the shopper is to
/// read translated carries the translation as `text` and what the agent wrote as
/// `original`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentMessage {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Original>,
}

impl AgentMessage {
    /// Checked as a message of `kind`: only a reply to the shopper has an original.
    pub fn check(&self, kind: EventKind) -> Result<(), Vec<FieldError>> {
        let mut errors: Vec<FieldError> =
            check_text("text", &self.text).err().into_iter().collect();
        if let Some(original) = &self.original {
            if kind != EventKind::Reply {
                errors.push(FieldError::new(
                    "original",
                    FieldErrorCode::InvalidFormat,
                    "Only a reply to the shopper is sent translated.",
                ));
            }
            errors.extend(check_text("original.text", &original.text).err());
            if !translation::is_language(&original.language) {
                errors.push(language_error("original.language"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn language_error(field: &str) -> FieldError {
    FieldError::new(
        field,
        FieldErrorCode::InvalidFormat,
        "Name a language by its ISO 639-1 code, such as en or pt-BR.",
    )
}

/// `POST /v1/agent/cases/{id}/reply-translation`: a reply the agent wrote in `language`,
/// to be read in the shopper's language before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyTranslationRequest {
    pub text: String,
    pub language: String,
}

impl ReplyTranslationRequest {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors: Vec<FieldError> =
            check_text("text", &self.text).err().into_iter().collect();
        if !translation::is_language(&self.language) {
            errors.push(language_error("language"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `GET /v1/agent/me`: who the token names, and the languages they work in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub agent: String,
    pub store_id: String,
    /// The store's working language: webhooks, emails and agents without their own.
    pub store_working_language: String,
    /// The language this agent chose to read shoppers in, if not the store's.
    pub working_language: Option<String>,
}

impl AgentProfile {
    /// The language shoppers' texts are translated into for this agent.
    pub fn reads(&self) -> &str {
        self.working_language
            .as_deref()
            .unwrap_or(&self.store_working_language)
    }
}

/// `PUT /v1/agent/me`: the agent's own language (ISO 639-1), or `null` for the store's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentLanguage {
    pub working_language: Option<String>,
}

impl AgentLanguage {
    /// The language to store: its primary subtag (providers translate between
    /// languages, not regions), or none.
    pub fn checked(&self) -> Result<Option<String>, Vec<FieldError>> {
        match self.working_language.as_deref() {
            None => Ok(None),
            Some(tag) if translation::is_language(tag) => Ok(Some(translation::primary(tag))),
            Some(_) => Err(vec![language_error("working_language")]),
        }
    }
}

/// Its answer: the reply in the shopper's language, for the agent to read and edit
/// before sending; no translation when the shopper reads the agent's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTranslation {
    pub translation: Option<Translation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &[(&'static str, &'static str)]) -> Result<CaseQuery, Vec<FieldError>> {
        parse_case_query(query.iter().copied())
    }

    #[test]
    fn breached_lists_the_cases_that_missed_a_target() {
        assert!(parse(&[("breached", "true")]).expect("valid").breached);
        assert!(!parse(&[]).expect("valid").breached);
        let refused = parse(&[("breached", "1")]).expect_err("invalid");
        assert_eq!(refused[0].field, "breached");
    }

    #[test]
    fn rated_low_lists_the_cases_to_look_at_again() {
        assert!(parse(&[("rated_low", "true")]).expect("valid").rated_low);
        assert!(!parse(&[]).expect("valid").rated_low);
        let refused = parse(&[("rated_low", "yes")]).expect_err("invalid");
        assert_eq!(refused[0].field, "rated_low");
    }

    #[test]
    fn no_parameters_list_everything_by_deadline() {
        let q = parse(&[]).expect("valid");
        assert!(q.statuses.is_empty());
        assert_eq!(q.sort, CaseSort::Deadline);
        assert_eq!(q.limit, DEFAULT_PAGE);
    }

    #[test]
    fn filters_are_read_into_their_types() {
        let q = parse(&[
            ("status", "new,in_progress"),
            ("category", "damaged"),
            ("priority", "urgent"),
            ("lang", "de"),
            ("overdue", "true"),
            ("q", "  lamp  "),
            ("from", "2026-11-01"),
            ("to", "2026-11-30T00:00:00Z"),
            ("product", "aurora-desk-lamp"),
            ("sort", "newest"),
            ("limit", "10"),
        ])
        .expect("valid");
        assert_eq!(q.statuses, vec![CaseStatus::New, CaseStatus::InProgress]);
        assert_eq!(q.category, Some(Category::Damaged));
        assert_eq!(q.priority, Some(Priority::Urgent));
        assert_eq!(q.lang.as_deref(), Some("de"));
        assert_eq!(q.overdue, Some(true));
        assert_eq!(q.text.as_deref(), Some("lamp"));
        assert_eq!(q.sort, CaseSort::Newest);
        assert_eq!(q.limit, 10);
    }

    #[test]
    fn every_bad_parameter_is_reported_by_name() {
        let errors = parse(&[
            ("status", "open"),
            ("category", "broken"),
            ("limit", "0"),
            ("from", "yesterday"),
            ("cursor", "zz"),
            ("colour", "red"),
        ])
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["status", "category", "limit", "from", "cursor", "colour"]
        );
        assert_eq!(errors[1].code, FieldErrorCode::UnknownCategory);
        assert_eq!(errors[2].code, FieldErrorCode::OutOfRange);
    }

    #[test]
    fn long_searches_use_the_index_and_short_ones_a_pattern() {
        assert_eq!(
            description_search("lamp \"Aurora\""),
            DescriptionSearch::Phrase("\"lamp \"\"Aurora\"\"\"".to_owned())
        );
        assert_eq!(
            description_search("破损了"),
            DescriptionSearch::Phrase("\"破损了\"".to_owned())
        );
        assert_eq!(
            description_search("5%"),
            DescriptionSearch::Pattern("%5\\%%".to_owned())
        );
        assert_eq!(
            description_search("a_"),
            DescriptionSearch::Pattern("%a\\_%".to_owned())
        );
    }

    #[test]
    fn a_cursor_survives_the_round_trip_and_garbage_is_not_one() {
        let cursor = Cursor {
            key: "2026-11-24T00:41:38.455Z".to_owned(),
            id: "ab".repeat(16),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "0", "zz", "6162"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_update_changes_something_and_names_are_sane() {
        assert!(CaseUpdate::default().check().is_err());
        let unassign = CaseUpdate {
            assignee: Some(String::new()),
            ..CaseUpdate::default()
        };
        assert_eq!(unassign.check(), Ok(()));
        let bidi = CaseUpdate {
            assignee: Some("Ana\u{202e}".to_owned()),
            ..CaseUpdate::default()
        };
        assert!(bidi.check().is_err());
    }

    #[test]
    fn messages_are_between_one_and_five_thousand_characters() {
        let text = |t: String| CaseMessage { text: t }.check();
        assert!(text("   ".to_owned()).is_err());
        assert!(text("x".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert_eq!(text("We are sending a new shade today.".to_owned()), Ok(()));
    }

    fn translated_reply(language: &str, original: &str) -> AgentMessage {
        AgentMessage {
            text: "새 램프를 오늘 보내드립니다.".to_owned(),
            original: Some(Original {
                language: language.to_owned(),
                text: original.to_owned(),
            }),
        }
    }

    fn fields(result: Result<(), Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{} {}", e.field, e.code.code()))
            .collect()
    }

    #[test]
    fn an_agent_chooses_a_language_or_goes_back_to_the_stores() {
        let choose = |tag: Option<&str>| {
            AgentLanguage {
                working_language: tag.map(str::to_owned),
            }
            .checked()
        };
        assert_eq!(choose(Some("zh-CN")), Ok(Some("zh".to_owned())));
        assert_eq!(choose(None), Ok(None));
        assert_eq!(
            fields(choose(Some("chinese")).map(|_| ())),
            ["working_language invalid_format"]
        );
        let mut me = AgentProfile {
            agent: "Wei".into(),
            store_id: "seoul-lamps".into(),
            store_working_language: "en".into(),
            working_language: Some("zh".into()),
        };
        assert_eq!(me.reads(), "zh");
        me.working_language = None;
        assert_eq!(me.reads(), "en");
    }

    #[test]
    fn a_reply_may_carry_what_the_agent_wrote_and_a_note_may_not() {
        let reply = translated_reply("en", "We are sending a new lamp today.");
        assert_eq!(reply.check(EventKind::Reply), Ok(()));
        assert_eq!(
            fields(reply.check(EventKind::Note)),
            ["original invalid_format"]
        );
    }

    #[test]
    fn a_translated_reply_is_refused_field_by_field() {
        assert_eq!(
            fields(translated_reply("english", " ").check(EventKind::Reply)),
            ["original.text required", "original.language invalid_format"]
        );
        let request = ReplyTranslationRequest {
            text: String::new(),
            language: "e".to_owned(),
        };
        assert_eq!(
            fields(request.check()),
            ["text required", "language invalid_format"]
        );
    }
}
