//! Saved replies: a store's ready-made answers (macros), each with a name, the category
//! it suits and a variant per language, with placeholders filled from the case when an
//! agent inserts one. Redress ships a starter set, one per category in the twelve
//! widget languages (`saved_replies/starter.json`), written as good care is: apologise,
//! say what happened or what we will check, propose the solution, give the timeline.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api_error::FieldError;
use crate::api_error::FieldErrorCode::{InvalidFormat, OutOfRange, Required, TooLong};
use crate::categorize::Category;
use crate::translation::primary;

/// What a saved reply may name, filled from the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placeholder {
    /// The case's reference.
    Reference,
    /// The shopper's name, when the store knows it (the widget does not ask).
    ShopperName,
    /// When the store will answer by, in the shopper's language.
    RespondBy,
    OrderNumber,
    /// The carrier's tracking link of the last parcel sent.
    TrackingLink,
    /// The store's open offer, in words.
    Offer,
}

impl Placeholder {
    pub const ALL: [Placeholder; 6] = [
        Placeholder::Reference,
        Placeholder::ShopperName,
        Placeholder::RespondBy,
        Placeholder::OrderNumber,
        Placeholder::TrackingLink,
        Placeholder::Offer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Placeholder::Reference => "reference",
            Placeholder::ShopperName => "shopper_name",
            Placeholder::RespondBy => "respond_by",
            Placeholder::OrderNumber => "order_number",
            Placeholder::TrackingLink => "tracking_link",
            Placeholder::Offer => "offer",
        }
    }

    pub fn from_code(code: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The values a case gives its placeholders; `None` where it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub reference: Option<String>,
    pub shopper_name: Option<String>,
    pub respond_by: Option<String>,
    pub order_number: Option<String>,
    pub tracking_link: Option<String>,
    pub offer: Option<String>,
}

impl Values {
    fn of(&self, placeholder: Placeholder) -> Option<&str> {
        let Values {
            reference,
            shopper_name,
            respond_by,
            order_number,
            tracking_link,
            offer,
        } = self;
        match placeholder {
            Placeholder::Reference => reference,
            Placeholder::ShopperName => shopper_name,
            Placeholder::RespondBy => respond_by,
            Placeholder::OrderNumber => order_number,
            Placeholder::TrackingLink => tracking_link,
            Placeholder::Offer => offer,
        }
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    }
}

/// A saved reply with its placeholders filled: what the agent gets to edit and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
    /// Placeholders the case had no value for, left in the text as written for the
    /// agent to complete.
    pub missing: Vec<Placeholder>,
}

/// `template` with each `{placeholder}` replaced by its value, in one pass: a value is
/// never read for placeholders (an order number the shopper typed as `{offer}` stays
/// those characters), and loses its control characters, line breaks and bidi overrides
/// (what the shopper controls cannot disguise or reshape the reply). Unknown braces
/// stay as written.
pub fn fill(template: &str, values: &Values) -> Filled {
    let mut missing = Vec::new();
    let text = crate::template::fill_named(template, |name| {
        let placeholder = Placeholder::from_code(name)?;
        let value = values.of(placeholder).map(one_line);
        if value.is_none() && !missing.contains(&placeholder) {
            missing.push(placeholder);
        }
        value
    });
    Filled { text, missing }
}

/// A value as one line of plain text.
fn one_line(value: &str) -> String {
    crate::email_message::plain(value)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `{names}` in `text` that are not placeholders.
fn unknown_placeholders(text: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    crate::template::fill_named(text, |name| {
        let looks_like_one =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if looks_like_one && Placeholder::from_code(name).is_none() {
            unknown.push(name.to_owned());
        }
        None
    });
    unknown
}

/// `GET /v1/agent/saved-replies`: the store's own, then the starter set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReplyList {
    pub saved_replies: Vec<SavedReply>,
}

/// A saved reply as a store keeps it, or as Redress ships it (`starter`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReply {
    pub id: String,
    pub name: String,
    /// The category it suits; `None`: any.
    pub category: Option<Category>,
    /// The reply by language (BCP 47, as the shopper's `locale`).
    pub variants: BTreeMap<String, String>,
    /// One of Redress's starter set, not the store's own.
    #[serde(default)]
    pub starter: bool,
}

/// What an agent sends to save a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedReplyDraft {
    pub name: String,
    #[serde(default)]
    pub category: Option<Category>,
    pub variants: BTreeMap<String, String>,
}

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 5_000;
pub const MAX_VARIANTS: usize = 30;

