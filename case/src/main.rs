//! The shopper's case page, `/case/#<reference>.<status token>`: where their complaint
//! stands, what the store promised, the conversation so far, and a box to write to the
//! store. The token travels in the fragment, so it is never sent in a request line or
//! a `Referer`, nor logged.
//!
//! Drawn with DOM calls into the page's static markup (`case/index.html`): every text
//! from the case's catalog (`shared/locales/case/`, served beside the page) and
//! everything from the server set as text, never parsed as markup.

mod files;
mod offers;
mod outcomes;
mod rating;

use std::cell::RefCell;

use js_sys::{Object, Reflect, JSON};
use redress_shared::case_page_ids as ids;
use redress_shared::{routes, widget_text};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Document, Element, HtmlTextAreaElement};

thread_local! {
    static CATALOG: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// The case this page opens.
#[derive(Clone)]
struct Link {
    reference: String,
    token: String,
}

/// How the edge answered.
enum Answer {
    Ok(JsValue),
    /// Refused: the HTTP status and the error's body.
    Refused(u16, JsValue),
    Unreachable,
}

fn main() {
    spawn_local(start());
}

async fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|hash| parse_link(&hash));
    let answer = match &link {
        Some(link) => get_status(link).await,
        None => Answer::Refused(404, JsValue::NULL),
    };
    // The case's own language once it is known; before, the browser's.
    let locale = match &answer {
        Answer::Ok(view) => text_of(view, "locale").unwrap_or_else(|| "en".to_owned()),
        _ => widget_text::pick(&browser_languages(), "en").to_owned(),
    };
    load_catalog(&locale).await;
    let root = document.document_element();
    if let Some(root) = &root {
        let _ = root.set_attribute("lang", &locale);
        let rtl = widget_text::is_right_to_left(&locale);
        let _ = root.set_attribute("dir", if rtl { "rtl" } else { "ltr" });
    }
    document.set_title(&t("title"));
    set_text(&document, &format!("#{}", ids::TITLE), &t("title"));
    set_text(&document, ".reference .label", &t("case"));
    set_text(&document, "#conversation-title", &t("conversation"));
    set_text(&document, "#offers-title", &t("offers"));
    set_text(&document, "#outcomes-title", &t("outcomes"));
    set_text(&document, "label[for=case-message]", &t("write"));
    set_text(&document, "#case-write-hint", &t("write_hint"));
    set_text(&document, "label[for=case-file]", &t("files"));
    set_text(&document, "#case-files-hint", &t("files_hint"));
    set_text(&document, &format!("#{}", ids::SEND), &t("send"));
    set_text(&document, ".private", &t("keep_private"));
    match (answer, link) {
        (Answer::Ok(view), Some(link)) => {
            draw(&document, &view, &locale, &link);
            wire_form(&document, link.clone(), locale.clone());
            files::wire(&document, link.clone(), locale.clone());
            rating::wire(&document, link, locale);
        }
        (Answer::Unreachable, _) => summary_error(&document, &t("unreachable")),
        _ => summary_error(&document, &t("not_found")),
    }
    if let Some(main) = document.query_selector("main").ok().flatten() {
        let _ = main.remove_attribute("aria-busy");
    }
}

