//! `cargo xtask agent ...`: issue, list and revoke agents' tokens. A token is shown
//! once, when issued; the database keeps its SHA-256 only.

use redress_shared::credentials::AgentToken;
use redress_shared::hex;
use redress_shared::store::is_display_name;
use serde::Deserialize;

use crate::d1::text;
use crate::{stores, Error, D1};

/// A freshly issued token. `token` is the only copy there will ever be.
#[derive(Debug)]
pub struct Issued {
    pub id: String,
    pub token: AgentToken,
}

/// A token as listed: never the token itself.
#[derive(Debug, Deserialize)]
pub struct Listed {
    pub id: String,
    pub agent: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// Issues a token that lets `agent` work `store_id`'s cases.
pub fn issue(d1: &D1, store_id: &str, agent: &str) -> Result<Issued, Error> {
    if !is_display_name(agent) {
        return Err(Error::InvalidAgentName);
    }
    if stores::load(d1, store_id)?.is_none() {
        return Err(Error::UnknownStore(store_id.to_owned()));
    }
    let id = format!("agt_{}", hex(&crate::random::<6>()));
    let token = AgentToken::from_random(crate::random());
    d1.execute(&format!(
        "INSERT INTO agent_tokens (id, store_id, agent, token_sha256, created_at)
         VALUES ({}, {}, {}, {}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        text(&id),
        text(store_id),
        text(agent),
        text(&token.digest())
    ))?;
    Ok(Issued { id, token })
}

/// The store's tokens, newest first.
pub fn list(d1: &D1, store_id: &str) -> Result<Vec<Listed>, Error> {
    d1.query(&format!(
        "SELECT id, agent, created_at, revoked_at, last_used_at FROM agent_tokens
         WHERE store_id = {} ORDER BY created_at DESC",
        text(store_id)
    ))
}

/// Revokes a token by its id; it stops working at once.
pub fn revoke(d1: &D1, token_id: &str) -> Result<(), Error> {
    #[derive(Deserialize)]
    struct Changed {
        id: String,
    }
    let changed: Vec<Changed> = d1.query(&format!(
        "UPDATE agent_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = {} AND revoked_at IS NULL RETURNING id",
        text(token_id)
    ))?;
    match changed.first() {
        Some(row) if row.id == token_id => Ok(()),
        _ => Err(Error::UnknownToken(token_id.to_owned())),
    }
}
