//! The store a request is for: only configured stores are served, and only from the
//! origins they allow.

use redress_shared::spam_guard;
use redress_shared::store::{self, TurnstileWidget};
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

/// The store a widget request names, read and admitted.
async fn widget_store(req: &Request, env: &Env, id: &str) -> Result<Store, ApiError> {
    validate_store_id(id, &Limits::default()).map_err(|e| ApiError::validation(vec![e]))?;
    admit(load(&bindings::db(env)?, id).await?, req)
}

/// `GET /v1/stores/{store}/widget`: what the widget needs before the shopper sends
/// anything (the store's evidence limits, whether originals may be sent, its words),
/// kept by the browser for a while (`store::WIDGET_SETTINGS_CACHE`).
pub async fn widget_settings(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let store = widget_store(&req, env, id).await?;
    let wanted = http::query_param(&req, "locale")?.unwrap_or_default();
    let mut settings = store.config.widget_settings(&wanted);
    settings.turnstile = store.config.turnstile.as_ref().map(|keys| TurnstileWidget {
        site_key: keys.site_key.clone(),
        script: bindings::turnstile_script_url(env),
    });
    let json = serde_json::to_string(&settings)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let response = http::json_text(200, widget_text::with_catalog(&json, &settings.locale));
    let _ = response
        .headers()
        .set("Cache-Control", store::WIDGET_SETTINGS_CACHE);
    Ok(response)
}

/// `GET /v1/stores/{store}/form-token`: a form token issued now (`spam_guard`).
pub async fn form_token(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    widget_store(&req, env, id).await?;
    let form_token = bindings::signing_key(env)
        .map(|key| spam_guard::form_token(key.as_bytes(), id, clock::now_unix_ms()));
    let response = http::json(200, &spam_guard::FormToken { form_token });
    let _ = response.headers().set("Cache-Control", "no-store");
    Ok(response)
}
