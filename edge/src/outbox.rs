//! The notification outbox. A case is stored `pending` before its message is enqueued
//! and stays so until the consumer has delivered it; a scheduled sweep re-enqueues the
//! cases whose enqueue failed or whose message was lost, so no acknowledged case goes
//! unnotified.

use redress_shared::{Case, CaseNotification};
use worker::{D1Database, Env};

use crate::{bindings, clock, storage};

/// A case younger than this is left to its own message.
const GRACE_MINUTES: f64 = 2.0;
/// A message enqueued longer ago than this and still undelivered is presumed lost
/// (the queue retries failures itself within this time).
const REENQUEUE_AFTER_MINUTES: f64 = 10.0;
/// Bounded work per run; the next run takes the rest.
const SWEEP_LIMIT: u32 = 50;

/// Escalate open cases whose deadline is this close, or past.
const ESCALATE_BEFORE_DUE_MINUTES: f64 = 60.0;

/// Puts the announcement of a new case on the queue and notes when.
pub async fn enqueue(env: &Env, db: &D1Database, case: Case) -> worker::Result<()> {
    let case_id = case.id.as_str().to_owned();
    send(env, &CaseNotification::created(case)).await?;
    if let Err(e) = storage::mark_enqueued(db, &case_id, &clock::now_rfc3339()).await {
        worker::console_warn!("case {case_id} enqueued but not marked: {e}");
    }
    Ok(())
}

/// The message is the webhook's JSON text, so what a store receives is byte for byte
/// what was enqueued (and serde's `flatten` needs no JS-value mapping).
async fn send(env: &Env, notification: &CaseNotification) -> worker::Result<()> {
    let message =
        serde_json::to_string(notification).map_err(|e| worker::Error::RustError(e.to_string()))?;
    bindings::notifications(env)
        .map_err(bindings::into_worker_error)?
        .send(message)
        .await
}

/// Re-notifies the store about open cases whose deadline is near or past, once each.
pub async fn escalate(env: &Env) -> worker::Result<usize> {
    let db = bindings::db(env).map_err(bindings::into_worker_error)?;
    let due_before = clock::rfc3339_minutes_ago(-ESCALATE_BEFORE_DUE_MINUTES);
    let ids = storage::cases_to_escalate(&db, &due_before, SWEEP_LIMIT).await?;
    let mut sent = 0;
    for id in &ids {
        if let Some(case) = storage::load_case(&db, id).await? {
            send(env, &CaseNotification::escalated(case)).await?;
            storage::mark_escalated(&db, id, &clock::now_rfc3339()).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Re-enqueues stranded cases; returns how many.
pub async fn sweep(env: &Env) -> worker::Result<usize> {
    let db = bindings::db(env).map_err(bindings::into_worker_error)?;
    let ids = storage::stranded_cases(
        &db,
        &clock::rfc3339_minutes_ago(GRACE_MINUTES),
        &clock::rfc3339_minutes_ago(REENQUEUE_AFTER_MINUTES),
        SWEEP_LIMIT,
    )
    .await?;
    let mut sent = 0;
    for id in &ids {
        match storage::load_case(&db, id).await? {
            Some(case) => {
                enqueue(env, &db, case).await?;
                sent += 1;
            }
            None => worker::console_warn!("stranded case {id} vanished"),
        }
    }
    Ok(sent)
}