impl SavedReplyDraft {
    /// Every field error, with its stable code.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut length = |field: &str, text: &str, max: usize, what: &str| {
            let chars = text.trim().chars().count();
            if chars == 0 {
                errors.push(FieldError::new(
                    field,
                    Required,
                    format!("Write the {what}."),
                ));
            } else if chars > max {
                let message = format!("The {what} is {chars} characters; at most {max}.");
                errors.push(FieldError::new(field, TooLong, message));
            }
        };
        length("name", &self.name, MAX_NAME_CHARS, "reply's name");
        for (language, text) in &self.variants {
            length(
                &format!("variants.{language}"),
                text,
                MAX_TEXT_CHARS,
                "reply",
            );
        }
        if self.variants.is_empty() {
            let message = "Give the reply in at least one language.";
            errors.push(FieldError::new("variants", Required, message));
        } else if self.variants.len() > MAX_VARIANTS {
            let message = format!("At most {MAX_VARIANTS} languages.");
            errors.push(FieldError::new("variants", OutOfRange, message));
        }
        for (language, text) in &self.variants {
            let field = format!("variants.{language}");
            if !crate::store::is_language_tag(language) {
                let message = format!("{language:?} is not a language tag such as en or pt-BR.");
                errors.push(FieldError::new(&field, InvalidFormat, message));
            }
            let unknown = unknown_placeholders(text);
            if !unknown.is_empty() {
                let known: Vec<String> = Placeholder::ALL
                    .map(|p| format!("{{{}}}", p.code()))
                    .to_vec();
                let message = format!(
                    "Unknown placeholders {{{}}}: use {}.",
                    unknown.join("}, {"),
                    known.join(", ")
                );
                errors.push(FieldError::new(&field, InvalidFormat, message));
            }
        }
        errors
    }

    pub fn into_reply(self, id: String) -> SavedReply {
        let SavedReplyDraft {
            name,
            category,
            variants,
        } = self;
        SavedReply {
            id,
            name: name.trim().to_owned(),
            category,
            variants: variants
                .into_iter()
                .map(|(language, text)| (language, text.trim().to_owned()))
                .collect(),
            starter: false,
        }
    }
}

impl SavedReply {
    /// The variant to insert for a shopper writing `case_locale`: theirs (by language,
    /// `pt` serves `pt-BR`), else the store's working language's, else the first.
    /// Returns its language too: when it is not the shopper's, the agent is told.
    pub fn variant_for(&self, case_locale: &str, working_language: &str) -> Option<(&str, &str)> {
        let by_language = |wanted: &str| {
            let wanted = primary(wanted);
            self.variants
                .iter()
                .find(|(language, _)| primary(language) == wanted)
        };
        by_language(case_locale)
            .or_else(|| by_language(working_language))
            .or_else(|| self.variants.iter().next())
            .map(|(language, text)| (language.as_str(), text.as_str()))
    }
}

/// Saved replies in the order to suggest them for a case of `category`: those made for
/// it, then those for any case, then the rest; the store's own before the starters in
/// each group, by name.
pub fn suggested(replies: &[SavedReply], category: Category) -> Vec<&SavedReply> {
    let mut ordered: Vec<&SavedReply> = replies.iter().collect();
    ordered.sort_by_key(|reply| {
        let fit = match reply.category {
            Some(c) if c == category => 0,
            None => 1,
            Some(_) => 2,
        };
        (fit, reply.starter, reply.name.clone())
    });
    ordered
}

