//! The emails a shopper receives about their case, in the case's language: the
//! acknowledgement at filing, every reply from the store, each change of status and the
//! outcome. Plain text with a simple HTML part (right to left for Arabic).
//!
//! Only Redress's and the store's own words go into headers (the subject holds the case
//! reference and the store's name); what anyone wrote is in the bodies, escaped in the
//! HTML. Nothing internal reaches the shopper: no notes, categories or agents' names.

use std::collections::BTreeMap;

use crate::case::CaseStatus;
use crate::html::escape;
use crate::notification::{CaseNotification, NotificationEvent};
use crate::outcome::{tracking_link, Done};
use crate::rating::rating_link;
use crate::widget_text;

/// One email to a shopper, ready for the mail service's structured API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopperEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Extra headers, each on Cloudflare Email Service's allowlist.
    pub headers: Vec<(&'static str, String)>,
    /// Where the shopper's answer goes: the case's own reply address.
    pub reply_to: Option<String>,
}

/// What the edge knows beyond the notification itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub store_name: &'a str,
    /// The domain of the sending address: the thread's id is made on it.
    pub sender_domain: &'a str,
    /// `case.respond_by` as the shopper's locale writes a date and time.
    pub respond_by: &'a str,
    /// The shopper's page for the case, when the operator has one to link to.
    pub case_link: Option<&'a str>,
    /// The case's reply address (`email_reply`), when replies by email are on.
    pub reply_to: Option<&'a str>,
    /// The store's choice: a reply's email names the agent who wrote it.
    pub agent_names_shown: bool,
    /// The figures the event carries, as the shopper's locale writes them.
    pub figures: Figures<'a>,
}

/// An offer's or outcome's figures in the shopper's locale (the edge formats them with
/// `Intl`): its amount, and an offer's expiry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures<'a> {
    pub amount: Option<&'a str>,
    pub expires_at: Option<&'a str>,
    /// With `case.resolved`: until when the shopper may rate the case.
    pub rate_until: Option<&'a str>,
}

impl ShopperEmail {
    /// Whether the shopper hears of `event` at all.
    pub fn is_sent_for(event: NotificationEvent) -> bool {
        match event {
            NotificationEvent::CaseCreated
            | NotificationEvent::CaseStatusChanged
            | NotificationEvent::CaseAgentReplied
            | NotificationEvent::CaseResolved
            | NotificationEvent::CaseOfferMade
            | NotificationEvent::CaseOutcomeRecorded => true,
            // The shopper's own answers, and the store's business.
            NotificationEvent::CaseShopperReplied
            | NotificationEvent::CaseEvidenceAdded
            | NotificationEvent::CaseEscalated
            | NotificationEvent::CaseOfferAnswered
            | NotificationEvent::CaseOfferExpired
            | NotificationEvent::CaseRated
            | NotificationEvent::CaseSlaBreached => false,
        }
    }

