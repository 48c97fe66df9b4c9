//! Idempotency keys on submissions, by Stripe's rule: a retry with the same key and the
//! same body gets the first answer; the same key with a different body is refused
//! (422 `idempotency_key_reused`); a key is remembered for 24 hours, then free again.

use sha2::{Digest, Sha256};

use crate::api_error::{FieldError, FieldErrorCode};
use crate::complaint::ComplaintSubmission;
use crate::encoding::hex;
use crate::time::{rfc3339, MS_PER_HOUR};

/// How long a key is remembered.
pub const KEY_TTL_HOURS: u32 = 24;

/// Where a key's memory starts for a request at `now_ms`: earlier uses are forgotten.
pub fn remembered_since(now_ms: i64) -> String {
    rfc3339(now_ms - i64::from(KEY_TTL_HOURS) * MS_PER_HOUR)
}

/// The longest key accepted.
pub const MAX_KEY_CHARS: usize = 255;

/// What a submission says, as a digest that does not depend on how its JSON was
/// written (key order, spacing, escapes): two retries of one request match, any
/// changed field does not. The anti-spam fields are left out: they say how the form
/// was sent, not what the complaint is.
pub fn fingerprint(s: &ComplaintSubmission) -> String {
    // Every field named: a new one fails to compile here until it is decided whether
    // it says what the complaint is.
    let ComplaintSubmission {
        store_id,
        order_number,
        email,
        product_id,
        product_url,
        description,
        resolution,
        evidence,
        locale,
        category,
        order_value,
        form_token: _,
        website: _,
        turnstile_token: _,
    } = s;
    let mut digest = Sha256::new();
    let mut field = |value: Option<&str>| {
        // Length-prefixed, with absent apart from empty: no two submissions collide.
        match value {
            None => digest.update(b"-"),
            Some(text) => {
                digest.update((text.len() as u64).to_be_bytes());
                digest.update(text.as_bytes());
            }
        }
    };
    field(Some(store_id));
    field(Some(order_number));
    field(Some(email));
    field(product_id.as_deref());
    field(product_url.as_deref());
    field(Some(description));
    field(Some(resolution));
    field(locale.as_deref());
    field(category.as_deref());
    field(order_value.map(|v| v.to_string()).as_deref());
    field(Some(&evidence.len().to_string()));
    for token in evidence {
        field(Some(token));
    }
    hex(&digest.finalize())
}

/// The `Idempotency-Key` header, if sent: 1 to [`MAX_KEY_CHARS`] characters.
pub fn check_key(header: Option<String>) -> Result<Option<String>, FieldError> {
    match header {
        Some(key) if key.is_empty() || key.chars().count() > MAX_KEY_CHARS => Err(FieldError::new(
            "Idempotency-Key",
            FieldErrorCode::InvalidFormat,
            format!("Use 1 to {MAX_KEY_CHARS} characters."),
        )),
        key => Ok(key),
    }
}

/// Whether a key's first use, with `first_fingerprint`, lets this request replay it.
/// Cases stored before fingerprints were kept (`None`) replay as before.
pub fn is_same_request(first_fingerprint: Option<&str>, this: &str) -> bool {
    first_fingerprint.is_none_or(|first| first == this)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission() -> ComplaintSubmission {
        serde_json::from_str(
            r#"{"store_id": "s", "order_number": "A-1", "email": "a@example.com",
                "description": "The lamp arrived broken.", "resolution": "replacement",
                "evidence": ["up_1"]}"#,
        )
        .expect("a submission")
    }

    #[test]
    fn the_same_request_written_differently_has_one_fingerprint() {
        let reordered: ComplaintSubmission = serde_json::from_str(
            r#"{"evidence":["up_1"],"resolution":"replacement","description":"The lamp arrived broken.",
                "email":"a@example.com","order_number":"A-1","store_id":"s"}"#,
        )
        .expect("a submission");
        assert_eq!(fingerprint(&submission()), fingerprint(&reordered));
    }

    #[test]
    fn any_changed_field_changes_the_fingerprint() {
        let first = fingerprint(&submission());
        let changes: [fn(&mut ComplaintSubmission); 6] = [
            |s| s.description.push('!'),
            |s| s.evidence.push("up_2".into()),
            |s| s.evidence.clear(),
            |s| s.product_id = Some(String::new()),
            |s| s.order_value = Some(1),
            |s| s.order_number = "A-2".into(),
        ];
        for change in changes {
            let mut changed = submission();
            change(&mut changed);
            assert_ne!(fingerprint(&changed), first);
        }
    }

    #[test]
    fn fields_do_not_run_into_each_other() {
        let mut a = submission();
        let mut b = submission();
        (a.order_number, a.email) = ("A-1a".into(), "b@example.com".into());
        (b.order_number, b.email) = ("A-1".into(), "ab@example.com".into());
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn a_key_is_one_to_255_characters_or_absent() {
        assert_eq!(check_key(None), Ok(None));
        assert_eq!(check_key(Some("k".into())), Ok(Some("k".into())));
        let longest = "é".repeat(MAX_KEY_CHARS);
        assert_eq!(check_key(Some(longest.clone())), Ok(Some(longest)));
        assert!(check_key(Some(String::new())).is_err());
        assert!(check_key(Some("k".repeat(MAX_KEY_CHARS + 1))).is_err());
    }

    #[test]
    fn a_key_is_remembered_for_24_hours() {
        let now = 1_764_000_000_000;
        assert_eq!(remembered_since(now), rfc3339(now - 24 * MS_PER_HOUR));
    }

    #[test]
    fn a_key_replays_only_the_request_it_was_first_used_with() {
        assert!(is_same_request(Some("abc"), "abc"));
        assert!(!is_same_request(Some("abc"), "abd"));
        assert!(is_same_request(None, "abc"));
    }
}
