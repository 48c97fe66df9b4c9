//! Cloudflare Turnstile, for a store that turns it on: the widget shows Cloudflare's
//! challenge and sends its token with the complaint; the edge asks siteverify whether
//! the token is good, for this store's site, and refuses the complaint otherwise.

use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode};

/// Cloudflare's verification endpoint.
pub const SITEVERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/// Cloudflare's script that draws the challenge.
pub const SCRIPT_URL: &str =
    "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
/// Cloudflare accepts tokens up to this long.
pub const MAX_TOKEN_CHARS: usize = 2048;

/// What the edge sends siteverify (as JSON).
#[derive(Debug, Serialize)]
pub struct SiteverifyRequest<'a> {
    pub secret: &'a str,
    pub response: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remoteip: Option<&'a str>,
    /// Lets a retried verification of the same token be answered as the first was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<&'a str>,
}

/// Siteverify's answer, the fields Redress reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SiteverifyAnswer {
    pub success: bool,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default, rename = "error-codes")]
    pub error_codes: Vec<String>,
}

/// Why a complaint did not pass Turnstile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnstileRefusal {
    /// No token, or one longer than Cloudflare issues.
    Missing,
    /// Siteverify said no (its error codes).
    Rejected(Vec<String>),
    /// The challenge was solved on a site that is not one of the store's.
    WrongSite(String),
    /// Siteverify could not be asked.
    Unreachable,
}

impl From<TurnstileRefusal> for ApiError {
    fn from(refusal: TurnstileRefusal) -> ApiError {
        let message = match refusal {
            TurnstileRefusal::Missing => "Complete the security check, then send again.".to_owned(),
            TurnstileRefusal::Rejected(codes) => {
                format!("The security check did not pass ({}).", codes.join(", "))
            }
            TurnstileRefusal::WrongSite(host) => {
                format!("The security check was solved on {host}, not on this store's site.")
            }
            TurnstileRefusal::Unreachable => {
                "The security check could not be verified just now; send again.".to_owned()
            }
        };
        ApiError::new(ErrorCode::TurnstileFailed, message)
    }
}

/// The token to verify, if the submission carries a plausible one.
pub fn token(submitted: Option<&str>) -> Result<&str, TurnstileRefusal> {
    submitted
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_CHARS)
        .ok_or(TurnstileRefusal::Missing)
}

/// Siteverify's `idempotency_key` for a complaint retried under the same
/// `Idempotency-Key`: a token may be verified once, but a retry of the same complaint
/// may ask again. A UUID, as siteverify wants, derived from the store and the key.
pub fn retry_id(store_id: &str, idempotency_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(store_id.as_bytes())
        .chain_update([0])
        .chain_update(idempotency_key.as_bytes())
        .finalize();
    let hex = crate::encoding::hex(&digest[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether siteverify's answer lets the complaint in: it must say success, and when
/// the store lists its sites, the challenge must have been solved on one of them.
pub fn judge(
    answer: &SiteverifyAnswer,
    allowed_origins: &[String],
) -> Result<(), TurnstileRefusal> {
    if !answer.success {
        return Err(TurnstileRefusal::Rejected(answer.error_codes.clone()));
    }
    let host = answer.hostname.as_deref().unwrap_or_default();
    let on_a_store_site = allowed_origins.is_empty()
        || allowed_origins
            .iter()
            .any(|origin| host_of(origin).eq_ignore_ascii_case(host));
    if on_a_store_site {
        Ok(())
    } else {
        Err(TurnstileRefusal::WrongSite(host.to_owned()))
    }
}

/// `https://shop.example:8443` → `shop.example`.
fn host_of(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> SiteverifyAnswer {
        serde_json::from_str(json).expect("siteverify's shape")
    }

    #[test]
    fn a_successful_check_on_the_stores_site_passes() {
        let good = answer(
            r#"{"success": true, "hostname": "shop.example", "error-codes": [],
                              "challenge_ts": "2026-11-23T08:00:00.000Z", "action": "", "cdata": ""}"#,
        );
        let origins = vec!["https://shop.example".to_owned()];
        assert_eq!(judge(&good, &origins), Ok(()));
        assert_eq!(
            judge(&good, &[]),
            Ok(()),
            "a store with no sites listed takes any"
        );
    }

    #[test]
    fn a_failed_check_is_refused_with_cloudflares_reasons() {
        let bad = answer(r#"{"success": false, "error-codes": ["invalid-input-response"]}"#);
        assert_eq!(
            judge(&bad, &[]),
            Err(TurnstileRefusal::Rejected(vec![
                "invalid-input-response".to_owned()
            ]))
        );
    }

    #[test]
    fn a_check_solved_on_another_site_is_refused() {
        let elsewhere = answer(r#"{"success": true, "hostname": "evil.example"}"#);
        let origins = vec!["https://shop.example:8443".to_owned()];
        assert_eq!(
            judge(&elsewhere, &origins),
            Err(TurnstileRefusal::WrongSite("evil.example".to_owned()))
        );
    }

    #[test]
    fn a_retry_asks_siteverify_under_the_same_uuid() {
        let id = retry_id("shop", "key-1");
        assert_eq!(id, retry_id("shop", "key-1"));
        assert_ne!(id, retry_id("shop", "key-2"));
        assert_ne!(id, retry_id("shop2", "key-1"));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn a_missing_or_oversized_token_is_not_sent_to_cloudflare() {
        assert_eq!(token(None), Err(TurnstileRefusal::Missing));
        assert_eq!(token(Some("  ")), Err(TurnstileRefusal::Missing));
        let huge = "x".repeat(MAX_TOKEN_CHARS + 1);
        assert_eq!(token(Some(&huge)), Err(TurnstileRefusal::Missing));
        assert_eq!(token(Some("XXXX.DUMMY.TOKEN")), Ok("XXXX.DUMMY.TOKEN"));
    }
}
