//! Asks Cloudflare's siteverify about a complaint's Turnstile token, for a store that
//! turned Turnstile on; `shared::turnstile` judges the answer.

use redress_shared::store::StoreConfig;
use redress_shared::turnstile::{self, SiteverifyAnswer, SiteverifyRequest, TurnstileRefusal};
use redress_shared::{ApiError, ComplaintSubmission};
use worker::{Env, Request};

use crate::{bindings, http, rate_limits};

/// Passes when the store has no Turnstile, or siteverify vouches for the token on one
/// of the store's sites. A retry under the same `Idempotency-Key` may verify again.
pub async fn verify(
    env: &Env,
    req: &Request,
    store: &StoreConfig,
    submission: &ComplaintSubmission,
    idempotency_key: Option<&str>,
) -> Result<(), ApiError> {
    let Some(keys) = &store.turnstile else {
        return Ok(());
    };
    let token = turnstile::token(submission.turnstile_token.as_deref())?;
    let remoteip = rate_limits::client_address(req);
    let retry_id = idempotency_key.map(|key| turnstile::retry_id(&store.id, key));
    let question = SiteverifyRequest {
        secret: &keys.secret,
        response: token,
        remoteip: remoteip.as_deref(),
        idempotency_key: retry_id.as_deref(),
    };
    let answer = ask(&bindings::turnstile_verify_url(env), &question)
        .await
        .map_err(|e| {
            worker::console_error!("siteverify unreachable: {e}");
            TurnstileRefusal::Unreachable
        })?;
    turnstile::judge(&answer, &store.allowed_origins).map_err(ApiError::from)
}

async fn ask(url: &str, question: &SiteverifyRequest<'_>) -> Result<SiteverifyAnswer, String> {
    let body = serde_json::to_string(question).map_err(|e| e.to_string())?;
    let mut response = http::post_json(url, body, &[]).await?;
    response.json().await.map_err(|e| e.to_string())
}
