//! The case page's words (`shared/locales/case/`, served beside the page): every
//! language has every English text with as many `{}` placeholders, and every key the
//! page asks for exists.

use std::collections::BTreeMap;

use redress_shared::widget_text::LOCALES;
use redress_shared::{CaseStatus, ErrorCode, FieldErrorCode};

fn catalog(locale: &str) -> BTreeMap<String, String> {
    let path = format!("{}/locales/case/{locale}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_language_has_every_english_text_with_the_same_placeholders() {
    let english = catalog("en");
    for locale in LOCALES {
        let texts = catalog(locale);
        assert_eq!(
            texts.keys().collect::<Vec<_>>(),
            english.keys().collect::<Vec<_>>(),
            "{locale}"
        );
        for (key, text) in &texts {
            assert_eq!(
                text.matches("{}").count(),
                english[key].matches("{}").count(),
                "{locale} {key}"
            );
        }
    }
}

#[test]
fn every_key_the_page_asks_for_is_in_the_catalog() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../case/src");
    let source: String = std::fs::read_dir(folder)
        .expect("the case page's source")
        .map(|file| std::fs::read_to_string(file.expect("a file").path()).expect("source"))
        .collect();
    let english = catalog("en");
    // `t("key")` and `with("key", …)`, not `set("Authorization", …)`.
    let calls_of = |name: &str| -> Vec<&str> {
        let pattern = format!("{name}(\"");
        source
            .match_indices(&pattern)
            .filter(|(at, _)| {
                source[..*at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_')
            })
            .filter_map(|(at, _)| {
                let rest = &source[at + pattern.len()..];
                rest.split_once('"').map(|(key, _)| key)
            })
            .collect()
    };
    let asked: Vec<&str> = [calls_of("t"), calls_of("with")].concat();
    assert!(asked.len() > 10, "{asked:?}");
    for key in asked {
        assert!(english.contains_key(key), "{key} is not in the catalog");
    }
    // Keys the page builds from codes: every status, and the message's field errors.
    for status in CaseStatus::ALL {
        assert!(english.contains_key(&format!("status.{}", status.code())));
    }
    for code in [
        FieldErrorCode::Required,
        FieldErrorCode::TooLong,
        FieldErrorCode::InvalidFormat,
    ] {
        assert!(english.contains_key(&format!("error.{}", code.code())));
    }
    // And the refusals of a file, by the error's code.
    for code in [
        ErrorCode::FileTypeNotAllowed,
        ErrorCode::FileTypeMismatch,
        ErrorCode::FileMalformed,
        ErrorCode::ImageTooLarge,
        ErrorCode::PayloadTooLarge,
    ] {
        let code = serde_json::to_value(code).expect("a code");
        let code = code.as_str().expect("a string");
        assert!(english.contains_key(&format!("file.{code}")), "{code}");
    }
    assert!(english.contains_key(&format!("file.{}", FieldErrorCode::TooManyFiles.code())));
}
