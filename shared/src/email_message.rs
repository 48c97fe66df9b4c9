//! A case as a plain-text email, in the JSON shape of Resend's `POST /emails` (which
//! Postmark-, SendGrid- and Mailgun-style relays can be fronted to accept).
//!
//! Only Redress's own words go into headers: the subject never carries shopper text,
//! so a complaint cannot add headers or recipients. The body is plain text (no HTML
//! part), so nothing the shopper wrote is rendered as markup or a live link.

use serde::Serialize;

use crate::chat_message::truncate;
use crate::notification::CaseNotification;
use crate::timeline::EventKind;

/// Descriptions are at most 5,000 characters; this only guards the email's size.
const MAX_DESCRIPTION: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailMessage {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

impl EmailMessage {
    pub fn for_case(notification: &CaseNotification, from: &str, to: &str) -> EmailMessage {
        let case = &notification.case;
        let verdict = &case.classification.assessment;
        let subject = format!(
            "{}: {} ({} priority, {})",
            notification.headline(),
            case.reference.as_str(),
            verdict.priority.code(),
            verdict.category.code(),
        );
        let d = &case.details;
        // The translation follows the original, which stays first: it is the authority.
        let translation = notification
            .translation
            .as_ref()
            .map_or_else(String::new, |t| {
                let text = t
                    .text
                    .as_deref()
                    .map(|text| plain(&truncate(text, MAX_DESCRIPTION)));
                format!(
                    "\n{}\n{}",
                    t.heading(str::to_owned),
                    text.unwrap_or_default()
                )
            });
        let text = format!(
            "{subject}\n\nAnswer by: {}\nOrder: {}\nShopper: {}\nWants: {}\nEvidence files: {}\n\n\
             {}\n\n{}\n{translation}",
            case.respond_by,
            plain(&d.order_number),
            plain(&d.email),
            d.resolution.code(),
            case.evidence.len(),
            match notification.activity.as_ref().map(|a| a.entry.kind) {
                Some(EventKind::Reply) => "The store replied:",
                _ => "The shopper wrote:",
            },
            plain(&truncate(notification.quoted_text(), MAX_DESCRIPTION)),
        );
        EmailMessage {
            from: from.to_owned(),
            to: vec![to.to_owned()],
            subject,
            text,
        }
    }
}

/// Shopper text without control characters (other than line breaks and tabs) or bidi
/// overrides, which could disguise what the agent reads.
pub(crate) fn plain(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\n' | '\t')
                || !(c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;
    use crate::chat_message::tests::{about, case};
    use crate::notification::NotificationEvent;

    #[test]
    fn a_translation_follows_the_shoppers_words_and_says_it_is_one() {
        let mut notification = about(
            NotificationEvent::CaseCreated,
            case("A-1", "주문한 램프가 깨진 채로 도착했어요."),
        );
        let job = crate::translation::job("주문한 램프가 깨진 채로 도착했어요.", "ko", "en")
            .expect("a job");
        notification.translation =
            Some(job.translated("The lamp I ordered arrived broken.".into()));
        let email = EmailMessage::for_case(&notification, "f@x.io", "t@x.io");
        let original = email.text.find("주문한 램프가").expect("the original");
        let heading = email
            .text
            .find("Machine translation from ko into en:")
            .expect("a heading");
        let translated = email
            .text
            .find("The lamp I ordered arrived broken.")
            .expect("the translation");
        assert!(original < heading && heading < translated, "{}", email.text);
    }

    #[test]
    fn the_subject_holds_only_our_own_words() {
        let hostile = "Broken\r\nBcc: everyone@example.com";
        let email = EmailMessage::for_case(
            &about(
                NotificationEvent::CaseCreated,
                case("A-1\r\nBcc: x@y", hostile),
            ),
            "cases@redress.example",
            "care@shop.example",
        );
        assert!(!email.subject.contains('\n') && !email.subject.contains('\r'));
        assert!(email.subject.starts_with("New case: RD-"));
        assert!(!email.subject.contains("Bcc"));
        assert_eq!(email.to, vec!["care@shop.example".to_owned()]);
    }

    #[test]
    fn the_body_keeps_the_shoppers_words_as_plain_text_without_control_characters() {
        let words = "<b>Broken</b> lamp\u{202e}gnp.exe\u{0007}\nsecond line";
        let email = EmailMessage::for_case(
            &about(NotificationEvent::CaseEscalated, case("A-1", words)),
            "f@x.io",
            "t@x.io",
        );
        assert!(email
            .text
            .contains("<b>Broken</b> lampgnp.exe\nsecond line"));
        assert!(email.subject.starts_with("Deadline near"));
    }
}
