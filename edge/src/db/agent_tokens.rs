//! `agent_tokens`: who may use the agent API, stored as SHA-256 digests only.

use serde::Deserialize;
use worker::{query, D1Database};

use super::Result;

/// An authenticated agent; every read and write is scoped to `store_id`.
#[derive(Debug, Deserialize)]
pub struct Agent {
    pub store_id: String,
    /// As shown in case timelines.
    pub agent: String,
}

/// The agent whose live token has this digest, recording the use (one round trip).
pub async fn use_token(db: &D1Database, digest: &str, at: &str) -> Result<Option<Agent>> {
    super::first(query!(
        db,
        "UPDATE agent_tokens SET last_used_at = ?2
         WHERE token_sha256 = ?1 AND revoked_at IS NULL
         RETURNING store_id, agent",
        digest,
        at
    ))
    .await
}
