//! `agent_tokens`: who may use the agent API, stored as SHA-256 digests only.

use serde::Deserialize;
use worker::{query, D1Database};

use super::Result;

/// An authenticated agent; every read and write is scoped to `store_id`.
#[derive(Debug, Deserialize)]
pub struct Agent {
    /// The token's id (`agt_…`).
    pub id: String,
    pub store_id: String,
    /// As shown in case timelines.
    pub agent: String,
    /// The language they chose to read shoppers in, if not the store's.
    pub working_language: Option<String>,
}

/// The agent whose live token has this digest, recording the use (one round trip).
pub async fn use_token(db: &D1Database, digest: &str, at: &str) -> Result<Option<Agent>> {
    super::first(query!(
        db,
        "UPDATE agent_tokens SET last_used_at = ?2
         WHERE token_sha256 = ?1 AND revoked_at IS NULL
         RETURNING id, store_id, agent, working_language",
        digest,
        at
    ))
    .await
}

/// Sets the language the agent behind token `id` reads in (`None`: the store's).
pub async fn set_working_language(db: &D1Database, id: &str, language: Option<&str>) -> Result<()> {
    super::run(query!(
        db,
        "UPDATE agent_tokens SET working_language = ?2 WHERE id = ?1",
        id,
        language
    ))
    .await
}
