//! `case_events`: each case's timeline.

use redress_shared::timeline::{EventKind, TimelineEvent};
use redress_shared::{ApiError, ErrorCode};
use worker::{query, D1Database};

use super::{Result, Statement};

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
        "INSERT INTO case_events (case_id, at, actor, kind, value, public)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        case_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public())
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
        "INSERT INTO case_events (case_id, at, actor, kind, value, public)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 FROM cases WHERE id = ?1 AND last_write = ?7",
        case_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public()),
        write_id
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
    (kind, value): (EventKind, &str),
) -> Statement {
    query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public)
         SELECT id, ?3, ?4, ?5, ?6, ?7 FROM cases WHERE id = ?1 AND store_id = ?2
         RETURNING seq",
        case_id,
        store_id,
        at,
        actor,
        kind,
        value,
        u8::from(kind.is_public())
    )
}

/// A case's timeline, oldest first; `only_public`: what the shopper may see.
pub fn timeline_statement(db: &D1Database, case_id: &str, only_public: bool) -> Statement {
    query!(
        db,
        "SELECT at, actor, kind, value, public FROM case_events
         WHERE case_id = ?1 AND (?2 = 0 OR public = 1) ORDER BY seq",
        case_id,
        u8::from(only_public)
    )
}

pub async fn timeline(
    db: &D1Database,
    case_id: &str,
    only_public: bool,
) -> Result<Vec<TimelineEvent>> {
    timeline_from_rows(super::all(timeline_statement(db, case_id, only_public)).await?)
}

/// `case_events` rows as timeline events.
pub fn timeline_from_rows(rows: Vec<serde_json::Value>) -> Result<Vec<TimelineEvent>> {
    rows.into_iter()
        .map(|mut event| {
            // SQLite has no booleans: `public` is stored as 0 or 1.
            event["public"] = serde_json::Value::Bool(event["public"].as_f64() == Some(1.0));
            serde_json::from_value::<TimelineEvent>(event)
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}
