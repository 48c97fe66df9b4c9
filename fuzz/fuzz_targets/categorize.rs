//! Complaint text of any kind: the categorizer answers, the same way twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redress_shared::categorize::assess;

fuzz_target!(|text: &str| {
    let first = assess(text);
    let again = assess(text);
    assert_eq!(first.category, again.category);
    assert_eq!(first.priority, again.priority);
});
