//! Who is calling the agent API: a bearer token, looked up by its SHA-256, names one
//! agent of one store. Every use is recorded on the token.

use redress_shared::credentials::AgentToken;
use redress_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use worker::{query, D1Database, Env, Request};

use crate::clock;
use crate::rate_limits::{self, Limit};
use crate::storage::unavailable;

/// An authenticated agent; every read and write is scoped to `store_id`.
#[derive(Debug, Deserialize)]
pub struct Agent {
    pub store_id: String,
    /// As shown in case timelines.
    pub agent: String,
}

/// The agent behind the request's token. Refusals are counted per client, and a client
/// past its allowance is answered 429 instead of 401 (see `rate_limits`).
pub async fn authenticate(req: &Request, env: &Env, db: &D1Database) -> Result<Agent, ApiError> {
    match find_agent(req, db).await? {
        Some(agent) => Ok(agent),
        None => {
            let client = rate_limits::client(req);
            rate_limits::count(env, Limit::AgentAuthFailuresPerClient, client).await?;
            Err(refused())
        }
    }
}

async fn find_agent(req: &Request, db: &D1Database) -> Result<Option<Agent>, ApiError> {
    let header = req.headers().get("Authorization").ok().flatten();
    let Some(token) = header.as_deref().and_then(AgentToken::from_bearer) else {
        return Ok(None);
    };
    // One round trip finds the token and records its use.
    query!(
        db,
        "UPDATE agent_tokens SET last_used_at = ?2
         WHERE token_sha256 = ?1 AND revoked_at IS NULL
         RETURNING store_id, agent",
        token.digest(),
        clock::now_rfc3339()
    )
    .map_err(unavailable)?
    .first(None)
    .await
    .map_err(unavailable)
}

fn refused() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "Send a valid agent token: Authorization: Bearer rdat_...",
    )
}
