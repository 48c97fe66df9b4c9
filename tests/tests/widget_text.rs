//! The widget's words: every key the widget asks for is in the English catalog, and
//! every catalog has exactly the English keys (checked in `shared::widget_text`). A
//! missing key would show the shopper the key itself.

use std::collections::BTreeSet;

use redress_shared::categorize::Category;
use redress_shared::{widget_text, FieldErrorCode, Resolution};

/// The string literals passed to `t(`, `with(`, `around(` and `lookup(` in the widget.
fn keys_used_by_the_widget() -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../widget/src");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("widget sources") {
        let source = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        for call in ["t(\"", "with(\"", "around(\""] {
            for (at, _) in source.match_indices(call) {
                // `t(` itself, not `get(` or `starts_with(`.
                let before = source[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue;
                }
                let rest = &source[at + call.len()..];
                let end = rest.find('"').expect("closing quote");
                keys.insert(rest[..end].to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_the_widget_uses_is_in_the_catalog() {
    let english: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(widget_text::catalog("en")).expect("en.json");
    let mut wanted = keys_used_by_the_widget();
    assert!(
        wanted.len() > 30,
        "the scan found the widget's keys: {wanted:?}"
    );
    // Keys the widget builds from codes.
    wanted.extend(
        Category::ALL
            .iter()
            .map(|c| format!("category.{}", c.code())),
    );
    wanted.extend(
        Resolution::ALL
            .iter()
            .map(|r| format!("resolution.{}", r.code())),
    );
    wanted.extend(
        FieldErrorCode::ALL
            .iter()
            .map(|c| format!("error.{}", c.code())),
    );
    let missing: Vec<_> = wanted
        .iter()
        .filter(|k| !english.contains_key(*k))
        .collect();
    assert!(missing.is_empty(), "not in en.json: {missing:?}");
}
