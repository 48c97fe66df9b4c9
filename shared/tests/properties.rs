//! Invariants of the parsers that face the open internet, over generated inputs:
//! validation, file sniffing, the categorizer and idempotency fingerprints never
//! panic, and what they let through keeps every promise the edge relies on.

use proptest::prelude::*;
use redress_shared::categorize::{assess, Category};
use redress_shared::{idempotency, sniff, validate, ComplaintSubmission, FieldErrorCode, Limits};

/// Any text, with the characters attackers reach for over-represented.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("\u{202E}".to_owned()),
        Just("\u{0007}".to_owned()),
        Just("\r\n".to_owned()),
        Just("<script>".to_owned()),
        Just("'); DROP TABLE cases;--".to_owned()),
        Just("@".to_owned()),
        Just(" ".to_owned()),
        "[a-z]{1,12}",
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

fn submission() -> impl Strategy<Value = ComplaintSubmission> {
    (
        (hostile_text(), hostile_text(), hostile_text()),
        (hostile_text(), hostile_text(), hostile_text()),
        prop::option::of(hostile_text()),
        prop::collection::vec(hostile_text(), 0..12),
        prop::option::of(any::<u64>()),
    )
        .prop_map(
            |(
                (store_id, order_number, email),
                (description, resolution, category),
                locale,
                evidence,
                order_value,
            )| {
                ComplaintSubmission {
                    store_id,
                    order_number,
                    email,
                    product_id: None,
                    product_url: None,
                    description,
                    resolution,
                    evidence,
                    locale,
                    category: Some(category).filter(|c| !c.is_empty()),
                    order_value,
                    ..ComplaintSubmission::default()
                }
            },
        )
}

fn is_control_or_bidi(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn what_validation_lets_through_keeps_its_promises(input in submission()) {
        let limits = Limits::default();
        match validate(&input, &limits) {
            Ok(valid) => {
                let d = &valid.details;
                prop_assert!(!d.order_number.is_empty());
                prop_assert!(d.order_number.chars().count() <= limits.max_order_number_chars);
                prop_assert!(!d.order_number.chars().any(|c| c.is_control() || is_control_or_bidi(c)));
                prop_assert!(!d.email.chars().any(|c| c.is_control() || c.is_whitespace()));
                let chars = d.description.chars().count();
                prop_assert!((limits.min_description_chars..=limits.max_description_chars).contains(&chars));
                prop_assert!(!d.description.chars().any(is_control_or_bidi));
                prop_assert!(valid.evidence.len() <= limits.max_files);
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(FieldErrorCode::ALL.contains(&e.code));
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn a_fingerprint_is_stable_and_hex(input in submission()) {
        let first = idempotency::fingerprint(&input);
        prop_assert_eq!(&first, &idempotency::fingerprint(&input.clone()));
        prop_assert_eq!(first.len(), 64);
        prop_assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn sniffing_never_accepts_markup_at_the_start(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        // Any bytes at all: an answer, never a panic.
        let _ = sniff(&bytes);
        let mut html = b"<html><script>".to_vec();
        html.extend_from_slice(&bytes);
        prop_assert_eq!(sniff(&html), None);
    }

    #[test]
    fn the_categorizer_answers_any_text_the_same_way_twice(text in hostile_text()) {
        let first = assess(&text);
        let again = assess(&text);
        prop_assert!(Category::ALL.contains(&first.category));
        prop_assert_eq!(first.category, again.category);
        prop_assert_eq!(first.priority, again.priority);
    }
}