/// `#RD-XXXX-XXXX-XXXX.st_…` as the receipt and the emails write it.
fn parse_link(hash: &str) -> Option<Link> {
    let (reference, token) = hash.trim_start_matches('#').split_once('.')?;
    let plausible = |s: &str| {
        !s.is_empty()
            && s.len() <= 80
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    (plausible(reference) && plausible(token)).then(|| Link {
        reference: reference.to_owned(),
        token: token.to_owned(),
    })
}

fn browser_languages() -> String {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| {
            list.iter()
                .filter_map(|l| l.as_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// Draws the case: its reference, status and promise, the store's offers, and the
/// conversation.
fn draw(document: &Document, view: &JsValue, locale: &str, link: &Link) {
    offers::draw(document, view, locale, link);
    outcomes::draw(document, view, locale);
    rating::draw(document, view);
    set_text(
        document,
        &format!("#{}", ids::REFERENCE),
        &text_of(view, "reference").unwrap_or_default(),
    );
    let Some(summary) = by_id(document, ids::SUMMARY) else {
        return;
    };
    summary.set_text_content(None);
    let status = text_of(view, "status").unwrap_or_default();
    if let Some(p) = add(document, &summary, "p", &(t("status") + " ")) {
        if let Some(strong) = add(document, &p, "strong", &t(&format!("status.{status}"))) {
            strong.set_id(ids::STATUS);
        }
    }
    if let Some(respond_by) = text_of(view, "respond_by") {
        add(
            document,
            &summary,
            "p",
            &with("answer_by", &local_time(&respond_by, locale)),
        );
    }
    let Some(list) = by_id(document, ids::TIMELINE) else {
        return;
    };
    list.set_text_content(None);
    let events = list_of(view, "timeline");
    for (index, event) in (0u32..).zip(events.iter()) {
        let kind = text_of(&event, "kind").unwrap_or_default();
        let value = text_of(&event, "value").unwrap_or_default();
        let (what, who, words) = match kind.as_str() {
            "created" => (t("filed"), "shopper", None),
            "reply" => match text_of(&event, "by") {
                // Only where the store shows its agents' names.
                Some(agent) => (with("store_replied_named", &agent), "store", Some(value)),
                None => (t("store_replied"), "store", Some(value)),
            },
            "shopper_message" => (t("you_wrote"), "shopper", Some(value)),
            "evidence_added" => (t("evidence_added"), "shopper", Some(value)),
            "outcome_recorded" => (t("outcome_recorded"), "store", None),
            "rated" => (with("rated", &value), "shopper", None),
            "offer_made" | "offer_answered" | "offer_withdrawn" | "offer_expired" => {
                let offer = offers::by_number(view, &value);
                let what = offer
                    .as_ref()
                    .map(|offer| offers::describe(offer, locale))
                    .unwrap_or_default();
                let (key, who) = match kind.as_str() {
                    "offer_answered" => {
                        let state = offer.and_then(|o| text_of(&o, "state")).unwrap_or_default();
                        (format!("offer_answered.{state}"), "shopper")
                    }
                    _ => (kind.clone(), "store"),
                };
                (with(&key, &what), who, None)
            }
            _ => (
                with("status_changed", &t(&format!("status.{value}"))),
                "store",
                None,
            ),
        };
        let Some(item) = add(document, &list, "li", "") else {
            continue;
        };
        item.set_class_name(who);
        let when = text_of(&event, "at").map(|at| local_time(&at, locale));
        if let Some(when) = add(document, &item, "span", &when.unwrap_or_default()) {
            when.set_class_name("when");
        }
        add(document, &item, "strong", &what);
        if let Some(words) = words {
            if let Some(p) = add(document, &item, "p", &words) {
                p.set_class_name("words");
            }
        }
        let original = Reflect::get(&event, &"original".into()).ok();
        if let Some(original) = original.filter(JsValue::is_object) {
            add_original(document, &item, &original, &ids::original(index));
        }
    }
    if let Some(section) = by_id(document, "case-conversation") {
        let _ = section.remove_attribute("hidden");
    }
}

/// Under a reply the shopper reads translated: that it is a machine's translation, and
/// the store's own words on request (a native disclosure: keyboard and screen readers
/// know it), marked with their language.
fn add_original(document: &Document, item: &Element, original: &JsValue, id: &str) {
    if let Some(note) = add(document, item, "p", &t("translated")) {
        note.set_class_name("translated");
    }
    let Some(details) = add(document, item, "details", "") else {
        return;
    };
    details.set_id(id);
    add(document, &details, "summary", &t("show_original"));
    let text = text_of(original, "text").unwrap_or_default();
    if let Some(p) = add(document, &details, "p", &text) {
        p.set_class_name("words");
        let _ = p.set_attribute("lang", &text_of(original, "language").unwrap_or_default());
        let _ = p.set_attribute("dir", "auto");
    }
}

/// The message box: sends on submit, shows what happened, and redraws the case.
fn wire_form(document: &Document, link: Link, locale: String) {
    let Some(form) = by_id(document, ids::WRITE) else {
        return;
    };
    let _ = form.remove_attribute("hidden");
    let document = document.clone();
    let submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let (document, link, locale) = (document.clone(), link.clone(), locale.clone());
        spawn_local(async move { send(&document, &link, &locale).await });
    });
    let _ = form.add_event_listener_with_callback("submit", submit.as_ref().unchecked_ref());
    // The form lives as long as the page; so may its handler.
    submit.forget();
}

async fn send(document: &Document, link: &Link, locale: &str) {
    let Some(textarea) =
        by_id(document, ids::MESSAGE).and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let button = by_id(document, ids::SEND);
    let error = by_id(document, ids::WRITE_ERROR);
    set_text(document, &format!("#{}", ids::WRITE_ERROR), "");
    set_text(document, &format!("#{}", ids::WRITE_STATUS), &t("sending"));
    if let Some(button) = &button {
        let _ = button.set_attribute("disabled", "");
    }
    let body = Object::new();
    let _ = Reflect::set(&body, &"text".into(), &textarea.value().into());
    let path = routes::fill(routes::CASE_MESSAGES, &[&link.reference]);
    let answer = call("POST", &path, &link.token, Some(&body)).await;
    if let Some(button) = &button {
        let _ = button.remove_attribute("disabled");
    }
    match answer {
        Answer::Ok(view) => {
            textarea.set_value("");
            draw(document, &view, locale, link);
            set_text(document, &format!("#{}", ids::WRITE_STATUS), &t("sent"));
            let _ = textarea.remove_attribute("aria-invalid");
        }
        refused => {
            let message = match refused {
                Answer::Refused(429, _) => t("error.rate_limited"),
                Answer::Refused(400, body) => error_codes(&body)
                    .1
                    .and_then(|c| lookup(&format!("error.{c}")))
                    .unwrap_or_else(|| t("error.unexpected")),
                Answer::Refused(404, _) => t("not_found"),
                Answer::Unreachable => t("unreachable"),
                _ => t("error.unexpected"),
            };
            set_text(document, &format!("#{}", ids::WRITE_STATUS), "");
            if let Some(error) = &error {
                error.set_text_content(Some(&message));
            }
            let _ = textarea.set_attribute("aria-invalid", "true");
            let _ = textarea.focus();
        }
    }
}

async fn get_status(link: &Link) -> Answer {
    let path = routes::fill(routes::CASE_STATUS, &[&link.reference]);
    call("GET", &path, &link.token, None).await
}

/// A call to the edge with the case's token, answered as JSON.
async fn call(method: &str, path: &str, token: &str, body: Option<&Object>) -> Answer {
    let Some(window) = web_sys::window() else {
        return Answer::Unreachable;
    };
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().ok();
    if let Some(headers) = &headers {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
        if body.is_some() {
            let _ = headers.set("Content-Type", "application/json");
        }
        init.set_headers(headers);
    }
    if let Some(body) = body {
        if let Ok(json) = JSON::stringify(body) {
            init.set_body(&json);
        }
    }
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init(path, &init)).await else {
        return Answer::Unreachable;
    };
    let response: web_sys::Response = response.unchecked_into();
    let status = response.status();
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if response.ok() {
        Answer::Ok(json)
    } else {
        Answer::Refused(status, json)
    }
}

/// A refusal's `error.code`, and the `code` of its first field error if it has one.
fn error_codes(body: &JsValue) -> (Option<String>, Option<String>) {
    let error = Reflect::get(body, &"error".into()).unwrap_or(JsValue::NULL);
    // Only validation errors have `fields` (and `Array.from(undefined)` would throw).
    let field = Reflect::get(&error, &"fields".into())
        .ok()
        .and_then(|fields| fields.dyn_into::<js_sys::Array>().ok())
        .and_then(|fields| text_of(&fields.get(0), "code"));
    (text_of(&error, "code"), field)
}

/// The page's words in `locale`, served beside it.
async fn load_catalog(locale: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url = format!("text/{locale}.json");
    if let Ok(response) = JsFuture::from(window.fetch_with_str(&url)).await {
        let response: web_sys::Response = response.unchecked_into();
        if let Ok(promise) = response.json() {
            if let Ok(catalog) = JsFuture::from(promise).await {
                CATALOG.with(|c| *c.borrow_mut() = catalog);
            }
        }
    }
}

fn lookup(key: &str) -> Option<String> {
    CATALOG.with(|c| text_of(&c.borrow(), key))
}

/// The text for `key` (the key itself if the catalog could not be fetched).
fn t(key: &str) -> String {
    lookup(key).unwrap_or_else(|| key.to_owned())
}

/// `key`'s text with `value` in its `{}`.
fn with(key: &str, value: &str) -> String {
    let text = t(key);
    match text.split_once("{}") {
        Some((before, after)) => format!("{before}{value}{after}"),
        None => text,
    }
}

/// The array at `key` of a view (empty when absent: the edge leaves empty lists out).
fn list_of(object: &JsValue, key: &str) -> js_sys::Array {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|list| list.dyn_into::<js_sys::Array>().ok())
        .unwrap_or_default()
}

fn text_of(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &key.into()).ok()?.as_string()
}

fn by_id(document: &Document, id: &str) -> Option<Element> {
    document.get_element_by_id(id)
}

fn set_text(document: &Document, selector: &str, text: &str) {
    if let Some(element) = document.query_selector(selector).ok().flatten() {
        element.set_text_content(Some(text));
    }
}

fn summary_error(document: &Document, message: &str) {
    if let Some(summary) = by_id(document, ids::SUMMARY) {
        summary.set_text_content(None);
        if let Some(p) = add(document, &summary, "p", message) {
            p.set_class_name("error");
            let _ = p.set_attribute("role", "alert");
        }
    }
}

/// Appends a `tag` holding `text` (as text) to `parent`.
fn add(document: &Document, parent: &Element, tag: &str, text: &str) -> Option<Element> {
    let element = document.create_element(tag).ok()?;
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    parent.append_child(&element).ok()?;
    Some(element)
}

/// An RFC 3339 instant as the shopper reads it: their language, their time zone.
fn local_time(rfc3339: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale, &options).into()
}
