//! `GET /v1/status/{reference}`: the shopper's view of their case, opened by the status
//! token from their receipt. A wrong token and an unknown reference answer alike, so
//! references cannot be probed.

use redress_shared::credentials::is_status_token;
use redress_shared::deadline::ResponseClock;
use redress_shared::public_status::PublicStatus;
use redress_shared::{ApiError, ErrorCode};
use worker::{Env, Request, Response};

use crate::db::{cases, events};
use crate::{bindings, http};

pub async fn handle(req: Request, env: &Env, reference: &str) -> Result<Response, ApiError> {
    let key = bindings::signing_key(env).ok_or_else(not_found)?;
    let header = http::header(&req, "Authorization");
    let token = header
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(not_found)?;
    let db = bindings::db(env)?;
    let row = cases::for_shopper(&db, reference)
        .await?
        .ok_or_else(not_found)?;
    if !is_status_token(key.as_bytes(), &row.id, token.trim()) {
        return Err(not_found());
    }
    let timeline = events::timeline(&db, &row.id, true).await?;
    let clock = ResponseClock {
        status: row.status,
        respond_by: &row.respond_by,
        first_response_at: row.first_response_at.as_deref(),
    };
    let status = PublicStatus::new(
        row.reference.clone(),
        clock,
        row.created_at.clone(),
        timeline,
    );
    let response = http::json(200, &status);
    // The view holds the store's replies to one shopper: never in a shared cache.
    let _ = response.headers().set("Cache-Control", "private, no-store");
    Ok(response)
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "No case matches this reference and status link.",
    )
}
