//! Replies by email: the address a shopper's email is answered at, and what of their
//! answer joins the conversation.
//!
//! The reply address names the case and carries a signature (an HMAC of the case id
//! with the edge's key, as the status token is), so an answer can only land on the case
//! it was sent for. Mail loops are never answered: auto-replies, bounces and list mail
//! are recognised by their headers and dropped.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::credentials::keyed_mac;
use crate::encoding::{hex, unhex};

/// The local part's prefix: `reply+<case id>.<signature>@<reply domain>`.
const PREFIX: &str = "reply+";
/// Hex digits of the signature kept in the address (64 bits: unguessable, and short
/// enough that the local part stays within 64 characters).
const SIGNATURE_HEX: usize = 16;

/// The address the shopper's replies about `case_id` go to.
pub fn reply_address(key: &[u8], case_id: &str, domain: &str) -> String {
    format!("{PREFIX}{case_id}.{}@{domain}", signature(key, case_id))
}

/// The case an address was made for, if it is one of ours and its signature holds.
pub fn case_of_address<'a>(key: &[u8], address: &'a str, domain: &str) -> Option<&'a str> {
    let (local, at) = address.trim().rsplit_once('@')?;
    if !at.eq_ignore_ascii_case(domain) {
        return None;
    }
    let (case_id, given) = local.strip_prefix(PREFIX)?.split_once('.')?;
    let given = unhex(given).filter(|bytes| bytes.len() * 2 == SIGNATURE_HEX)?;
    // Compared in constant time: the signature is a secret derived per case.
    mac(key, case_id)
        .verify_truncated_left(&given)
        .is_ok()
        .then_some(case_id)
}

fn signature(key: &[u8], case_id: &str) -> String {
    let mut digest = hex(&mac(key, case_id).finalize().into_bytes());
    digest.truncate(SIGNATURE_HEX);
    digest
}

fn mac(key: &[u8], case_id: &str) -> Hmac<Sha256> {
    let mut mac = keyed_mac(key, "redress-reply-address:");
    mac.update(case_id.as_bytes());
    mac
}

/// Why an incoming email is dropped without an answer: it was written by a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no` (RFC 3834): auto-replies, out-of-office.
    AutoSubmitted,
    /// `Precedence: bulk | junk | list`.
    Precedence,
    /// A bounce: `Return-Path: <>`, or from a mailer daemon.
    Bounce,
    /// `X-Auto-Response-Suppress` other than `none` (Microsoft's auto-replies).
    Suppressed,
}

impl Automatic {
    /// As logs name it.
    pub fn code(self) -> &'static str {
        match self {
            Automatic::AutoSubmitted => "auto_submitted",
            Automatic::Precedence => "precedence",
            Automatic::Bounce => "bounce",
            Automatic::Suppressed => "auto_response_suppressed",
        }
    }
}

/// Whether an email with these header values was sent by a machine.
pub fn automatic(
    auto_submitted: Option<&str>,
    precedence: Option<&str>,
    return_path: Option<&str>,
    suppress: Option<&str>,
    from: &str,
) -> Option<Automatic> {
    let value = |v: Option<&str>| v.map(|v| v.trim().to_ascii_lowercase());
    if value(auto_submitted).is_some_and(|v| v != "no") {
        return Some(Automatic::AutoSubmitted);
    }
    if value(precedence).is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list")) {
        return Some(Automatic::Precedence);
    }
    let from = from.to_ascii_lowercase();
    if value(return_path).is_some_and(|v| v == "<>" || v.is_empty())
        || from.starts_with("mailer-daemon@")
        || from.starts_with("postmaster@")
    {
        return Some(Automatic::Bounce);
    }
    if value(suppress).is_some_and(|v| v != "none") {
        return Some(Automatic::Suppressed);
    }
    None
}

/// The shopper's own words in a reply: the quoted history below them removed (a
/// "reply above this line" marker first, then the usual `On … wrote:` lines of mail
/// clients, `>` quotes, and a signature after `-- `). Nothing left: the whole text.
pub fn own_words(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut kept: Vec<&str> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or_default();
        if trimmed == "-- "
            || line.trim_end() == "--"
            || trimmed.starts_with("-----Original Message-----")
            || trimmed.starts_with("________________________________")
            || is_attribution(trimmed)
            || (!trimmed.is_empty()
                && is_attribution(&format!("{trimmed} {next}"))
                && next.ends_with(':'))
            || (trimmed.starts_with("From:") && next.starts_with("Sent:"))
            || trimmed.starts_with('>')
        {
            break;
        }
        kept.push(line);
    }
    let own = kept.join("\n").trim().to_owned();
    if own.is_empty() {
        text.trim().to_owned()
    } else {
        own
    }
}