    /// The email announcing `notification` to its shopper, if they hear of it.
    pub fn for_notification(n: &CaseNotification, cx: &Context<'_>) -> Option<ShopperEmail> {
        if !ShopperEmail::is_sent_for(n.event) {
            return None;
        }
        let locale = widget_text::pick(&n.case.details.locale, "en");
        let words = Words::of(locale);
        let case = &n.case;
        let reference = case.reference.as_str();
        let store = cx.store_name;
        let said = n.activity.as_ref().and_then(|a| a.entry.value.as_deref());
        // Each paragraph, and the store's words quoted when it replied.
        let mut lead: Vec<String> = Vec::new();
        let mut quoted = None;
        // Paragraphs after the quotation, and links to offer (their text, their address).
        let mut after: Vec<String> = Vec::new();
        let mut links: Vec<(String, String)> = Vec::new();
        match n.event {
            NotificationEvent::CaseCreated => {
                lead.push(words.fill(
                    "created.lead",
                    &[("store", store), ("order", &case.details.order_number)],
                ));
                lead.push(words.fill("created.reference", &[("reference", reference)]));
                let asked = words.resolution(case.details.resolution.code());
                lead.push(words.fill("created.asked", &[("resolution", &asked)]));
                lead.push(words.fill("created.respond_by", &[("date", cx.respond_by)]));
            }
            NotificationEvent::CaseAgentReplied => {
                let agent = n.activity.as_ref().map(|a| a.entry.actor.as_str());
                lead.push(match agent.filter(|_| cx.agent_names_shown) {
                    Some(agent) => {
                        words.fill("reply.lead_named", &[("agent", agent), ("store", store)])
                    }
                    None => words.fill("reply.lead", &[("store", store)]),
                });
                quoted = said;
                // Sent translated: the shopper knows, and where the store's words are.
                if n.activity
                    .as_ref()
                    .is_some_and(|a| a.entry.original.is_some())
                {
                    after.push(words.fill("reply.translated", &[]));
                }
            }
            NotificationEvent::CaseStatusChanged => {
                let status = said.and_then(CaseStatus::from_code)?;
                let key = match status {
                    CaseStatus::InProgress => "status.in_progress",
                    CaseStatus::WaitingForShopper => "status.waiting_for_shopper",
                    CaseStatus::Closed => "status.closed",
                    // `resolved` is its own event; a case never moves back to `new`.
                    CaseStatus::Resolved | CaseStatus::New => return None,
                };
                lead.push(words.fill(key, &[("store", store)]));
            }
            NotificationEvent::CaseResolved => {
                lead.push(words.fill("status.resolved", &[("store", store)]));
                if let Some(resolution) = n.attached.resolution_taken {
                    let done = words.resolution(resolution.code());
                    lead.push(words.fill("resolved.outcome", &[("resolution", &done)]));
                }
                // "How did we handle it?": five links, each answering with one click.
                if let (Some(case_link), Some(until)) = (cx.case_link, cx.figures.rate_until) {
                    after.push(words.fill("rating.ask", &[("store", store)]));
                    for score in 1..=5 {
                        let label = words.fill(&format!("rating.{score}"), &[]);
                        links.push((label, rating_link(case_link, score)));
                    }
                    after.push(words.fill("rating.until", &[("date", until)]));
                }
            }
            NotificationEvent::CaseOfferMade => {
                let offer = n.attached.offer.as_ref()?;
                let expires_at = cx.figures.expires_at?;
                lead.push(words.fill("offer.lead", &[("store", store)]));
                let kind = words.resolution(offer.kind.code());
                lead.push(match (&offer.amount, cx.figures.amount) {
                    (Some(_), Some(amount)) => {
                        words.fill("offer.what", &[("resolution", &kind), ("amount", amount)])
                    }
                    (Some(_), None) => return None,
                    (None, _) => kind,
                });
                quoted = Some(offer.terms.as_str()).filter(|t| !t.is_empty());
                after.push(words.fill("offer.answer_by", &[("date", expires_at)]));
            }
            NotificationEvent::CaseOutcomeRecorded => {
                let outcome = n.attached.outcome.as_ref()?;
                lead.push(words.fill("outcome.lead", &[("store", store)]));
                let amount = match (outcome.done.amount(), cx.figures.amount) {
                    (Some(_), None) => return None,
                    (_, amount) => amount.unwrap_or_default(),
                };
                match &outcome.done {
                    Done::RefundIssued { reference, .. } => {
                        lead.push(words.fill("outcome.refund_issued", &[("amount", amount)]));
                        if !reference.is_empty() {
                            lead.push(words.fill("outcome.reference", &[("reference", reference)]));
                        }
                    }
                    Done::Shipped { carrier, tracking } => {
                        let sent = [
                            ("carrier", carrier.as_str()),
                            ("tracking", tracking.as_str()),
                        ];
                        lead.push(words.fill("outcome.shipped", &sent));
                        if let Some(link) = tracking_link(carrier, tracking) {
                            lead.push(words.fill("outcome.track", &[("link", &link)]));
                        }
                    }
                    Done::Credit { code, amount: None } => {
                        lead.push(words.fill("outcome.credit", &[("code", code)]));
                    }
                    Done::Credit {
                        code,
                        amount: Some(_),
                    } => lead.push(words.fill(
                        "outcome.credit_amount",
                        &[("code", code), ("amount", amount)],
                    )),
                    Done::Repaired { note } => {
                        lead.push(words.fill("outcome.repaired", &[]));
                        quoted = Some(note.as_str()).filter(|n| !n.is_empty());
                    }
                    Done::NoAction { reason } => {
                        lead.push(words.fill("outcome.no_action", &[]));
                        quoted = Some(reason.as_str());
                    }
                }
            }
            NotificationEvent::CaseShopperReplied
            | NotificationEvent::CaseEvidenceAdded
            | NotificationEvent::CaseEscalated
            | NotificationEvent::CaseOfferAnswered
            | NotificationEvent::CaseOfferExpired
            | NotificationEvent::CaseRated
            | NotificationEvent::CaseSlaBreached => return None,
        }
        let link = cx.case_link.map(|link| {
            (
                words.fill("case_link", &[("link", link)]),
                words.fill("keep_private", &[]),
                words.fill("open_case", &[]),
                link,
            )
        });
        let greeting = words.fill("greeting", &[]);
        let footer = words.fill("footer", &[("store", store)]);
        let subject = words.fill("subject", &[("reference", reference), ("store", store)]);

        let mut text = format!("{greeting}\n\n{}\n", lead.join("\n"));
        if let Some(quote) = quoted {
            text.push_str(&format!("\n{}\n", quote_lines(quote)));
        }
        for paragraph in &after {
            text.push_str(&format!("\n{paragraph}\n"));
        }
        for (label, href) in &links {
            text.push_str(&format!("{label}: {href}\n"));
        }
        if let Some((line, private, _, _)) = &link {
            text.push_str(&format!("\n{line}\n{private}\n"));
        }
        text.push_str(&format!("\n-- \n{footer}\n"));

        let dir = if widget_text::is_right_to_left(locale) {
            "rtl"
        } else {
            "ltr"
        };
        let mut html = format!(
            "<!doctype html><html lang=\"{locale}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
             <title>{}</title></head><body style=\"font-family:sans-serif;line-height:1.5\">\
             <p>{}</p>",
            escape(&subject),
            escape(&greeting)
        );
        for paragraph in &lead {
            html.push_str(&format!("<p>{}</p>", escape(paragraph)));
        }
        if let Some(quote) = quoted {
            html.push_str(&format!(
                "<blockquote style=\"white-space:pre-wrap;margin:0 0 1em;padding:0 1em;\
                 border-inline-start:3px solid #999\">{}</blockquote>",
                escape(quote)
            ));
        }
        for paragraph in &after {
            html.push_str(&format!("<p>{}</p>", escape(paragraph)));
        }
        if !links.is_empty() {
            html.push_str("<ul style=\"list-style:none;padding:0\">");
            for (label, href) in &links {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape(href),
                    escape(label)
                ));
            }
            html.push_str("</ul>");
        }
        if let Some((_, private, open, href)) = &link {
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p><p>{}</p>",
                escape(href),
                escape(open),
                escape(private)
            ));
        }
        html.push_str(&format!(
            "<hr><p style=\"font-size:small;color:#555\">{}</p></body></html>",
            escape(&footer)
        ));

        // Every email of a case names the same thread root, so mail clients show one
        // conversation (the service sets each message's own `Message-ID`).
        let thread = format!("<case-{}@{}>", case.id.as_str(), cx.sender_domain);
        let mut headers = vec![
            ("In-Reply-To", thread.clone()),
            ("References", thread),
            ("Content-Language", locale.to_owned()),
        ];
        if n.event != NotificationEvent::CaseAgentReplied {
            // RFC 3834: auto-responders must not answer it (a person wrote the replies).
            headers.push(("Auto-Submitted", "auto-generated".to_owned()));
        }
        Some(ShopperEmail {
            to: case.details.email.clone(),
            subject,
            text,
            html,
            headers,
            reply_to: cx.reply_to.map(str::to_owned),
        })
    }
}

