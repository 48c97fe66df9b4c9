//! Who is calling the agent API: a bearer token, looked up by its SHA-256, names one
//! agent of one store. Every use is recorded on the token.

use redress_shared::credentials::AgentToken;
use redress_shared::{ApiError, ErrorCode};
use worker::{D1Database, Env, Request};

use crate::db::agent_tokens::{self, Agent};
use crate::rate_limits::{self, Limit};
use crate::{bindings, clock, http};

/// The database and the agent behind the request's token: how every agent handler
/// starts.
pub async fn open(req: &Request, env: &Env) -> Result<(D1Database, Agent), ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(req, env, &db).await?;
    Ok((db, agent))
}

/// The agent behind the request's token. Refusals are counted per client, and a client
/// past its allowance is answered 429 instead of 401 (see `rate_limits`).
async fn authenticate(req: &Request, env: &Env, db: &D1Database) -> Result<Agent, ApiError> {
    let header = http::header(req, "Authorization");
    let token = header.as_deref().and_then(AgentToken::from_bearer);
    let agent = match token {
        Some(token) => agent_tokens::use_token(db, &token.digest(), &clock::now_rfc3339()).await?,
        None => None,
    };
    match agent {
        Some(agent) => Ok(agent),
        None => {
            let client = rate_limits::client(req);
            rate_limits::count(env, Limit::AgentAuthFailuresPerClient, client).await?;
            Err(ApiError::new(
                ErrorCode::Unauthorized,
                "Send a valid agent token: Authorization: Bearer rdat_...",
            ))
        }
    }
}
