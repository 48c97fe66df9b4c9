//! `GET /v1/status/{reference}`: the shopper's view of their case, opened by the status
//! token from their receipt. A wrong token and an unknown reference answer alike, so
//! references cannot be probed.

use redress_shared::credentials::is_status_token;
use redress_shared::public_status::PublicStatus;
use redress_shared::{ApiError, CaseStatus, ErrorCode};
use serde::Deserialize;
use worker::{query, Env, Request, Response};

use crate::storage::unavailable;
use crate::{bindings, http};

pub async fn handle(req: Request, env: &Env, reference: &str) -> Result<Response, ApiError> {
    let key = bindings::signing_key(env).ok_or_else(not_found)?;
    let header = req.headers().get("Authorization").ok().flatten();
    let token = header
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(not_found)?;
    let db = bindings::db(env)?;

    #[derive(Deserialize)]
    struct Row {
        id: String,
        reference: String,
        status: CaseStatus,
        created_at: String,
        respond_by: String,
    }
    let row: Row = query!(
        &db,
        "SELECT id, reference, status, created_at, respond_by FROM cases WHERE reference = ?1",
        reference
    )
    .map_err(unavailable)?
    .first(None)
    .await
    .map_err(unavailable)?
    .ok_or_else(not_found)?;
    if !is_status_token(key.as_bytes(), &row.id, token.trim()) {
        return Err(not_found());
    }
    let timeline = crate::case_queries::timeline(&db, &row.id, true).await?;
    let status = PublicStatus::new(
        row.reference,
        row.status,
        row.created_at,
        row.respond_by,
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
