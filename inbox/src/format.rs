//! Dates in the agent's own locale and time zone, and other words agents read.

use redress_shared::service_level::{Breaches, Target};

/// An RFC 3339 timestamp as the browser's locale writes it.
pub fn local_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// " · missed: first response, resolution", or nothing when every target was met.
pub fn missed(breaches: &Breaches) -> Option<String> {
    let targets: Vec<&str> = breaches
        .targets()
        .into_iter()
        .map(|t| match t {
            Target::FirstResponse => "first response",
            Target::Resolution => "resolution",
        })
        .collect();
    (!targets.is_empty()).then(|| format!(" · missed: {}", targets.join(", ")))
}
