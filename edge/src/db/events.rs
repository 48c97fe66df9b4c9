//! `case_events`: each case's timeline.

use redress_shared::delivery::NotifyState;
use redress_shared::offer::OfferState;
use redress_shared::service_level::{self, Target};
use redress_shared::timeline::{actor, EventKind, TimelineEvent};
use redress_shared::translation::Original;
use redress_shared::{ApiError, ErrorCode, NotificationEvent};
use serde::Deserialize;
use worker::{query, D1Database};

use super::{Result, Statement};

/// `pending` for an entry the store's channels hear about (the outbox holds it until
/// they have), none for the rest.
fn outbox_state(kind: EventKind, value: Option<&str>) -> Option<NotifyState> {
    NotificationEvent::announcing(kind, value).map(|_| NotifyState::Pending)
}

/// A statement that appends an event to a case's timeline.
pub fn append(
    db: &D1Database,
    case_id: &str,
    at: &str,
    actor: &str,
    kind: EventKind,
    value: Option<&str>,
) -> Statement {
    query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public, notify_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        case_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public()),
        outbox_state(kind, value)
    )
}

/// Appends an event only if the case's last write is `write_id`: the change it
/// describes is the one that was applied.
pub fn append_if_written(
    db: &D1Database,
    case_id: &str,
    write_id: &str,
    at: &str,
    actor: &str,
    (kind, value): (EventKind, Option<&str>),
) -> Statement {
    query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public, notify_state)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?8 FROM cases WHERE id = ?1 AND last_write = ?7",
        case_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public()),
        write_id,
        outbox_state(kind, value)
    )
}

/// Appends an event only if offer `number` of the case moved to `state` at `at`: the
/// move it describes is the one that was made.
pub fn append_if_offer_settled(
    db: &D1Database,
    case_id: &str,
    (number, state, at): (u32, OfferState, &str),
    actor: &str,
    (kind, value): (EventKind, Option<&str>),
) -> Statement {
    query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public, notify_state)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM offers
         WHERE case_id = ?1 AND number = ?8 AND state = ?9 AND answered_at = ?2",
        case_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public()),
        outbox_state(kind, value),
        number,
        state
    )
}

/// Appends the entry of a missed `target` only if the case's breach of it was recorded
/// at `at`: by the write beside it, not an earlier one.
pub fn append_if_breach_recorded(
    db: &D1Database,
    case_id: &str,
    at: &str,
    target: Target,
) -> Statement {
    let kind = EventKind::SlaBreached;
    let value = Some(target.code());
    query!(
        db,
        &format!(
            "INSERT INTO case_events (case_id, at, actor, kind, value, public, notify_state)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM cases WHERE id = ?1 AND {} = ?2",
            service_level::sql::breached_column(target)
        ),
        case_id,
        at,
        actor::REDRESS,
        kind,
        value,
        u8::from(kind.is_public()),
        outbox_state(kind, value)
    )
}

/// A statement that appends an event to a case of `store_id`, returning its `seq`: no
/// row when the store has no such case.
pub fn append_to_store_case(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    at: &str,
    actor: &str,
    (kind, value, original): (EventKind, &str, Option<&Original>),
) -> Statement {
    query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public, notify_state,
                                  original, original_language)
         SELECT id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 FROM cases WHERE id = ?1 AND store_id = ?2
         RETURNING seq",
        case_id,
        store_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public()),
        outbox_state(kind, Some(value)),
        original.map(|o| o.text.as_str()),
        original.map(|o| o.language.as_str())
    )
}

/// What a timeline entry is read from (`timeline_from_rows`).
const TIMELINE_COLUMNS: &str = "at, actor, kind, value, public, original, original_language";

/// A case's timeline, oldest first; `only_public`: what the shopper may see.
pub fn timeline_statement(db: &D1Database, case_id: &str, only_public: bool) -> Statement {
    query!(
        db,
        format!(
            "SELECT {TIMELINE_COLUMNS} FROM case_events
             WHERE case_id = ?1 AND (?2 = 0 OR public = 1) ORDER BY seq"
        ),
        case_id,
        u8::from(only_public)
    )
}

/// `case_events` rows as timeline events.
pub fn timeline_from_rows(rows: Vec<serde_json::Value>) -> Result<Vec<TimelineEvent>> {
    #[derive(Deserialize)]
    struct Row {
        at: String,
        actor: String,
        kind: EventKind,
        value: Option<String>,
        // SQLite has no booleans: `public` is stored as 0 or 1 (and D1 answers numbers
        // as floats).
        public: f64,
        original: Option<String>,
        original_language: Option<String>,
    }
    rows.into_iter()
        .map(|row| {
            let Row {
                at,
                actor,
                kind,
                value,
                public,
                original,
                original_language,
            } = serde_json::from_value(row)?;
            Ok(TimelineEvent {
                at,
                actor,
                kind,
                value,
                public: public == 1.0,
                original: original
                    .zip(original_language)
                    .map(|(text, language)| Original { language, text }),
            })
        })
        .collect::<std::result::Result<Vec<_>, serde_json::Error>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// A timeline entry waiting in the outbox.
#[derive(Debug, Clone, Deserialize)]
pub struct PendingEntry {
    pub case_id: String,
    pub seq: u64,
}

/// A case's entries waiting in the outbox that were never put on the queue: those the
/// request that wrote them announces.
pub async fn unsent_of_case(db: &D1Database, case_id: &str) -> Result<Vec<PendingEntry>> {
    super::all(query!(
        db,
        "SELECT case_id, seq FROM case_events
         WHERE case_id = ?1 AND notify_state = ?2 AND enqueued_at IS NULL ORDER BY seq",
        case_id,
        NotifyState::Pending
    ))
    .await
}

/// Entries still waiting for delivery, written before `written_before` and not enqueued
/// since `enqueued_before`: their message never made it or was lost.
pub async fn stranded(
    db: &D1Database,
    written_before: &str,
    enqueued_before: &str,
    limit: u32,
) -> Result<Vec<PendingEntry>> {
    super::all(query!(
        db,
        "SELECT case_id, seq FROM case_events
         WHERE notify_state = ?4 AND at < ?1 AND (enqueued_at IS NULL OR enqueued_at < ?2)
         ORDER BY seq LIMIT ?3",
        written_before,
        enqueued_before,
        limit,
        NotifyState::Pending
    ))
    .await
}

/// One entry of a case's timeline.
pub async fn entry(db: &D1Database, case_id: &str, seq: u64) -> Result<Option<TimelineEvent>> {
    let rows = super::all(query!(
        db,
        format!("SELECT {TIMELINE_COLUMNS} FROM case_events WHERE case_id = ?1 AND seq = ?2"),
        case_id,
        seq
    ))
    .await?;
    Ok(timeline_from_rows(rows)?.pop())
}

pub async fn mark_enqueued(db: &D1Database, case_id: &str, seq: u64, at: &str) -> Result<()> {
    super::run(query!(
        db,
        "UPDATE case_events SET enqueued_at = ?3 WHERE case_id = ?1 AND seq = ?2",
        case_id,
        seq,
        at
    ))
    .await
}

/// Moves an entry out of the outbox once its channels are done with it.
pub async fn set_notify_state(
    db: &D1Database,
    case_id: &str,
    seq: u64,
    state: NotifyState,
) -> Result<()> {
    super::run(query!(
        db,
        "UPDATE case_events SET notify_state = ?3 WHERE case_id = ?1 AND seq = ?2",
        case_id,
        seq,
        state
    ))
    .await
}