/// `On Mon, 1 Dec 2026 at 10:00, Store <x@y> wrote:` and its translations by mail clients.
fn is_attribution(line: &str) -> bool {
    const ENDINGS: [&str; 12] = [
        "wrote:",
        "a écrit :",
        "a écrit:",
        "schrieb:",
        "escribió:",
        "scrisse:",
        "escreveu:",
        "написал(а):",
        "yazdı:",
        "كتب:",
        "のメッセージ:",
        "작성:",
    ];
    line.len() < 400 && ENDINGS.iter().any(|end| line.ends_with(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"edge-key";
    const CASE: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_reply_address_names_its_case_and_only_its_own() {
        let address = reply_address(KEY, CASE, "reply.example");
        assert!(address.starts_with("reply+0123456789abcdef0123456789abcdef."));
        assert!(address
            .split('@')
            .next()
            .is_some_and(|local| local.len() <= 64));
        assert_eq!(case_of_address(KEY, &address, "reply.example"), Some(CASE));
        let other = "fedcba9876543210fedcba9876543210";
        let forged = address.replace(CASE, other);
        assert_eq!(case_of_address(KEY, &forged, "reply.example"), None);
        assert_eq!(
            case_of_address(b"other key", &address, "reply.example"),
            None
        );
        assert_eq!(case_of_address(KEY, &address, "elsewhere.example"), None);
        assert_eq!(
            case_of_address(KEY, "care@reply.example", "reply.example"),
            None
        );
    }

    #[test]
    fn machines_are_recognised_and_people_are_not() {
        let person = automatic(
            None,
            None,
            Some("<layla@example.com>"),
            None,
            "layla@example.com",
        );
        assert_eq!(person, None);
        assert_eq!(automatic(Some("no"), None, None, None, "a@b.c"), None);
        assert_eq!(
            automatic(Some("auto-replied"), None, None, None, "a@b.c"),
            Some(Automatic::AutoSubmitted)
        );
        assert_eq!(
            automatic(None, Some("bulk"), None, None, "a@b.c"),
            Some(Automatic::Precedence)
        );
        assert_eq!(
            automatic(None, None, Some("<>"), None, "a@b.c"),
            Some(Automatic::Bounce)
        );
        assert_eq!(
            automatic(None, None, None, None, "MAILER-DAEMON@mx.example"),
            Some(Automatic::Bounce)
        );
        assert_eq!(
            automatic(None, None, None, Some("OOF"), "a@b.c"),
            Some(Automatic::Suppressed)
        );
    }

    #[test]
    fn the_quoted_history_is_left_out() {
        let gmail = "It is model K-2.\n\nOn Tue, 2 Dec 2026 at 10:00, Demo Store <cases@x.example> wrote:\n> Could you tell us the model?\n";
        assert_eq!(own_words(gmail), "It is model K-2.");
        let wrapped =
            "Thanks!\n\nOn Tue, 2 Dec 2026 at 10:00, Demo Store\n<cases@x.example> wrote:\n> Q";
        assert_eq!(own_words(wrapped), "Thanks!");
        let outlook = "Here it is.\r\n\r\n-----Original Message-----\r\nFrom: Demo Store\r\n";
        assert_eq!(own_words(outlook), "Here it is.");
        let french = "Voici.\n\nLe mar. 2 déc. 2026, Demo Store a écrit :\n> Q";
        assert_eq!(own_words(french), "Voici.");
        let signed = "See the photo.\n-- \nLayla\nSent from my phone";
        assert_eq!(own_words(signed), "See the photo.");
        let arabic = "الطراز K-2\n\nفي 2 ديسمبر 2026، كتب:\n> سؤال";
        assert_eq!(own_words(arabic), "الطراز K-2");
    }

    #[test]
    fn a_reply_that_is_all_quote_is_kept_whole() {
        assert_eq!(own_words("> only a quote"), "> only a quote");
        assert_eq!(own_words("  just words  "), "just words");
    }
}
