//! Signed webhooks, in the manner of Stripe's: every delivery carries
//! `Redress-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with
//! the store's webhook secret. A receiver recomputes the HMAC over the raw body, compares
//! in constant time, and refuses timestamps outside its replay window.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::encoding::{hex, unhex};

/// The header that carries the signature.
pub const HEADER: &str = "Redress-Signature";
/// How old (or how far in the future) a signature may be: five minutes, as Stripe's.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// The header is missing a `t=` or `v1=` part, or they are not well formed.
    Malformed,
    /// The timestamp is outside the replay window.
    Stale,
    /// No `v1` signature matches the body.
    Mismatch,
}

/// The header value for `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex(&digest))
}

/// Checks a received header against the raw body, at `now` (unix seconds).
pub fn verify(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: u64,
    tolerance_secs: u64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<u64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body);
    let matches = signatures.iter().any(|candidate| {
        unhex(candidate).is_some_and(|bytes| expected.clone().verify_slice(&bytes).is_ok())
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// HMAC-SHA256 over `"<timestamp>.<body>"`.
fn mac(secret: &[u8], timestamp: u64, body: &[u8]) -> Hmac<Sha256> {
    // `Mac::new_from_slice` cannot fail for HMAC, which takes keys of any length.
    let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"event":"case.created"}"#;

    #[test]
    fn a_signature_verifies_against_its_own_body_and_time() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(
            verify(SECRET, &header, BODY, 1_700_000_100, DEFAULT_TOLERANCE_SECS),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_or_wrong_secret_is_a_mismatch() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        let now = 1_700_000_000;
        assert_eq!(
            verify(SECRET, &header, b"{}", now, DEFAULT_TOLERANCE_SECS),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", &header, BODY, now, DEFAULT_TOLERANCE_SECS),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn an_old_signature_is_refused_as_a_replay() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(
            verify(SECRET, &header, BODY, 1_700_000_301, DEFAULT_TOLERANCE_SECS),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn a_header_without_its_parts_is_malformed() {
        for header in ["", "t=1", "v1=abcd", "t=x,v1=ab"] {
            assert_eq!(
                verify(SECRET, header, BODY, 1, DEFAULT_TOLERANCE_SECS),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }

    #[test]
    fn matches_an_independent_hmac_sha256() {
        // HMAC-SHA256(key="key", "1.{}"), computed with Python's hmac module.
        assert_eq!(
            sign(b"key", 1, b"{}"),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }
}