/// Redress's starter set.
pub fn starters() -> Vec<SavedReply> {
    #[derive(Deserialize)]
    struct Starter {
        id: String,
        name: String,
        category: Category,
        variants: BTreeMap<String, String>,
    }
    let starters: Vec<Starter> =
        serde_json::from_str(include_str!("../saved_replies/starter.json"))
            .unwrap_or_else(|e| unreachable!("saved_replies/starter.json is tested: {e}"));
    starters
        .into_iter()
        .map(|s| SavedReply {
            id: s.id,
            name: s.name,
            category: Some(s.category),
            variants: s.variants,
            starter: true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            reference: Some("RD-7K4M-Q9XP-2HTW".into()),
            order_number: Some("KR-1001".into()),
            respond_by: Some("2026년 12월 4일".into()),
            ..Values::default()
        }
    }

    #[test]
    fn placeholders_are_filled_from_the_case() {
        let filled = fill(
            "사례 {reference} (주문 {order_number}): {respond_by}까지 연락드리겠습니다.",
            &values(),
        );
        assert_eq!(
            filled.text,
            "사례 RD-7K4M-Q9XP-2HTW (주문 KR-1001): 2026년 12월 4일까지 연락드리겠습니다."
        );
        assert!(filled.missing.is_empty());
    }

    #[test]
    fn a_placeholder_the_case_has_no_value_for_stays_for_the_agent_and_is_named_once() {
        let filled = fill(
            "Track it: {tracking_link} ({tracking_link}) {offer}",
            &values(),
        );
        assert_eq!(
            filled.text,
            "Track it: {tracking_link} ({tracking_link}) {offer}"
        );
        assert_eq!(
            filled.missing,
            [Placeholder::TrackingLink, Placeholder::Offer]
        );
        let blank = Values {
            offer: Some("  ".into()),
            ..values()
        };
        assert_eq!(fill("{offer}", &blank).missing, [Placeholder::Offer]);
    }

    #[test]
    fn a_value_is_never_read_for_placeholders_nor_can_it_reshape_the_reply() {
        let sneaky = Values {
            order_number: Some("{reference}\n\nBcc: all\u{202e}gnp.exe\u{7}".into()),
            ..values()
        };
        let filled = fill("Order {order_number}.", &sneaky);
        assert_eq!(filled.text, "Order {reference} Bcc: allgnp.exe.");
        assert!(filled.missing.is_empty());
    }

    #[test]
    fn unknown_and_unclosed_braces_stay_as_written() {
        let filled = fill("{name} {} {reference", &values());
        assert_eq!(filled.text, "{name} {} {reference");
        assert!(filled.missing.is_empty());
    }

    #[test]
    fn a_draft_is_refused_field_by_field_with_codes() {
        let draft = SavedReplyDraft {
            name: " ".into(),
            category: None,
            variants: BTreeMap::from([
                ("ko".into(), "{reference} {customer}".into()),
                ("not a tag".into(), "Hello".into()),
                ("en".into(), "".into()),
            ]),
        };
        let codes: Vec<(String, crate::FieldErrorCode)> = draft
            .check()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("name".into(), Required),
                ("variants.en".into(), Required),
                ("variants.ko".into(), InvalidFormat),
                ("variants.not a tag".into(), InvalidFormat),
            ]
        );
    }

    #[test]
    fn the_shoppers_language_is_inserted_else_the_stores_else_the_first() {
        let reply = SavedReply {
            id: "r".into(),
            name: "Damaged".into(),
            category: Some(Category::Damaged),
            variants: BTreeMap::from([
                ("en".into(), "Sorry".into()),
                ("pt-BR".into(), "Desculpe".into()),
                ("de".into(), "Entschuldigung".into()),
            ]),
            starter: false,
        };
        assert_eq!(
            reply.variant_for("pt-PT", "en"),
            Some(("pt-BR", "Desculpe"))
        );
        assert_eq!(reply.variant_for("ko", "en"), Some(("en", "Sorry")));
        assert_eq!(
            reply.variant_for("ko", "fr"),
            Some(("de", "Entschuldigung"))
        );
    }

    #[test]
    fn replies_made_for_the_cases_category_come_first_the_stores_own_before_starters() {
        let reply = |id: &str, category: Option<Category>, starter: bool| SavedReply {
            id: id.into(),
            name: id.into(),
            category,
            variants: BTreeMap::from([("en".into(), "x".into())]),
            starter,
        };
        let replies = [
            reply("a-billing", Some(Category::Billing), false),
            reply("b-any", None, false),
            reply("c-damaged-starter", Some(Category::Damaged), true),
            reply("d-damaged", Some(Category::Damaged), false),
        ];
        let ids: Vec<&str> = suggested(&replies, Category::Damaged)
            .into_iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["d-damaged", "c-damaged-starter", "b-any", "a-billing"]
        );
    }

    #[test]
    fn the_starter_set_has_a_reply_for_every_category_in_every_widget_language() {
        let starters = starters();
        for category in Category::ALL {
            let reply = starters
                .iter()
                .find(|r| r.category == Some(*category))
                .unwrap_or_else(|| panic!("no starter for {}", category.code()));
            for locale in crate::widget_text::LOCALES {
                let (language, text) = reply.variant_for(locale, "xx").expect("a variant");
                assert_eq!(language, locale, "{} has no {locale}", reply.id);
                assert!(text.contains("{reference}"), "{} {locale}", reply.id);
                assert!(
                    unknown_placeholders(text).is_empty(),
                    "{} {locale}",
                    reply.id
                );
            }
            let draft = SavedReplyDraft {
                name: reply.name.clone(),
                category: reply.category,
                variants: reply.variants.clone(),
            };
            assert!(
                draft.check().is_empty(),
                "{}: {:?}",
                reply.id,
                draft.check()
            );
        }
    }
}
