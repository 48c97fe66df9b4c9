//! The scheduled cleanup of uploads no complaint claimed in time: their objects leave
//! R2, then their rows leave D1 (in that order, so a failure leaves a row to retry
//! rather than an object nobody knows about).

use redress_shared::evidence::{UPLOAD_CLEANUP_GRACE_HOURS, UPLOAD_TTL_HOURS};
use worker::Env;

use crate::{bindings, clock, storage};

/// At most this many uploads per run; the next run (a minute later) takes the rest.
const BATCH: u32 = 100;

/// Removes expired uploads; answers how many.
pub async fn run(env: &Env) -> worker::Result<usize> {
    let db = bindings::db(env).map_err(bindings::into_worker_error)?;
    let bucket = bindings::evidence(env).map_err(bindings::into_worker_error)?;
    let hours = f64::from(UPLOAD_TTL_HOURS + UPLOAD_CLEANUP_GRACE_HOURS);
    let before = clock::rfc3339_minutes_ago(hours * 60.0);
    let expired = storage::expired_uploads(&db, &before, BATCH).await?;
    let mut removed = Vec::with_capacity(expired.len());
    for upload in expired {
        match bucket.delete(&upload.r2_key).await {
            Ok(()) => removed.push(upload.token),
            Err(e) => worker::console_error!("could not delete {}: {e}", upload.r2_key),
        }
    }
    storage::delete_unclaimed_uploads(&db, &removed).await?;
    Ok(removed.len())
}
