//! The widget's words in the shopper's language. None are compiled into the wasm: the
//! edge picks a catalog (`shared/locales/<tag>.json`, see `shared::widget_text`) and
//! the loader passes it in with the store's settings, so only the shopper's language
//! travels. A test holds every key used here to the English catalog.

use std::cell::RefCell;

use js_sys::Reflect;
use redress_shared::FieldError;
use wasm_bindgen::JsValue;

thread_local! {
    static CATALOG: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

pub fn set_catalog(catalog: JsValue) {
    CATALOG.with(|c| *c.borrow_mut() = catalog);
}

/// The text for `key`, if the catalog has it.
pub fn lookup(key: &str) -> Option<String> {
    CATALOG.with(|c| {
        Reflect::get(&c.borrow(), &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    })
}

/// The text for `key` (the key itself if the catalog could not be fetched).
pub fn t(key: &str) -> String {
    lookup(key).unwrap_or_else(|| key.to_owned())
}

/// `key`'s text around its `{}` placeholder: what comes before, and after.
pub fn around(key: &str) -> (String, String) {
    let text = t(key);
    // Every placeholder is `{}` (a test holds the catalogs to it). No indexing into the
    // text: a str index's panic path is kilobytes of wasm.
    match text.split_once("{}") {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (text, String::new()),
    }
}

/// `key`'s text with `value` in its placeholder.
pub fn with(key: &str, value: &str) -> String {
    let (before, after) = around(key);
    before + value + &after
}

/// Field errors as the shopper reads them: by code, in their language (the messages
/// `shared` and the edge write are English, for the API).
pub fn field_errors(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            message: t(&format!("error.{}", e.code.code())),
            ..e
        })
        .collect()
}

/// What the shopper reads when the edge refused something with `code`.
pub fn refusal(code: &str) -> String {
    lookup(&format!("refused.{code}")).unwrap_or_else(|| t("unexpected"))
}

/// An RFC 3339 instant as the shopper reads it: their language, their time zone.
pub(crate) fn local_time(rfc3339: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"full".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale, &options).into()
}
