//! The scheduled cleanup of uploads no complaint claimed in time: their objects leave
//! R2, then their rows leave D1 (in that order, so a failure leaves a row to retry
//! rather than an object nobody knows about).

use redress_shared::evidence::{UPLOAD_CLEANUP_GRACE_HOURS, UPLOAD_TTL_HOURS};
use redress_shared::time::{rfc3339, MS_PER_HOUR};
use redress_shared::ApiError;
use worker::Env;

use crate::db::uploads;
use crate::{bindings, clock};

/// At most this many uploads per run; the next run (a minute later) takes the rest.
const BATCH: u32 = 100;

/// Removes expired uploads; answers how many.
pub async fn run(env: &Env) -> Result<usize, ApiError> {
    let db = bindings::db(env)?;
    let bucket = bindings::evidence(env)?;
    let hours = i64::from(UPLOAD_TTL_HOURS + UPLOAD_CLEANUP_GRACE_HOURS);
    let before = rfc3339(clock::now_ms() - hours * MS_PER_HOUR);
    let expired = uploads::expired(&db, &before, BATCH).await?;
    let mut removed = Vec::with_capacity(expired.len());
    for upload in expired {
        match bucket.delete(&upload.r2_key).await {
            Ok(()) => removed.push(upload.token),
            Err(e) => worker::console_error!("could not delete {}: {e}", upload.r2_key),
        }
    }
    uploads::delete_unclaimed(&db, &removed).await?;
    Ok(removed.len())
}
