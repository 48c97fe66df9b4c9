//! A case's dispute bundle (`GET /v1/agent/cases/{id}/bundle`): one ZIP a store hands to
//! a marketplace, a payment provider or a card scheme when the shopper disputes. In it,
//! in this order: the conversation with the shopper as a transcript a person reads (and
//! prints), every piece of evidence exactly as stored, and a manifest of SHA-256 digests,
//! sizes and times of everything before it.
//!
//! The bundle is for a third party, so it holds what the shopper and the store said to
//! each other and nothing only the store's agents see (notes, assignees, categories,
//! root causes, responsibility). Its words are English, the common language of dispute
//! desks; what the shopper and the store wrote stays as written, in its own language.

use serde::{Deserialize, Serialize};

use crate::agent_api::CaseDetail;
use crate::html::escape;
use crate::offer::Offer;
use crate::timeline::{actor, EventKind, TimelineEvent};

/// The version of the bundle's layout, written in its manifest.
pub const FORMAT: &str = "redress.dispute_bundle.v1";
/// The transcript: the first entry.
pub const TRANSCRIPT: &str = "transcript.html";
pub const TRANSCRIPT_TYPE: &str = "text/html; charset=utf-8";
/// The manifest: the last entry, describing every entry before it.
pub const MANIFEST: &str = "manifest.json";

/// The name a browser saves the bundle under.
pub fn download_name(reference: &str) -> String {
    format!("redress-dispute-{reference}.zip")
}

/// One piece of evidence as the bundle reads it from storage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EvidenceSource {
    pub position: u32,
    /// The shopper's file name, as sanitised at upload.
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// The digest taken as the file streamed in, at upload.
    pub sha256: String,
    /// When Redress received the file.
    pub received_at: String,
}

impl EvidenceSource {
    /// Where the file sits in the bundle: `evidence/01-receipt.pdf`, numbered as the
    /// case lists it, so two files of the same name stay apart and in order. Only
    /// letters, digits and `.-_` of the shopper's name survive: no directory, no drive,
    /// no control character reaches an unzipping tool.
    pub fn path(&self) -> String {
        let name: String = self
            .file_name
            .chars()
            .map(|c| match c {
                c if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') => c,
                _ => '_',
            })
            .collect();
        let name = name.trim_start_matches('.');
        let name = if name.is_empty() { "file" } else { name };
        format!("evidence/{:02}-{name}", self.position + 1)
    }
}

/// What the manifest says of one entry of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub media_type: String,
    pub size: u64,
    /// SHA-256 of the bytes in the bundle, lowercase hex.
    pub sha256: String,
    /// When Redress received the file (evidence), or wrote it (the transcript).
    pub at: String,
    /// For evidence, the digest taken at upload: equal to `sha256` unless the stored
    /// bytes changed since, which [`ManifestFile::intact`] tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256_at_upload: Option<String>,
}

impl ManifestFile {
    /// A piece of evidence as it went into the bundle: `sha256` and `size` of the bytes
    /// that streamed through.
    pub fn evidence(source: &EvidenceSource, sha256: String, size: u64) -> ManifestFile {
        ManifestFile {
            path: source.path(),
            media_type: source.content_type.clone(),
            size,
            sha256,
            at: source.received_at.clone(),
            sha256_at_upload: Some(source.sha256.clone()),
        }
    }

    /// Whether the bytes are those received: always for what the bundle wrote itself.
    pub fn intact(&self) -> bool {
        self.sha256_at_upload
            .as_ref()
            .is_none_or(|digest| *digest == self.sha256)
    }
}

/// The bundle's last entry: what the bundle is of, and every entry before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub case_id: String,
    pub reference: String,
    pub store_id: String,
    pub order_number: String,
    pub generated_at: String,
    pub files: Vec<ManifestFile>,
    /// Whether every piece of evidence is byte for byte what the shopper uploaded.
    pub intact: bool,
}

