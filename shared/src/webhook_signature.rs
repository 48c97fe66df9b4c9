//! Signed webhooks by the Standard Webhooks specification (standardwebhooks.com), so a
//! store verifies with an off-the-shelf library in its own language:
//!
//! - `webhook-id`: the event's id, the same on every redelivery;
//! - `webhook-timestamp`: unix seconds of this attempt;
//! - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed
//!   with the store's secret `whsec_<base64 key>`.
//!
//! Stores set up before Standard Webhooks also get `Redress-Signature` (Stripe's
//! recipe, keyed with the secret's text) until they have moved to a library; their
//! secret did not change: `whsec_` and 48 hex digits is valid base64 too.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::encoding::hex;

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";
/// The header the first stores verified by hand; sent beside the standard ones.
pub const LEGACY_HEADER: &str = "Redress-Signature";

/// The prefix Standard Webhooks puts before a secret's base64 key.
pub const SECRET_PREFIX: &str = "whsec_";

/// A secret Standard Webhooks libraries cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedSecret;

/// A new store's secret from 24 random bytes: a whole number of base64 groups, so no
/// padding (which some libraries require and others mishandle).
pub fn secret_from_random(bytes: [u8; 24]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` value for `body` sent as event `id` at `timestamp`.
pub fn sign(
    secret: &str,
    id: &str,
    timestamp: u64,
    body: &[u8],
) -> Result<String, MalformedSecret> {
    let mut mac = hmac_with(&key(secret)?);
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `Redress-Signature` value: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// keyed with the secret's text.
pub fn sign_legacy(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = hmac_with(secret.as_bytes());
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    format!("t={timestamp},v1={}", hex(&mac.finalize().into_bytes()))
}

/// The HMAC key in a `whsec_` secret, as the specification's libraries decode it.
fn key(secret: &str) -> Result<Vec<u8>, MalformedSecret> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .map_err(|_| MalformedSecret)?;
    if key.is_empty() {
        return Err(MalformedSecret);
    }
    Ok(key)
}

fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_specifications_test_vector() {
        // From the Standard Webhooks libraries' shared tests (also checked with the
        // npm and PyPI `standardwebhooks` packages).
        let signature = sign(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1_649_367_553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Ok("v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=")
        );
    }

    #[test]
    fn the_id_timestamp_and_body_are_all_signed() {
        let secret = secret_from_random([7; 24]);
        let sign = |id, at, body: &[u8]| sign(&secret, id, at, body).expect("signs");
        let base = sign("msg_1", 1, b"{}");
        assert_ne!(base, sign("msg_2", 1, b"{}"));
        assert_ne!(base, sign("msg_1", 2, b"{}"));
        assert_ne!(base, sign("msg_1", 1, b"{ }"));
    }

    #[test]
    fn new_secrets_are_unpadded_base64_of_24_bytes() {
        let secret = secret_from_random([0xff; 24]);
        assert_eq!(secret, format!("whsec_{}", "/".repeat(32)));
        assert_eq!(key(&secret), Ok(vec![0xff; 24]));
    }

    #[test]
    fn a_secret_issued_before_standard_webhooks_still_signs() {
        // `whsec_` and 48 hex digits: base64 of 36 bytes to every library.
        let old = format!("whsec_{}", "ab".repeat(24));
        assert_eq!(key(&old).map(|k| k.len()), Ok(36));
        assert!(sign(&old, "msg_1", 1, b"{}").is_ok());
    }

    #[test]
    fn a_secret_that_is_not_base64_is_refused() {
        assert_eq!(
            sign("whsec_not base64!", "msg_1", 1, b"{}"),
            Err(MalformedSecret)
        );
        assert_eq!(sign("whsec_", "msg_1", 1, b"{}"), Err(MalformedSecret));
    }

    #[test]
    fn the_legacy_signature_matches_an_independent_hmac_sha256() {
        // HMAC-SHA256(key="key", "1.{}"), computed with Python's hmac module.
        assert_eq!(
            sign_legacy("key", 1, b"{}"),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }
}
