//! Telling shoppers from scripts without asking shoppers anything: a honeypot field the
//! widget hides from people, and a signed form token that proves the form was handed
//! out at least [`MIN_FILL_MS`] before it came back. (Turnstile, which a store may add,
//! is in `turnstile`.)

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::api_error::{ApiError, ErrorCode};
use crate::complaint::ComplaintSubmission;
use crate::encoding::{hex, unhex};

/// No person reads the form, types a complaint and sends it faster than this.
pub const MIN_FILL_MS: u64 = 3_000;
/// A form left open longer than this must be opened again.
pub const FORM_TOKEN_TTL_MS: u64 = 24 * 60 * 60 * 1000;

const PREFIX: &str = "ft1.";

/// Why a submission looks automated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpamRefusal {
    /// The field people never see was filled in.
    HoneypotFilled,
    /// No form token, or one this edge did not sign for this store.
    FormTokenInvalid,
    /// The form came back sooner than a person could fill it in.
    SubmittedTooSoon,
    /// The form was handed out more than a day ago.
    FormExpired,
}

impl From<SpamRefusal> for ApiError {
    fn from(refusal: SpamRefusal) -> ApiError {
        let (code, message) = match refusal {
            SpamRefusal::HoneypotFilled => (
                ErrorCode::LooksAutomated,
                "This submission looks automated and was not accepted.",
            ),
            SpamRefusal::FormTokenInvalid => (
                ErrorCode::FormTokenInvalid,
                "Send the form_token from GET /v1/stores/{store}/form-token with the complaint.",
            ),
            SpamRefusal::SubmittedTooSoon => (
                ErrorCode::SubmittedTooSoon,
                "The form was sent too soon after it was opened; send it again in a moment.",
            ),
            SpamRefusal::FormExpired => (
                ErrorCode::FormTokenInvalid,
                "The form was opened more than a day ago; open it again.",
            ),
        };
        ApiError::new(code, message)
    }
}

/// `GET /v1/stores/{store}/form-token`: handed out when the shopper shows intent to
/// write, never cached; `null` where the operator has not set a signing key (the edge
/// then checks no token).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormToken {
    pub form_token: Option<String>,
}

/// A token saying the edge handed out a form for `store_id` at `issued_ms`:
/// `ft1.<issued_ms>.<32 hex digits of HMAC-SHA256>`.
pub fn form_token(key: &[u8], store_id: &str, issued_ms: u64) -> String {
    let digest = form_mac(key, store_id, issued_ms).finalize().into_bytes();
    format!("{PREFIX}{issued_ms}.{}", hex(&digest[..16]))
}

/// Whether `submission` passes the honeypot and carries a form token for its store,
/// signed with `key`, issued between a day and [`MIN_FILL_MS`] before `now_ms`.
pub fn check(key: &[u8], submission: &ComplaintSubmission, now_ms: u64) -> Result<(), SpamRefusal> {
    if submission.website.as_deref().is_some_and(|v| !v.is_empty()) {
        return Err(SpamRefusal::HoneypotFilled);
    }
    let token = submission.form_token.as_deref().unwrap_or_default();
    let (issued, mac) = token
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('.'))
        .ok_or(SpamRefusal::FormTokenInvalid)?;
    let issued_ms: u64 = issued.parse().map_err(|_| SpamRefusal::FormTokenInvalid)?;
    let signed = mac.len() == 32
        && unhex(mac).is_some_and(|bytes| {
            form_mac(key, &submission.store_id, issued_ms)
                .verify_truncated_left(&bytes)
                .is_ok()
        });
    if !signed {
        return Err(SpamRefusal::FormTokenInvalid);
    }
    let age = now_ms.saturating_sub(issued_ms);
    if issued_ms > now_ms || age < MIN_FILL_MS {
        Err(SpamRefusal::SubmittedTooSoon)
    } else if age > FORM_TOKEN_TTL_MS {
        Err(SpamRefusal::FormExpired)
    } else {
        Ok(())
    }
}

fn form_mac(key: &[u8], store_id: &str, issued_ms: u64) -> Hmac<Sha256> {
    let mut mac = crate::credentials::keyed_mac(key, "redress-form:");
    mac.update(store_id.as_bytes());
    mac.update(b":");
    mac.update(issued_ms.to_string().as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test key";
    const OPENED: u64 = 1_800_000_000_000;

    fn sent(
        store_id: &str,
        form_token: Option<String>,
        website: Option<&str>,
    ) -> ComplaintSubmission {
        ComplaintSubmission {
            store_id: store_id.to_owned(),
            form_token,
            website: website.map(str::to_owned),
            ..ComplaintSubmission::default()
        }
    }

    fn token() -> Option<String> {
        Some(form_token(KEY, "shop", OPENED))
    }

    #[test]
    fn a_form_token_is_null_where_the_edge_signs_none() {
        let none = serde_json::to_string(&FormToken { form_token: None }).expect("json");
        assert_eq!(none, r#"{"form_token":null}"#);
    }

    #[test]
    fn a_form_filled_in_by_a_person_passes() {
        let after_a_minute = OPENED + 60_000;
        assert_eq!(
            check(KEY, &sent("shop", token(), None), after_a_minute),
            Ok(())
        );
        assert_eq!(
            check(KEY, &sent("shop", token(), Some("")), after_a_minute),
            Ok(())
        );
        let just_in_time = OPENED + MIN_FILL_MS;
        assert_eq!(
            check(KEY, &sent("shop", token(), None), just_in_time),
            Ok(())
        );
    }

    #[test]
    fn a_filled_honeypot_is_refused_whatever_the_token() {
        let bot = sent("shop", token(), Some("http://spam.example"));
        assert_eq!(
            check(KEY, &bot, OPENED + 60_000),
            Err(SpamRefusal::HoneypotFilled)
        );
    }

    #[test]
    fn a_form_sent_sooner_than_a_person_could_is_refused() {
        let bot = sent("shop", token(), None);
        assert_eq!(
            check(KEY, &bot, OPENED + 500),
            Err(SpamRefusal::SubmittedTooSoon)
        );
        assert_eq!(
            check(KEY, &bot, OPENED - 1),
            Err(SpamRefusal::SubmittedTooSoon)
        );
    }

    #[test]
    fn a_day_old_form_must_be_opened_again() {
        let late = OPENED + FORM_TOKEN_TTL_MS + 1;
        assert_eq!(
            check(KEY, &sent("shop", token(), None), late),
            Err(SpamRefusal::FormExpired)
        );
    }

    #[test]
    fn missing_forged_altered_and_other_stores_tokens_are_refused() {
        let now = OPENED + 60_000;
        let genuine = form_token(KEY, "shop", OPENED);
        let backdated = genuine.replacen(&OPENED.to_string(), &(OPENED - 60_000).to_string(), 1);
        for bad in [
            None,
            Some(String::new()),
            Some(form_token(b"another key", "shop", OPENED)),
            Some(backdated),
            Some(genuine.to_uppercase()),
            Some(format!("{genuine}0")),
            Some("ft1.x.y".to_owned()),
        ] {
            assert_eq!(
                check(KEY, &sent("shop", bad.clone(), None), now),
                Err(SpamRefusal::FormTokenInvalid),
                "{bad:?}"
            );
        }
        assert_eq!(
            check(KEY, &sent("other-shop", Some(genuine), None), now),
            Err(SpamRefusal::FormTokenInvalid)
        );
    }
}
