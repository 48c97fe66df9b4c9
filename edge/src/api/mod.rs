//! The HTTP handlers: each reads the request, calls `redress_shared` for every rule,
//! calls `db`, and answers.

pub mod agent;
pub mod agent_auth;
pub mod complaints;
pub mod dispute_bundle;
pub mod evidence_upload;
pub mod saved_replies;
pub mod shopper_status;
pub mod stores;

use redress_shared::service_level;
use redress_shared::workflow::WorkState;
use redress_shared::{ApiError, ErrorCode};
use worker::D1Database;

/// `to` with its service-level due times settled for a change from `from` made at `at`,
/// on the store's targets and calendar (`shared::service_level`).
pub(crate) async fn settle_clocks(
    db: &D1Database,
    store_id: &str,
    (from, to): (&WorkState, WorkState),
    at: &str,
) -> Result<WorkState, ApiError> {
    if !service_level::moves_clocks(from, &to) {
        return Ok(to);
    }
    let store = crate::db::stores::load(db, store_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "No such store."))?;
    let zone = crate::clock::IntlZone::of_store(&store.config);
    let at_ms = redress_shared::time::parse_rfc3339(at).unwrap_or_else(crate::clock::now_ms);
    Ok(store.config.service_levels(&zone).settle(from, to, at_ms))
}