impl Manifest {
    pub fn new(detail: &CaseDetail, generated_at: &str, files: Vec<ManifestFile>) -> Manifest {
        let case = &detail.case;
        Manifest {
            format: FORMAT.to_owned(),
            case_id: case.id.as_str().to_owned(),
            reference: case.reference.as_str().to_owned(),
            store_id: case.details.store_id.clone(),
            order_number: case.details.order_number.clone(),
            generated_at: generated_at.to_owned(),
            intact: files.iter().all(ManifestFile::intact),
            files,
        }
    }
}

/// The transcript: the case, the complaint, the evidence with its digests at upload,
/// and every public entry of the timeline in order, as one self-contained HTML page.
pub fn transcript(detail: &CaseDetail, evidence: &[EvidenceSource], generated_at: &str) -> String {
    let case = &detail.case;
    let lang = escape(&case.classification.lang);
    let mut page = String::with_capacity(8 * 1024);
    let reference = escape(case.reference.as_str());
    page.push_str(&format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Case {reference}: transcript</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Case {reference}</h1>\n<dl>\n"
    ));
    let resolved_at = detail
        .timeline
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::StatusChanged && e.value.as_deref() == Some("resolved"))
        .map(|e| e.at.as_str());
    let facts: [(&str, Option<&str>); 9] = [
        ("Store", Some(&case.details.store_id)),
        ("Order number", Some(&case.details.order_number)),
        ("Product", case.details.product_id.as_deref()),
        ("Product page", case.details.product_url.as_deref()),
        ("Shopper", Some(&case.details.email)),
        ("Filed", Some(&case.created_at)),
        ("Shopper asked for", Some(case.details.resolution.label())),
        ("Status", Some(&words(case.status.code()))),
        ("Resolved", resolved_at),
    ];
    for (term, value) in facts {
        if let Some(value) = value {
            page.push_str(&format!("<dt>{term}</dt><dd>{}</dd>\n", escape(value)));
        }
    }
    page.push_str(&format!(
        "<dt>Transcript written</dt><dd>{}</dd>\n</dl>\n",
        escape(generated_at)
    ));

    page.push_str(&format!(
        "<h2>The complaint</h2>\n<blockquote lang=\"{lang}\" dir=\"auto\">{}</blockquote>\n",
        paragraphs(&case.details.description)
    ));

    if !evidence.is_empty() {
        page.push_str(
            "<h2>Evidence</h2>\n<table>\n<thead><tr><th scope=\"col\">File in this bundle</th>\
             <th scope=\"col\">Shopper's name for it</th><th scope=\"col\">Type</th>\
             <th scope=\"col\">Bytes</th><th scope=\"col\">Received</th>\
             <th scope=\"col\">SHA-256 at upload</th></tr></thead>\n<tbody>\n",
        );
        for file in evidence {
            page.push_str(&format!(
                "<tr><td>{}</td><td dir=\"auto\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td><code>{}</code></td></tr>\n",
                escape(&file.path()),
                escape(&file.file_name),
                escape(&file.content_type),
                file.size,
                escape(&file.received_at),
                escape(&file.sha256),
            ));
        }
        page.push_str("</tbody>\n</table>\n");
    }

    page.push_str("<h2>Conversation and events</h2>\n<ol class=\"timeline\">\n");
    for event in detail.timeline.iter().filter(|e| e.public) {
        let (what, text) = entry(event, detail);
        page.push_str(&format!(
            "<li><p class=\"meta\"><time datetime=\"{at}\">{at}</time> · {who} · {what}</p>",
            at = escape(&event.at),
            who = escape(&who(event)),
            what = escape(&what),
        ));
        if let Some(text) = text {
            page.push_str(&format!(
                "\n<blockquote lang=\"{lang}\" dir=\"auto\">{}</blockquote>",
                paragraphs(text)
            ));
        }
        if let Some(original) = &event.original {
            page.push_str(&format!(
                "\n<p class=\"meta\">Sent translated by machine; the store's original \
                 ({lang}):</p>\n<blockquote lang=\"{lang}\" dir=\"auto\">{}</blockquote>",
                paragraphs(&original.text),
                lang = escape(&original.language),
            ));
        }
        page.push_str("</li>\n");
    }
    page.push_str("</ol>\n");
    page.push_str(&format!(
        "<p class=\"meta\">Written by Redress. Times are UTC. The store's internal notes are \
         not part of this transcript. The digests of every file are in {MANIFEST}.</p>\n\
         </body>\n</html>\n"
    ));
    page
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;\
padding:0 1rem;color:#111}dt{font-weight:600;float:left;clear:left;width:11rem}\
dd{margin:0 0 .2rem 11.5rem}table{border-collapse:collapse;width:100%;font-size:13px}\
th,td{border:1px solid #bbb;padding:.3rem;text-align:start;vertical-align:top}\
code{word-break:break-all}ol.timeline{padding-inline-start:1.2rem}li{margin:.8rem 0}\
.meta{color:#444;margin:0}blockquote{margin:.3rem 0;padding:.4rem .8rem;\
border-inline-start:3px solid #999;background:#f6f6f6;white-space:pre-wrap}";

/// A code as words: `waiting_for_shopper` → `waiting for shopper`.
fn words(code: &str) -> String {
    code.replace('_', " ")
}

/// Text as HTML, its line breaks kept (the block is `pre-wrap`).
fn paragraphs(text: &str) -> String {
    escape(text.trim())
}

/// Who did it, as the third party should read it.
fn who(event: &TimelineEvent) -> String {
    match event.actor.as_str() {
        actor::SHOPPER => "Shopper".to_owned(),
        actor::REDRESS => "Redress".to_owned(),
        agent => format!("Store ({agent})"),
    }
}

/// What happened in words, and the text someone wrote, if any.
fn entry<'a>(event: &'a TimelineEvent, detail: &'a CaseDetail) -> (String, Option<&'a str>) {
    let value = event.value.as_deref().unwrap_or_default();
    let offer = || -> Option<&Offer> {
        let number: u32 = value.parse().ok()?;
        detail.offers.iter().find(|o| o.number == number)
    };
    match event.kind {
        EventKind::Created => ("filed the complaint".to_owned(), None),
        EventKind::StatusChanged => (format!("status: {}", words(value)), None),
        EventKind::Reply => ("wrote to the shopper".to_owned(), Some(value)),
        EventKind::ShopperMessage => ("wrote to the store".to_owned(), Some(value)),
        EventKind::EvidenceAdded => (format!("added evidence: {value}"), None),
        EventKind::OfferMade => match offer() {
            Some(offer) => {
                let amount = offer
                    .amount
                    .as_ref()
                    .map(|m| format!(" of {} {}", m.decimal(), m.currency))
                    .unwrap_or_default();
                let what = format!(
                    "offered #{}: {}{amount}, open until {}",
                    offer.number,
                    offer.kind.label(),
                    offer.expires_at
                );
                let terms = Some(offer.terms.as_str()).filter(|t| !t.trim().is_empty());
                (what, terms)
            }
            None => (format!("offered #{value}"), None),
        },
        EventKind::OfferAnswered => match offer() {
            Some(offer) => (
                format!("answered offer #{}: {}", offer.number, offer.state.code()),
                None,
            ),
            None => (format!("answered offer #{value}"), None),
        },
        EventKind::OfferWithdrawn => (format!("offer #{value} withdrawn"), None),
        EventKind::OfferExpired => (format!("offer #{value} expired unanswered"), None),
        EventKind::OutcomeRecorded => {
            let done = value
                .parse::<u32>()
                .ok()
                .and_then(|n| detail.outcomes.iter().find(|o| o.number == n));
            match done {
                Some(outcome) => (
                    format!("recorded what the store did: {}", outcome.done.in_words()),
                    match &outcome.done {
                        crate::outcome::Done::NoAction { reason } => Some(reason.as_str()),
                        crate::outcome::Done::Repaired { note } if !note.is_empty() => {
                            Some(note.as_str())
                        }
                        _ => None,
                    },
                ),
                None => (format!("recorded outcome #{value}"), None),
            }
        }
        EventKind::Rated => match &detail.rating {
            Some(rating) => (
                format!("rated the store's handling {} of 5", rating.score),
                rating.comment.as_deref(),
            ),
            None => (format!("rated the store's handling {value} of 5"), None),
        },
        // Internal entries never reach a transcript (they are not public); named here so
        // that a new kind of entry is a decision, not an omission.
        EventKind::Escalated
        | EventKind::Assigned
        | EventKind::ResolutionTaken
        | EventKind::Note
        | EventKind::RootCauseFound
        | EventKind::ResponsibilityFound
        | EventKind::PriorityChanged
        | EventKind::SlaBreached => (words(event.kind.code()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::offer::OfferState;
    use crate::outcome::{Done, Outcome};
    use crate::Resolution;

    fn event(at: &str, actor: &str, kind: EventKind, value: Option<&str>) -> TimelineEvent {
        TimelineEvent {
            at: at.into(),
            actor: actor.into(),
            kind,
            value: value.map(Into::into),
            public: kind.is_public(),
            original: None,
        }
    }

    fn detail() -> CaseDetail {
        let mut case = crate::chat_message::tests::case(
            "A-1",
            "The lamp arrived <b>broken</b>.\nThe box was crushed.",
        );
        case.classification.lang = "ar".into();
        CaseDetail {
            case,
            assignee: Some("Ana".into()),
            resolution_taken: None,
            root_cause: None,
            responsibility: None,
            first_response_at: None,
            overdue: false,
            breaches: Default::default(),
            next_statuses: Vec::new(),
            deliveries: Vec::new(),
            timeline: vec![
                event(
                    "2026-11-23T00:00:00.000Z",
                    actor::SHOPPER,
                    EventKind::Created,
                    None,
                ),
                event(
                    "2026-11-23T01:00:00.000Z",
                    "Ana",
                    EventKind::Note,
                    Some("Carrier's fault, I bet"),
                ),
                event(
                    "2026-11-23T02:00:00.000Z",
                    "Ana",
                    EventKind::Reply,
                    Some("Sorry! <script>x</script>"),
                ),
                event(
                    "2026-11-23T03:00:00.000Z",
                    "Ana",
                    EventKind::OfferMade,
                    Some("1"),
                ),
                event(
                    "2026-11-23T04:00:00.000Z",
                    actor::SHOPPER,
                    EventKind::OfferAnswered,
                    Some("1"),
                ),
                event(
                    "2026-11-23T05:00:00.000Z",
                    "Ana",
                    EventKind::OutcomeRecorded,
                    Some("1"),
                ),
                event(
                    "2026-11-23T05:00:00.000Z",
                    "Ana",
                    EventKind::StatusChanged,
                    Some("resolved"),
                ),
            ],
            offers: vec![Offer {
                number: 1,
                kind: Resolution::PartialRefund,
                amount: Some(Money {
                    minor: 1230,
                    currency: "EUR".into(),
                }),
                terms: "Keep the lamp.".into(),
                state: OfferState::Accepted,
                made_at: "2026-11-23T03:00:00.000Z".into(),
                expires_at: "2026-11-30T03:00:00.000Z".into(),
                answered_at: Some("2026-11-23T04:00:00.000Z".into()),
            }],
            outcomes: vec![Outcome {
                number: 1,
                done: Done::RefundIssued {
                    amount: Money {
                        minor: 1230,
                        currency: "EUR".into(),
                    },
                    reference: "PP-77".into(),
                },
                recorded_at: "2026-11-23T05:00:00.000Z".into(),
            }],
            rating: None,
            currencies: vec!["EUR".into()],
            translations: Default::default(),
        }
    }

    fn photo(position: u32, file_name: &str) -> EvidenceSource {
        EvidenceSource {
            position,
            file_name: file_name.into(),
            content_type: "image/jpeg".into(),
            size: 1234,
            sha256: "ab".repeat(32),
            received_at: "2026-11-22T23:59:00.000Z".into(),
        }
    }

    #[test]
    fn evidence_is_numbered_in_the_case_order_and_cannot_leave_its_folder() {
        assert_eq!(photo(0, "box.jpg").path(), "evidence/01-box.jpg");
        assert_eq!(photo(1, "box.jpg").path(), "evidence/02-box.jpg");
        assert_eq!(
            photo(2, "../../etc/passwd").path(),
            "evidence/03-_.._etc_passwd"
        );
        assert_eq!(photo(3, "C:\\boot.ini").path(), "evidence/04-C__boot.ini");
        assert_eq!(photo(4, "..").path(), "evidence/05-file");
        assert_eq!(photo(5, "").path(), "evidence/06-file");
        assert_eq!(photo(6, "фото 1.jpg").path(), "evidence/07-фото_1.jpg");
        assert_eq!(
            photo(7, "a\u{0}\u{202e}gpj.exe").path(),
            "evidence/08-a__gpj.exe"
        );
    }

    #[test]
    fn the_transcript_tells_the_conversation_and_keeps_internal_notes_out() {
        let page = transcript(
            &detail(),
            &[photo(0, "box.jpg")],
            "2026-12-01T00:00:00.000Z",
        );
        let order = [
            "filed the complaint",
            "wrote to the shopper",
            "offered #1: Partial refund (keep the item) of 12.30 EUR, open until 2026-11-30T03:00:00.000Z",
            "answered offer #1: accepted",
            "recorded what the store did: refund_issued 12.30 EUR PP-77",
            "status: resolved",
        ];
        let mut from = 0;
        for words in order {
            let at = page[from..]
                .find(words)
                .unwrap_or_else(|| panic!("{words:?} in order"));
            from += at + words.len();
        }
        assert!(page.contains("Store (Ana)"));
        assert!(page.contains("Keep the lamp."));
        assert!(!page.contains("Carrier"), "notes stay out");
        assert!(page.contains("<dt>Resolved</dt><dd>2026-11-23T05:00:00.000Z</dd>"));
        assert!(page.contains("evidence/01-box.jpg"));
        assert!(page.contains(&"ab".repeat(32)));
    }

    #[test]
    fn what_people_wrote_is_text_in_its_own_language() {
        let page = transcript(&detail(), &[photo(0, "<img src=x>.jpg")], "now");
        assert!(!page.contains("<script>") && !page.contains("<b>") && !page.contains("<img"));
        assert!(page.contains("Sorry! &lt;script&gt;x&lt;/script&gt;"));
        assert!(page.contains(
            "<blockquote lang=\"ar\" dir=\"auto\">The lamp arrived &lt;b&gt;broken&lt;/b&gt;.\nThe box"
        ));
    }

    #[test]
    fn a_reply_sent_translated_shows_the_stores_original_beside_it() {
        let mut detail = detail();
        let reply = &mut detail.timeline[2];
        reply.value = Some("عذرًا! سنرسل مصباحًا جديدًا.".into());
        reply.original = Some(crate::translation::Original {
            language: "en".into(),
            text: "Sorry! We will send a new <lamp>.".into(),
        });
        let page = transcript(&detail, &[], "now");
        assert!(page.contains("عذرًا! سنرسل مصباحًا جديدًا."), "{page}");
        assert!(page.contains(
            "the store's original (en):</p>\n<blockquote lang=\"en\" dir=\"auto\">Sorry! We will send a new &lt;lamp&gt;.</blockquote>"
        ), "{page}");
    }

    #[test]
    fn the_manifest_says_whether_every_file_is_as_uploaded() {
        let source = photo(0, "box.jpg");
        let same = ManifestFile::evidence(&source, "ab".repeat(32), 1234);
        let transcript = ManifestFile {
            path: TRANSCRIPT.into(),
            media_type: TRANSCRIPT_TYPE.into(),
            size: 10,
            sha256: "cd".repeat(32),
            at: "now".into(),
            sha256_at_upload: None,
        };
        let manifest = Manifest::new(&detail(), "now", vec![transcript.clone(), same.clone()]);
        assert!(manifest.intact);
        assert_eq!(manifest.format, FORMAT);
        assert_eq!(manifest.order_number, "A-1");
        assert_eq!(manifest.files[1].at, "2026-11-22T23:59:00.000Z");

        let changed = ManifestFile::evidence(&source, "ef".repeat(32), 1234);
        assert!(!changed.intact());
        assert!(!Manifest::new(&detail(), "now", vec![transcript, same, changed]).intact);
    }
}
