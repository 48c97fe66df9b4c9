//! A case as a chat message, in the Slack-compatible incoming-webhook format (Slack,
//! Mattermost, Rocket.Chat and others accept it).
//!
//! Nothing the shopper wrote can become markup, a link or a mention: it only ever
//! appears in `plain_text` blocks, which chat apps do not parse, and the fallback `text`
//! (shown in notifications) holds only what Redress itself wrote, escaped all the same.

use serde::Serialize;

use crate::notification::CaseNotification;

/// Slack refuses a section whose text is longer than this (it counts what JavaScript
/// counts: UTF-16 code units, so an emoji is two).
const MAX_SECTION_TEXT: usize = 3000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    /// The notification preview: Redress's own words only.
    pub text: String,
    pub blocks: Vec<Block>,
    pub unfurl_links: bool,
    pub unfurl_media: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: TextObject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
}

impl ChatMessage {
    /// The message announcing `notification`.
    pub fn for_case(notification: &CaseNotification) -> ChatMessage {
        let case = &notification.case;
        let verdict = &case.classification.assessment;
        let headline = notification.headline();
        let text = escape(&format!(
            "{headline}: {} · {} · {} priority · answer by {}",
            case.reference.as_str(),
            verdict.category.code(),
            verdict.priority.code(),
            case.respond_by,
        ));
        let shopper = fit_utf16(
            &format!(
                "Order {} · {}\n{}",
                case.details.order_number,
                case.details.email,
                notification.quoted_text(),
            ),
            MAX_SECTION_TEXT,
        );
        ChatMessage {
            text: text.clone(),
            blocks: vec![
                Block {
                    kind: "section",
                    text: TextObject {
                        kind: "mrkdwn",
                        text,
                    },
                },
                Block {
                    kind: "section",
                    text: TextObject {
                        kind: "plain_text",
                        text: shopper,
                    },
                },
            ],
            unfurl_links: false,
            unfurl_media: false,
        }
    }
}

/// Slack's three control characters in `mrkdwn` text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` in at most `max_units` UTF-16 code units, ending in `…` when it was cut.
fn fit_utf16(text: &str, max_units: usize) -> String {
    if text.encode_utf16().count() <= max_units {
        return text.to_owned();
    }
    let mut units = 0;
    let mut cut = 0;
    for (i, c) in text.char_indices() {
        // Room for the ellipsis, one unit.
        if units + c.len_utf16() > max_units - 1 {
            break;
        }
        units += c.len_utf16();
        cut = i + c.len_utf8();
    }
    format!("{}…", &text[..cut])
}

pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(all(test, feature = "embedded-lexicon"))]
pub(crate) mod tests {
    use super::*;
    use crate::case::{Case, CaseId, CaseReference, CaseStatus};
    use crate::categorize::{assess, Classification};
    use crate::complaint::{ComplaintDetails, Resolution};
    use crate::notification::NotificationEvent;

    /// `event` about `case`, announcing no timeline entry.
    pub(crate) fn about(event: NotificationEvent, case: Case) -> CaseNotification {
        CaseNotification {
            event,
            activity: None,
            attached: Default::default(),
            case,
            translation: None,
        }
    }

    pub(crate) fn case(order_number: &str, description: &str) -> Case {
        Case {
            id: CaseId::from_random([3; 16]),
            reference: CaseReference::from_random([4; 8]),
            status: CaseStatus::New,
            details: ComplaintDetails {
                store_id: "demo-store".into(),
                order_number: order_number.into(),
                email: "a@example.com".into(),
                product_id: None,
                product_url: None,
                description: description.into(),
                resolution: Resolution::Replacement,
                locale: "en".into(),
                shopper_category: None,
                order_value: None,
            },
            classification: Classification {
                assessment: assess(description),
                lang: "en".into(),
            },
            evidence: Vec::new(),
            created_at: "2026-11-23T00:00:00.000Z".into(),
            respond_by: "2026-11-24T00:00:00.000Z".into(),
            resolve_by: String::new(),
            country: None,
        }
    }

    #[test]
    fn shopper_text_only_appears_in_plain_text() {
        let hostile = "<!channel> <https://evil.example|click> *bold* @here & co";
        let message = ChatMessage::for_case(&about(
            NotificationEvent::CaseCreated,
            case("<@U123>", hostile),
        ));
        assert!(!message.text.contains("channel"));
        assert!(!message.text.contains("evil"));
        assert!(!message.text.contains("U123"));
        assert_eq!(message.blocks[0].text.kind, "mrkdwn");
        assert_eq!(message.blocks[1].text.kind, "plain_text");
        assert!(message.blocks[1].text.text.contains(hostile));
    }

    #[test]
    fn our_own_text_is_escaped_and_links_do_not_unfurl() {
        assert_eq!(escape("a<b>&c"), "a&lt;b&gt;&amp;c");
        let message = ChatMessage::for_case(&about(
            NotificationEvent::CaseEscalated,
            case("A-1", "It arrived broken."),
        ));
        assert!(message.text.starts_with("Deadline near"));
        assert!(!message.unfurl_links && !message.unfurl_media);
    }

    #[test]
    fn long_descriptions_are_cut_to_fit_a_block() {
        let long = "x".repeat(5000);
        let message =
            ChatMessage::for_case(&about(NotificationEvent::CaseCreated, case("A-1", &long)));
        assert!(message.blocks[1].text.text.chars().count() <= 3000);
    }

    /// Regression: with every field at its maximum the section came to 3,000+ characters
    /// (order number and email before a description cut at 2,900), which Slack refuses.
    #[test]
    fn a_chat_section_stays_within_slacks_3000_with_every_field_at_its_maximum() {
        let limits = crate::validate::Limits::default();
        let emoji = "😡".repeat(limits.max_description_chars);
        let mut longest = case(&"9".repeat(limits.max_order_number_chars), &emoji);
        longest.details.email = format!(
            "{}@{}.{}.{}.example",
            "a".repeat(64),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(50)
        );
        for event in NotificationEvent::ALL {
            let message = ChatMessage::for_case(&about(event, longest.clone()));
            for block in &message.blocks {
                let units = block.text.text.encode_utf16().count();
                assert!(units <= MAX_SECTION_TEXT, "{units} UTF-16 units");
            }
            let shopper = &message.blocks[1].text.text;
            assert!(
                shopper.ends_with("😡…"),
                "cut between characters, not inside one"
            );
            assert!(shopper.starts_with("Order 999"));
        }
    }

    #[test]
    fn short_text_is_kept_whole_and_long_text_ends_in_an_ellipsis() {
        assert_eq!(fit_utf16("abc", 3), "abc");
        assert_eq!(fit_utf16("abcd", 3), "ab…");
        assert_eq!(fit_utf16("a😡b", 3), "a…");
    }
}
