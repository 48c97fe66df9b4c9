//! The notification outbox. A case is stored `pending` before its message is enqueued
//! and stays so until the consumer has delivered it; so does every timeline entry the
//! store hears about (a reply, a status change, the shopper's message). A scheduled
//! sweep re-enqueues those whose enqueue failed or whose message was lost, so nothing
//! acknowledged goes unnotified. The escalation job re-notifies unanswered cases near
//! their deadline.

use redress_shared::deadline::ESCALATE_BEFORE_DUE_MINUTES;
use redress_shared::notification::Attached;
use redress_shared::service_level::Target;
use redress_shared::time::{rfc3339, MS_PER_MINUTE};
use redress_shared::timeline::EventKind;
use redress_shared::{ApiError, Case, CaseNotification, ErrorCode, NotificationEvent};
use worker::{D1Database, Env};

use crate::db::{agent_cases, cases, events, offers, outcomes};
use crate::{bindings, clock, db};

/// A case younger than this is left to its own message.
const GRACE_MINUTES: i64 = 2;
/// A message enqueued longer ago than this and still undelivered is presumed lost
/// (the queue retries failures itself within this time).
const REENQUEUE_AFTER_MINUTES: i64 = 10;
/// Bounded work per run; the next run takes the rest.
const SWEEP_LIMIT: u32 = 50;

/// Puts the announcement of a new case on the queue and notes when.
pub async fn enqueue(env: &Env, db: &D1Database, case: Case) -> Result<(), ApiError> {
    let case_id = case.id.as_str().to_owned();
    send(env, &CaseNotification::created(case)).await?;
    if let Err(e) = cases::mark_enqueued(db, &case_id, &clock::now_rfc3339()).await {
        worker::console_warn!("case {case_id} enqueued but not marked: {}", e.message);
    }
    Ok(())
}

/// Enqueues the announcements of a case's entries that were written but never put on
/// the queue (those the calling request just wrote). A failure leaves them to the sweep.
pub async fn announce(env: &Env, db: &D1Database, case_id: &str) {
    let result = async {
        let unsent = events::unsent_of_case(db, case_id).await?;
        if unsent.is_empty() {
            return Ok(());
        }
        let Some(case) = cases::load(db, case_id).await? else {
            return Ok(());
        };
        for entry in unsent {
            send_entry(env, db, case.clone(), entry.seq).await?;
        }
        Ok::<(), ApiError>(())
    };
    if let Err(e) = result.await {
        worker::console_warn!(
            "case {case_id}: announcing left to the sweep: {}",
            e.message
        );
    }
}

/// Enqueues the announcement of entry `seq` of `case` and notes when.
async fn send_entry(env: &Env, db: &D1Database, case: Case, seq: u64) -> Result<(), ApiError> {
    let case_id = case.id.as_str().to_owned();
    let Some(entry) = events::entry(db, &case_id, seq).await? else {
        return Ok(());
    };
    // Each entry reads only what its event carries.
    let mut attached = Attached::default();
    let resolves = NotificationEvent::announcing(entry.kind, entry.value.as_deref())
        == Some(NotificationEvent::CaseResolved);
    if resolves {
        attached.resolution_taken = agent_cases::work_state(db, &case.details.store_id, &case_id)
            .await?
            .and_then(|state| state.resolution_taken);
        attached.outcomes = outcomes::of_case(db, &case_id).await?;
    }
    let number = entry.value.as_deref().and_then(|v| v.parse::<u32>().ok());
    match number {
        Some(number) if entry.kind.names_offer() => {
            attached.offer = offers::one(db, &case_id, number).await?;
        }
        Some(number) if entry.kind == EventKind::OutcomeRecorded => {
            let recorded = outcomes::of_case(db, &case_id).await?;
            attached.outcome = recorded.into_iter().find(|o| o.number == number);
        }
        _ => {}
    }
    if entry.kind == EventKind::Rated {
        attached.rating = db::first(cases::rating_statement(db, &case_id)).await?;
    }
    let notification = CaseNotification::of_activity(case, seq, entry, attached);
    if let Some(notification) = notification {
        send(env, &notification).await?;
        events::mark_enqueued(db, &case_id, seq, &clock::now_rfc3339()).await?;
    }
    Ok(())
}

/// The message is the webhook's JSON text, so what a store receives is byte for byte
/// what was enqueued (and serde's `flatten` needs no JS-value mapping).
async fn send(env: &Env, notification: &CaseNotification) -> Result<(), ApiError> {
    let message = serde_json::to_string(notification)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    bindings::notifications(env)?
        .send(message)
        .await
        .map_err(|e| ApiError::new(ErrorCode::StorageUnavailable, e.to_string()))
}

/// Re-notifies the store about unanswered cases whose deadline is near or past, once
/// each (`shared::deadline::ResponseClock::should_escalate`).
pub async fn escalate(env: &Env) -> Result<usize, ApiError> {
    let db = bindings::db(env)?;
    let due_before =
        rfc3339(clock::now_ms() + i64::from(ESCALATE_BEFORE_DUE_MINUTES) * MS_PER_MINUTE);
    let ids = cases::to_escalate(&db, &due_before, SWEEP_LIMIT).await?;
    let mut sent = 0;
    for id in &ids {
        if let Some(case) = cases::load(&db, id).await? {
            send(env, &CaseNotification::escalated(case)).await?;
            cases::mark_escalated(&db, id, &clock::now_rfc3339()).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Records each service-level target a case missed, once, on its timeline, and
/// announces it (`case.sla_breached`); returns how many.
pub async fn record_breaches(env: &Env) -> Result<usize, ApiError> {
    let db = bindings::db(env)?;
    let now = clock::now_rfc3339();
    let mut recorded = 0;
    for target in Target::ALL {
        for id in cases::breaches_due(&db, target, &now, SWEEP_LIMIT).await? {
            cases::record_breach(&db, &id, target, &now).await?;
            announce(env, &db, &id).await;
            recorded += 1;
        }
    }
    Ok(recorded)
}

/// Records the expiry of open offers past their time, each with its timeline entry,
/// and announces it (`case.offer_expired`); returns how many.
pub async fn expire_offers(env: &Env) -> Result<usize, ApiError> {
    let db = bindings::db(env)?;
    let now = clock::now_rfc3339();
    let due = offers::due_to_expire(&db, &now, SWEEP_LIMIT).await?;
    for offer in &due {
        offers::expire(&db, offer, &now).await?;
        announce(env, &db, &offer.case_id).await;
    }
    Ok(due.len())
}

/// Re-enqueues stranded cases and timeline entries; returns how many.
pub async fn sweep(env: &Env) -> Result<usize, ApiError> {
    let db = bindings::db(env)?;
    let now = clock::now_ms();
    let (written_before, enqueued_before) = (
        rfc3339(now - GRACE_MINUTES * MS_PER_MINUTE),
        rfc3339(now - REENQUEUE_AFTER_MINUTES * MS_PER_MINUTE),
    );
    let mut sent = 0;
    for entry in events::stranded(&db, &written_before, &enqueued_before, SWEEP_LIMIT).await? {
        if let Some(case) = cases::load(&db, &entry.case_id).await? {
            send_entry(env, &db, case, entry.seq).await?;
            sent += 1;
        }
    }
    let ids = cases::stranded(&db, &written_before, &enqueued_before, SWEEP_LIMIT).await?;
    for id in &ids {
        match cases::load(&db, id).await? {
            Some(case) => {
                enqueue(env, &db, case).await?;
                sent += 1;
            }
            None => worker::console_warn!("stranded case {id} vanished"),
        }
    }
    Ok(sent)
}
