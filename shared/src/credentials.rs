//! Secrets Redress hands out: agent tokens (shown once, stored only as a SHA-256) and
//! webhook signing secrets. Callers supply the randomness, so this stays pure.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::encoding::{hex, unhex};

/// A bearer token that lets an agent act for one store: `rdat_` and 32 hex digits
/// (128 random bits, so it cannot be guessed or enumerated).
#[derive(Clone, PartialEq, Eq)]
pub struct AgentToken(String);

impl AgentToken {
    pub const PREFIX: &'static str = "rdat_";

    pub fn from_random(bytes: [u8; 16]) -> AgentToken {
        AgentToken(format!("{}{}", Self::PREFIX, hex(&bytes)))
    }

    /// The token in an `Authorization: Bearer ...` header, if it has the right shape.
    pub fn from_bearer(header: &str) -> Option<AgentToken> {
        let token = header.strip_prefix("Bearer ")?.trim();
        let digits = token.strip_prefix(Self::PREFIX)?;
        (digits.len() == 32
            && digits
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| AgentToken(token.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps: a leaked table does not leak working tokens.
    pub fn digest(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }
}

// Never print a token by accident (logs, panics).
impl std::fmt::Debug for AgentToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AgentToken(…)")
    }
}

/// The shopper's key to their case's status view: `st_` and 32 hex digits, an HMAC of
/// the case id under the operator's secret. The database never holds it, and an
/// idempotent replay of the submission can hand the same one back.
pub fn status_token(key: &[u8], case_id: &str) -> String {
    let digest = status_mac(key, case_id).finalize().into_bytes();
    format!("{STATUS_PREFIX}{}", hex(&digest[..16]))
}

/// Whether `token` opens the status view of `case_id` (compared in constant time).
pub fn is_status_token(key: &[u8], case_id: &str, token: &str) -> bool {
    token
        .strip_prefix(STATUS_PREFIX)
        .filter(|digits| digits.len() == 32)
        .and_then(unhex)
        .is_some_and(|bytes| {
            status_mac(key, case_id)
                .verify_truncated_left(&bytes)
                .is_ok()
        })
}

const STATUS_PREFIX: &str = "st_";

fn status_mac(key: &[u8], case_id: &str) -> Hmac<Sha256> {
    let mut mac = keyed_mac(key, "redress-status-link:");
    mac.update(case_id.as_bytes());
    mac
}

/// HMAC-SHA256 under the operator's key for one `purpose`, which goes first, so that a
/// MAC made for one use (a status link, a form, a reply address) is never valid for
/// another.
pub(crate) fn keyed_mac(key: &[u8], purpose: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(purpose.as_bytes());
    mac
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_from_its_bearer_header() {
        let token = AgentToken::from_random([7; 16]);
        let header = format!("Bearer {}", token.as_str());
        assert_eq!(AgentToken::from_bearer(&header), Some(token));
    }

    #[test]
    fn malformed_bearer_headers_are_not_tokens() {
        let good = AgentToken::from_random([0xab; 16]);
        for bad in [
            good.as_str().to_owned(),
            format!("Basic {}", good.as_str()),
            "Bearer rdat_123".to_owned(),
            format!("Bearer {}", good.as_str().to_uppercase()),
            format!("Bearer x{}", good.as_str()),
        ] {
            assert_eq!(AgentToken::from_bearer(&bad), None, "{bad}");
        }
    }

    #[test]
    fn the_stored_digest_is_the_sha256_of_the_token_and_not_the_token() {
        let token = AgentToken::from_random([1; 16]);
        let digest = token.digest();
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains(&token.as_str()[5..]));
        assert_eq!(digest, sha256_hex(token.as_str().as_bytes()));
        assert_eq!(format!("{token:?}"), "AgentToken(…)");
    }

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_status_token_opens_its_own_case_only_and_only_under_its_key() {
        let token = status_token(b"key-1", "case-a");
        assert!(token.starts_with("st_") && token.len() == 35);
        assert!(is_status_token(b"key-1", "case-a", &token));
        assert!(!is_status_token(b"key-1", "case-b", &token));
        assert!(!is_status_token(b"key-2", "case-a", &token));
        assert!(!is_status_token(b"key-1", "case-a", &token[..34]));
        assert!(!is_status_token(
            b"key-1",
            "case-a",
            &token.replace("st_", "xx_")
        ));
        assert_eq!(
            token,
            status_token(b"key-1", "case-a"),
            "the same every time"
        );
    }
}
