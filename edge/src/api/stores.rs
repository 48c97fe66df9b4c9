//! The store a request is for: only configured stores are served, and only from the
//! origins they allow.

use redress_shared::spam_guard;
use redress_shared::store::TurnstileWidget;
use redress_shared::{validate_store_id, widget_text, ApiError, ErrorCode, Limits};
use worker::{Env, Request, Response};

use crate::db::stores::{load, Store};
use crate::{bindings, clock, http};

/// The store a widget request names, if it exists and the request's origin is allowed.
pub fn admit(store: Option<Store>, req: &Request) -> Result<Store, ApiError> {
    let store = store.ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownStore,
            "This store does not use Redress, or its id is misspelt.",
        )
    })?;
    // Browsers always send Origin on cross-origin POSTs; other clients are not a
    // storefront embedding the widget and are held back by rate limits instead.
    match http::header(req, "Origin") {
        Some(origin) if !store.config.allows_origin(&origin) => Err(ApiError::new(
            ErrorCode::OriginNotAllowed,
            "This store does not accept complaints from this website.",
        )),
        _ => Ok(store),
    }
}

/// `GET /v1/stores/{store}/widget`: what the widget needs before the shopper sends
/// anything (the store's evidence limits, whether originals may be sent).
pub async fn widget_settings(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    validate_store_id(id, &Limits::default()).map_err(|e| ApiError::validation(vec![e]))?;
    let store = admit(load(&bindings::db(env)?, id).await?, &req)?;
    let wanted = http::query_param(&req, "locale")?.unwrap_or_default();
    let mut settings = store.config.widget_settings(&wanted);
    settings.form_token = bindings::signing_key(env)
        .map(|key| spam_guard::form_token(key.as_bytes(), id, clock::now_unix_ms()));
    settings.turnstile = store.config.turnstile.as_ref().map(|keys| TurnstileWidget {
        site_key: keys.site_key.clone(),
        script: bindings::turnstile_script_url(env),
    });
    let json = serde_json::to_string(&settings)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(http::json_text(
        200,
        widget_text::with_catalog(&json, &settings.locale),
    ))
}
