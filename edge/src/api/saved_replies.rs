//! The store's saved replies, for its agents: read beside Redress's starter set,
//! written, replaced and deleted (`shared::saved_reply` checks them).

use redress_shared::saved_reply::{self, SavedReplyDraft, SavedReplyList};
use redress_shared::{hex, ApiError};
use worker::{Env, Request, Response};

use crate::api::agent::not_found;
use crate::api::agent_auth::open;
use crate::db::saved_replies;
use crate::{clock, http};

/// A reply in every language a store writes fits in this.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// `GET /v1/agent/saved-replies`: the store's own, then the starter set.
pub async fn list(req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let mut replies = saved_replies::of_store(&db, &agent.store_id).await?;
    replies.extend(saved_reply::starters());
    Ok(http::json(
        200,
        &SavedReplyList {
            saved_replies: replies,
        },
    ))
}

/// `POST /v1/agent/saved-replies` (a new reply) and `PUT .../{id}` (replacing one of
/// the store's own; the starter set cannot be changed, only copied).
pub async fn put(mut req: Request, env: &Env, id: Option<&str>) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let draft: SavedReplyDraft = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let errors = draft.check();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let new_id = || clock::random::<8>().map(|bytes| format!("sr_{}", hex(&bytes)));
    let reply = draft.into_reply(match id {
        Some(id) => id.to_owned(),
        None => new_id()?,
    });
    let at = clock::now_rfc3339();
    if !saved_replies::put(&db, &agent.store_id, &reply, id.is_some(), &at).await? {
        return Err(not_found());
    }
    Ok(http::json(if id.is_some() { 200 } else { 201 }, &reply))
}

/// `DELETE /v1/agent/saved-replies/{id}`
pub async fn delete(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    if !saved_replies::delete(&db, &agent.store_id, id).await? {
        return Err(not_found());
    }
    Ok(http::json_text(200, "{}".to_owned()))
}
