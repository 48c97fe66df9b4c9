//! Dates in the agent's own locale and time zone, and other words agents read.

use redress_shared::service_level::{Breaches, Target};
use wasm_bindgen::JsCast;

thread_local! {
    /// Read once: every number and date the inbox writes asks for them.
    static LANGUAGES: Vec<String> = browser_languages();
}

/// The agent's languages, best first, as their browser states them
/// (`navigator.languages`; empty if it does not).
pub fn agent_languages() -> Vec<String> {
    LANGUAGES.with(Clone::clone)
}

fn browser_languages() -> Vec<String> {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into());
    let languages = navigator.and_then(|n| js_sys::Reflect::get(&n, &"languages".into()));
    match languages {
        Ok(list) if list.is_array() => js_sys::Array::from(&list)
            .iter()
            .filter_map(|tag| tag.as_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// The agent's first language, the locale dates and numbers are written in.
pub fn agent_locale() -> String {
    LANGUAGES.with(|l| l.first().cloned().unwrap_or_else(|| "default".to_owned()))
}

/// An RFC 3339 timestamp as the agent's locale writes it.
pub fn local_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    String::from(date.to_locale_string(&agent_locale(), &wasm_bindgen::JsValue::UNDEFINED))
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

/// A language's name in the agent's language (`ko` → "Korean"), by the browser's
/// `Intl.DisplayNames`; the code itself where the browser cannot say.
pub fn language_name(code: &str) -> String {
    let name = || -> Option<String> {
        let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let class = js_sys::Reflect::get(&intl, &"DisplayNames".into()).ok()?;
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"type".into(), &"language".into()).ok()?;
        let locales: js_sys::Array = agent_languages()
            .into_iter()
            .map(wasm_bindgen::JsValue::from)
            .collect();
        let arguments = js_sys::Array::of2(&locales, &options);
        let names =
            js_sys::Reflect::construct(class.dyn_ref::<js_sys::Function>()?, &arguments).ok()?;
        let of: js_sys::Function = js_sys::Reflect::get(&names, &"of".into())
            .ok()?
            .dyn_into()
            .ok()?;
        of.call1(&names, &code.into()).ok()?.as_string()
    };
    name().unwrap_or_else(|| code.to_owned())
}

/// An instant as `locale` writes a date and time, in UTC (the shopper's time zone is not
/// known), saying so.
pub fn date_time_in(rfc3339: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    for (name, value) in [
        ("dateStyle", "long"),
        ("timeStyle", "short"),
        ("timeZone", "UTC"),
    ] {
        let _ = js_sys::Reflect::set(&options, &name.into(), &value.into());
    }
    let text = String::from(date.to_locale_string(locale, &options));
    format!("{text} UTC")
}

/// An amount as `locale` writes it (`12,30 €`), from its exact decimal.
pub fn money_in(money: &redress_shared::money::Money, locale: &str) -> String {
    let options = js_sys::Object::new();
    for (name, value) in [("style", "currency"), ("currency", money.currency.as_str())] {
        let _ = js_sys::Reflect::set(&options, &name.into(), &value.into());
    }
    let locales = js_sys::Array::of1(&locale.into());
    js_sys::Intl::NumberFormat::new(&locales, &options)
        .format()
        .call1(&wasm_bindgen::JsValue::UNDEFINED, &money.decimal().into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{} {}", money.decimal(), money.currency))
}