/// The store's words as a quotation in plain text.
fn quote_lines(text: &str) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The email catalog of one language, with the widget's names of resolutions.
struct Words {
    email: BTreeMap<String, String>,
    widget: BTreeMap<String, String>,
}

impl Words {
    fn of(locale: &str) -> Words {
        Words {
            email: parse(catalog(locale)),
            widget: parse(widget_text::catalog(locale)),
        }
    }

    /// The text of `key` with its `{placeholders}` filled in one pass (a value that
    /// itself holds braces is left as it is).
    fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let template = self.email.get(key).map_or(key, String::as_str);
        crate::template::fill_named(template, |name| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    fn resolution(&self, code: &str) -> String {
        self.widget
            .get(&format!("resolution.{code}"))
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }
}

fn parse(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The email texts in `locale` (one of `widget_text`'s twelve; English otherwise).
pub fn catalog(locale: &str) -> &'static str {
    crate::widget_text::catalog_in!("email/", locale)
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;
    use crate::chat_message::tests::{about, case};
    use crate::complaint::Resolution;
    use crate::notification::Activity;
    use crate::timeline::{EventKind, TimelineEvent};

    const CX: Context<'static> = Context {
        store_name: "Demo Store",
        sender_domain: "redress.example",
        respond_by: "3 December 2026, 10:00 UTC",
        case_link: Some("https://redress.example/case/#RD-1.st_x"),
        reply_to: Some("reply+1.2@reply.redress.example"),
        agent_names_shown: false,
        figures: Figures {
            amount: None,
            expires_at: None,
            rate_until: None,
        },
    };

    fn activity(kind: EventKind, value: &str, event: NotificationEvent) -> CaseNotification {
        CaseNotification {
            activity: Some(Activity {
                seq: 7,
                entry: TimelineEvent {
                    at: "2026-12-02T10:00:00.000Z".into(),
                    actor: "Ana Agent".into(),
                    kind,
                    value: Some(value.into()),
                    public: true,
                    original: None,
                },
            }),
            ..about(event, case("A-1", "The lamp arrived broken."))
        }
    }

    #[test]
    fn the_acknowledgement_says_what_was_asked_and_by_when_the_store_answers() {
        let mail = ShopperEmail::for_notification(
            &about(
                NotificationEvent::CaseCreated,
                case("A-1", "The lamp arrived broken."),
            ),
            &CX,
        )
        .expect("an acknowledgement");
        assert_eq!(mail.to, "a@example.com");
        assert!(
            mail.subject.starts_with("Your complaint RD-"),
            "{}",
            mail.subject
        );
        assert!(mail.subject.ends_with("to Demo Store"));
        for expected in [
            "order A-1",
            "Replacement",
            "3 December 2026, 10:00 UTC",
            CX.case_link.unwrap_or(""),
        ] {
            assert!(mail.text.contains(expected), "{expected}: {}", mail.text);
        }
        assert!(mail.html.contains("<html lang=\"en\" dir=\"ltr\">"));
        assert!(mail
            .headers
            .contains(&("Auto-Submitted", "auto-generated".to_owned())));
    }

    #[test]
    fn an_offer_says_what_the_store_proposes_in_the_shoppers_language_and_by_when() {
        let offer = crate::offer::Offer {
            number: 1,
            kind: Resolution::PartialRefund,
            amount: Some(crate::money::Money {
                minor: 1230,
                currency: "EUR".into(),
            }),
            terms: "Quédese la lámpara <gratis>.".into(),
            state: crate::offer::OfferState::Offered,
            made_at: "2026-12-02T10:00:00.000Z".into(),
            expires_at: "2026-12-09T10:00:00.000Z".into(),
            answered_at: None,
        };
        let mut spanish = activity(EventKind::OfferMade, "1", NotificationEvent::CaseOfferMade);
        spanish.case.details.locale = "es".into();
        spanish.attached.offer = Some(offer);
        let cx = Context {
            figures: Figures {
                amount: Some("12,30 €"),
                expires_at: Some("9 de diciembre de 2026, 10:00 UTC"),
                rate_until: None,
            },
            ..CX
        };
        let mail = ShopperEmail::for_notification(&spanish, &cx).expect("an offer email");
        for expected in [
            "Demo Store",
            "Reembolso parcial",
            "12,30 €",
            "> Quédese la lámpara <gratis>.",
            "9 de diciembre de 2026",
        ] {
            assert!(mail.text.contains(expected), "{expected}: {}", mail.text);
        }
        assert!(mail.html.contains("&lt;gratis&gt;"));
        let without_figures = ShopperEmail::for_notification(&spanish, &CX);
        assert_eq!(without_figures, None, "never an offer without its amount");
        let answered = activity(
            EventKind::OfferAnswered,
            "1",
            NotificationEvent::CaseOfferAnswered,
        );
        assert_eq!(ShopperEmail::for_notification(&answered, &cx), None);
    }

    #[test]
    fn an_outcome_says_what_the_store_did_with_the_amount_and_a_tracking_link() {
        use crate::outcome::Outcome;
        let recorded = |done: Done| {
            let mut n = activity(
                EventKind::OutcomeRecorded,
                "1",
                NotificationEvent::CaseOutcomeRecorded,
            );
            n.case.details.locale = "es".into();
            n.attached.outcome = Some(Outcome {
                number: 1,
                done,
                recorded_at: "2026-12-02T10:00:00.000Z".into(),
            });
            n
        };
        let refund = recorded(Done::RefundIssued {
            amount: crate::money::Money {
                minor: 1230,
                currency: "EUR".into(),
            },
            reference: "RF-889".into(),
        });
        let cx = Context {
            figures: Figures {
                amount: Some("12,30 €"),
                expires_at: None,
                rate_until: None,
            },
            ..CX
        };
        let mail = ShopperEmail::for_notification(&refund, &cx).expect("an outcome email");
        assert!(
            mail.text.contains("12,30 €") && mail.text.contains("RF-889"),
            "{}",
            mail.text
        );
        assert_eq!(
            ShopperEmail::for_notification(&refund, &CX),
            None,
            "never a refund without its amount"
        );
        let shipped = recorded(Done::Shipped {
            carrier: "DHL".into(),
            tracking: "JD0146".into(),
        });
        let mail = ShopperEmail::for_notification(&shipped, &CX).expect("an outcome email");
        assert!(
            mail.text.contains("tracking-id=JD0146") && mail.text.contains("DHL"),
            "{}",
            mail.text
        );
    }

    #[test]
    fn the_resolution_asks_how_the_store_did_with_a_link_per_score() {
        let resolved = activity(
            EventKind::StatusChanged,
            "resolved",
            NotificationEvent::CaseResolved,
        );
        let cx = Context {
            figures: Figures {
                rate_until: Some("16 December 2026"),
                ..Figures::default()
            },
            ..CX
        };
        let mail = ShopperEmail::for_notification(&resolved, &cx).expect("a resolution email");
        assert!(
            mail.text.contains("How did Demo Store handle"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("16 December 2026"));
        for score in 1..=5 {
            let href = format!("https://redress.example/case/?rate={score}#RD-1.st_x");
            assert!(mail.text.contains(&href), "{}", mail.text);
            assert!(
                mail.html
                    .contains(&format!("<a href=\"{href}\">{score} – ")),
                "{}",
                mail.html
            );
        }
        let unasked = ShopperEmail::for_notification(&resolved, &CX).expect("an email");
        assert!(!unasked.text.contains("?rate="), "no date, no question");
    }

    #[test]
    fn every_email_of_a_case_names_the_same_thread() {
        let created = about(NotificationEvent::CaseCreated, case("A-1", "Broken."));
        let replied = activity(
            EventKind::Reply,
            "We are on it.",
            NotificationEvent::CaseAgentReplied,
        );
        let threads: Vec<Vec<String>> = [created, replied]
            .iter()
            .map(|n| {
                let mail = ShopperEmail::for_notification(n, &CX).expect("an email");
                mail.headers
                    .iter()
                    .filter(|(name, _)| matches!(*name, "In-Reply-To" | "References"))
                    .map(|(_, value)| value.clone())
                    .collect()
            })
            .collect();
        assert_eq!(threads[0], threads[1]);
        assert!(
            threads[0][0].starts_with("<case-") && threads[0][0].ends_with("@redress.example>")
        );
    }

    #[test]
    fn a_reply_names_its_agent_only_where_the_store_shows_names() {
        let reply = activity(
            EventKind::Reply,
            "Sorry!",
            NotificationEvent::CaseAgentReplied,
        );
        let named = Context {
            agent_names_shown: true,
            ..CX
        };
        let mail = ShopperEmail::for_notification(&reply, &named).expect("a reply email");
        assert!(
            mail.text.contains("Ana Agent from Demo Store has replied"),
            "{}",
            mail.text
        );
        assert!(mail.html.contains("Ana Agent from Demo Store"));
        let subject = ShopperEmail::for_notification(&reply, &CX).expect("a reply email");
        assert_eq!(mail.subject, subject.subject, "the thread's subject stays");
    }

    #[test]
    fn a_reply_sent_translated_says_so_in_the_shoppers_language() {
        let mut reply = activity(
            EventKind::Reply,
            "새 램프를 오늘 보내드립니다.",
            NotificationEvent::CaseAgentReplied,
        );
        reply.case.details.locale = "ko".into();
        let plain = ShopperEmail::for_notification(&reply, &CX).expect("a reply email");
        assert!(!plain.text.contains("기계 번역"), "{}", plain.text);
        if let Some(activity) = reply.activity.as_mut() {
            activity.entry.original = Some(crate::translation::Original {
                language: "en".into(),
                text: "We are sending a new lamp today.".into(),
            });
        }
        let mail = ShopperEmail::for_notification(&reply, &CX).expect("a reply email");
        assert!(
            mail.text.contains("> 새 램프를 오늘 보내드립니다."),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("기계 번역되었습니다"), "{}", mail.text);
        assert!(
            !mail.text.contains("We are sending"),
            "the original stays on the case page"
        );
    }

    #[test]
    fn a_reply_is_quoted_as_text_escaped_in_html_and_never_names_the_agent() {
        let words = "Please send a photo <b>of the base</b> & the box.";
        let mail = ShopperEmail::for_notification(
            &activity(EventKind::Reply, words, NotificationEvent::CaseAgentReplied),
            &CX,
        )
        .expect("a reply email");
        assert!(mail.text.contains(&format!("> {words}")));
        assert!(mail
            .html
            .contains("&lt;b&gt;of the base&lt;/b&gt; &amp; the box."));
        assert!(!mail.html.contains("<b>"));
        assert!(!mail.text.contains("Ana") && !mail.html.contains("Ana"));
        assert!(
            !mail
                .headers
                .iter()
                .any(|(name, _)| *name == "Auto-Submitted"),
            "a person wrote it"
        );
    }

    #[test]
    fn the_shopper_hears_of_status_changes_and_the_outcome_but_not_of_their_own_words() {
        let waiting = activity(
            EventKind::StatusChanged,
            "waiting_for_shopper",
            NotificationEvent::CaseStatusChanged,
        );
        let mail = ShopperEmail::for_notification(&waiting, &CX).expect("an email");
        assert!(
            mail.text.contains("needs more information"),
            "{}",
            mail.text
        );
        let mut resolved = activity(
            EventKind::StatusChanged,
            "resolved",
            NotificationEvent::CaseResolved,
        );
        resolved.attached.resolution_taken = Some(Resolution::PartialRefund);
        let mail = ShopperEmail::for_notification(&resolved, &CX).expect("an email");
        assert!(
            mail.text.contains("What the store did: Partial refund"),
            "{}",
            mail.text
        );
        for silent in [
            NotificationEvent::CaseShopperReplied,
            NotificationEvent::CaseEvidenceAdded,
            NotificationEvent::CaseEscalated,
        ] {
            assert!(!ShopperEmail::is_sent_for(silent));
            assert_eq!(
                ShopperEmail::for_notification(&about(silent, case("A-1", "x")), &CX),
                None
            );
        }
    }

    #[test]
    fn the_email_speaks_the_cases_language_right_to_left_for_arabic() {
        let mut arabic = about(
            NotificationEvent::CaseCreated,
            case("A-1", "وصل المصباح مكسورا"),
        );
        arabic.case.details.locale = "ar".into();
        let mail = ShopperEmail::for_notification(&arabic, &CX).expect("an email");
        assert!(mail.html.contains("<html lang=\"ar\" dir=\"rtl\">"));
        assert!(mail
            .headers
            .contains(&("Content-Language", "ar".to_owned())));
        assert!(!mail.text.contains("Hello"), "{}", mail.text);
        assert!(mail.subject.contains("RD-") && mail.subject.contains("Demo Store"));
    }

    #[test]
    fn shopper_text_never_reaches_a_header() {
        let mut hostile = about(
            NotificationEvent::CaseCreated,
            case("A-1\r\nBcc: x@y", "Bcc: all"),
        );
        hostile.case.details.order_number = "A-1\r\nBcc: everyone@example.com".into();
        let mail = ShopperEmail::for_notification(&hostile, &CX).expect("an email");
        assert!(!mail.subject.contains('\n') && !mail.subject.contains("Bcc"));
        for (_, value) in &mail.headers {
            assert!(!value.contains('\n') && !value.contains("Bcc"), "{value}");
        }
    }

    #[test]
    fn placeholders_fill_once_and_leave_braces_in_values_alone() {
        let words = Words::of("en");
        assert_eq!(
            words.fill("reply.lead", &[("store", "{store} & Co")]),
            "{store} & Co has replied to your complaint:"
        );
    }

    #[test]
    fn every_language_has_every_english_text_with_the_same_placeholders() {
        fn placeholders(text: &str) -> Vec<&str> {
            let mut found: Vec<&str> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
                .collect();
            found.sort_unstable();
            found
        }
        let english = parse(catalog("en"));
        assert!(!english.is_empty());
        for locale in widget_text::LOCALES {
            let texts = parse(catalog(locale));
            assert_eq!(
                texts.keys().collect::<Vec<_>>(),
                english.keys().collect::<Vec<_>>(),
                "{locale}"
            );
            for (key, text) in &texts {
                assert_eq!(
                    placeholders(text),
                    placeholders(&english[key]),
                    "{locale} {key}"
                );
            }
            if locale != "en" {
                assert_ne!(
                    texts["greeting"], english["greeting"],
                    "{locale} is its own"
                );
            }
        }
    }
}
