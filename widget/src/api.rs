//! Calls to the edge, with the browser's own `fetch` and `JSON` (uploads, which need
//! progress, go through `XMLHttpRequest` in `uploads`): what it refused (with
//! its field errors) is kept apart from not reaching it at all. No JSON library and no
//! HTTP wrapper travel in the wasm (together ~20 KB); `shared` stays the source of
//! every rule and every field name.

use js_sys::{Array, Object, Reflect, JSON};
use redress_shared::categorize::Lexicon;
use redress_shared::{routes, ComplaintSubmission, FieldError, FieldErrorCode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::config::WidgetConfig;
use crate::text::{self, t};

/// What the widget reads of a case's receipt (`shared::CaseReceipt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    pub reference: String,
    /// RFC 3339, UTC.
    pub respond_by: String,
    /// Opens the case page; absent when the operator has not enabled it.
    pub status_token: Option<String>,
}

/// Why a call did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The edge answered with an error: its message, and the fields it refused.
    Refused {
        message: String,
        fields: Vec<FieldError>,
    },
    /// The edge could not be reached, or answered something that is not ours.
    Unreachable(String),
}

pub async fn submit(
    config: &WidgetConfig,
    submission: &ComplaintSubmission,
    idempotency_key: &str,
) -> Result<Filed, Failure> {
    let headers = [
        ("Idempotency-Key", idempotency_key),
        ("Content-Type", "application/json"),
    ];
    let body = JsValue::from(JSON::stringify(&to_js(submission)).map_err(|_| unexpected())?);
    let url = format!("{}{}", config.api_base, routes::COMPLAINTS);
    let receipt = answer(fetch("POST", &url, &headers, Some(&body)).await?).await?;
    Ok(Filed {
        reference: text_field(&receipt, "reference").ok_or_else(unexpected)?,
        respond_by: text_field(&receipt, "respond_by").ok_or_else(unexpected)?,
        status_token: text_field(&receipt, "status_token"),
    })
}

/// The form token the loader asked for (`shared::spam_guard::FormToken`, `asked` being
/// its promise), once it has come; none if it could not be had (the edge then says so).
pub async fn form_token(asked: &JsValue) -> Option<String> {
    let asked = js_sys::Promise::resolve(asked);
    let answer = JsFuture::from(asked).await.ok()?;
    text_field(&answer, "form_token")
}

/// The categorizer's cue lexicon, fetched on the first keystroke rather than shipped in
/// the wasm (see `redress_shared::categorize`).
pub async fn lexicon(config: &WidgetConfig) -> Result<Lexicon, Failure> {
    let url = format!("{}/cues.tsv", config.assets_base);
    let response = fetch("GET", &url, &[], None).await?;
    if !response.ok() {
        return Err(unexpected());
    }
    let text = settle(response.text())
        .await?
        .as_string()
        .unwrap_or_default();
    Lexicon::parse(&text).map_err(|_| unexpected())
}

/// The submission as the JSON object `shared` defines (field names from its serde shape).
fn to_js(s: &ComplaintSubmission) -> Object {
    // Every field named: a new one fails to compile here until it is sent.
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
        form_token,
        website,
        turnstile_token,
    } = s;
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    };
    let set_text = |key: &str, value: &Option<String>| {
        if let Some(value) = value {
            set(key, JsValue::from_str(value));
        }
    };
    set("store_id", store_id.as_str().into());
    set("order_number", order_number.as_str().into());
    set("email", email.as_str().into());
    set("description", description.as_str().into());
    set("resolution", resolution.as_str().into());
    let evidence: Array = evidence.iter().map(|t| JsValue::from_str(t)).collect();
    set("evidence", evidence.into());
    set_text("product_id", product_id);
    set_text("product_url", product_url);
    set_text("locale", locale);
    set_text("category", category);
    set_text("form_token", form_token);
    set_text("website", website);
    set_text("turnstile_token", turnstile_token);
    if let Some(value) = order_value {
        set("order_value", JsValue::from_f64(*value as f64));
    }
    object
}

async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&JsValue>,
) -> Result<web_sys::Response, Failure> {
    let window = web_sys::window().ok_or_else(unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let header_map = web_sys::Headers::new().map_err(|_| unreachable())?;
    for (name, value) in headers {
        header_map.set(name, value).map_err(|_| unreachable())?;
    }
    init.set_headers(&header_map);
    if let Some(body) = body {
        init.set_body(body);
    }
    settle(Ok(window.fetch_with_str_and_init(url, &init)))
        .await?
        .dyn_into()
        .map_err(|_| unreachable())
}

/// The JSON body of a success, or the edge's refusal with its field errors.
async fn answer(response: web_sys::Response) -> Result<JsValue, Failure> {
    let ok = response.ok();
    let body = settle(response.json()).await;
    if ok {
        return body;
    }
    let error = body
        .ok()
        .and_then(|b| Reflect::get(&b, &JsValue::from_str("error")).ok())
        .filter(|e| e.is_object())
        .ok_or_else(unexpected)?;
    // Only validation errors carry `fields`; the shopper reads them by code.
    let fields = Reflect::get(&error, &JsValue::from_str("fields"))
        .ok()
        .and_then(|f| f.dyn_into::<Array>().ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            let code = text_field(&f, "code")?;
            Some(FieldError::new(
                &text_field(&f, "field")?,
                FieldErrorCode::from_code(&code).unwrap_or(FieldErrorCode::InvalidFormat),
                String::new(),
            ))
        })
        .collect();
    Err(Failure::Refused {
        message: text::refusal(&text_field(&error, "code").unwrap_or_default()),
        fields: text::field_errors(fields),
    })
}

async fn settle(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, Failure> {
    JsFuture::from(promise.map_err(|_| unreachable())?)
        .await
        .map_err(|_| unreachable())
}

fn text_field(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// The shopper can act on "try again", not on a transport error's details.
fn unreachable() -> Failure {
    Failure::Unreachable(t("unreachable"))
}

fn unexpected() -> Failure {
    Failure::Unreachable(t("unexpected"))
}
