//! A submission body as the edge reads it: JSON into `ComplaintSubmission`, then
//! validation and the idempotency fingerprint. Anything may be refused; nothing may
//! panic, and what is accepted keeps validation's promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redress_shared::{idempotency, validate, ComplaintSubmission, Limits};

fuzz_target!(|body: &[u8]| {
    let Ok(submission) = serde_json::from_slice::<ComplaintSubmission>(body) else {
        return;
    };
    let _ = idempotency::fingerprint(&submission);
    let limits = Limits::default();
    if let Ok(valid) = validate(&submission, &limits) {
        let d = &valid.details;
        assert!(d.description.chars().count() <= limits.max_description_chars);
        assert!(!d.order_number.chars().any(char::is_control));
        assert!(valid.evidence.len() <= limits.max_files);
    }
});
