//! D1 reads and writes for the agent API. Every statement is scoped to the agent's
//! store: a case of another store is indistinguishable from one that does not exist.

use redress_shared::agent_api::{
    CaseDetail, CasePage, CaseQuery, CaseSort, CaseSummary, Cursor, DeliveryRecord, EventKind,
    TimelineEvent,
};
use redress_shared::complaint::Resolution;
use redress_shared::trends::{TrendBucket, TrendDimension, TrendPoint};
use redress_shared::workflow::{is_open, next_statuses};
use redress_shared::{ApiError, CaseStatus, ErrorCode};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{query, D1Database, D1PreparedStatement};

use crate::storage::{self, unavailable};

/// A page of the store's cases, filtered and in a stable order.
pub async fn list(
    db: &D1Database,
    store_id: &str,
    q: &CaseQuery,
    now: &str,
) -> Result<CasePage, ApiError> {
    let mut sql = String::from(
        "SELECT id, reference, status, category, sub_reason, priority, lang, product_id,
                order_number, email, substr(description, 1, 280) AS excerpt, created_at,
                respond_by, assignee
         FROM cases WHERE store_id = ?1",
    );
    let mut args: Vec<JsValue> = vec![store_id.into()];
    let mut bind = |sql: &mut String, clause: &str, value: &str| {
        args.push(value.into());
        *sql += &clause.replace('?', &format!("?{}", args.len()));
    };
    if !q.statuses.is_empty() {
        let codes: Vec<String> = q
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect();
        sql += &format!(" AND status IN ({})", codes.join(", "));
    }
    if let Some(category) = q.category {
        bind(&mut sql, " AND category = ?", category.code());
    }
    if let Some(priority) = q.priority {
        bind(&mut sql, " AND priority = ?", priority.code());
    }
    if let Some(lang) = &q.lang {
        bind(&mut sql, " AND lang = ?", lang);
    }
    if let Some(overdue) = q.overdue {
        let open = "status IN ('new', 'in_progress', 'waiting_for_shopper')";
        let clause = if overdue {
            format!(" AND {open} AND respond_by < ?")
        } else {
            format!(" AND NOT ({open} AND respond_by < ?)")
        };
        bind(&mut sql, &clause, now);
    }
    if let Some(text) = &q.text {
        // Words anywhere in the description; identifiers exactly.
        let pattern = format!("%{}%", escape_like(text));
        bind(&mut sql, " AND (description LIKE ? ESCAPE '\\'", &pattern);
        bind(&mut sql, " OR reference = ?", text);
        bind(&mut sql, " OR order_number = ?", text);
        bind(&mut sql, " OR email = ?)", text);
    }
    if let Some(from) = &q.from {
        bind(&mut sql, " AND created_at >= ?", from);
    }
    if let Some(to) = &q.to {
        bind(&mut sql, " AND created_at < ?", to);
    }
    if let Some(product) = &q.product {
        bind(&mut sql, " AND product_id = ?", product);
    }
    let column = q.sort.column();
    let (after, order) = match q.sort {
        CaseSort::Deadline => (">", "ASC"),
        CaseSort::Newest => ("<", "DESC"),
    };
    if let Some(cursor) = &q.after {
        bind(
            &mut sql,
            &format!(" AND ({column}, id) {after} (?"),
            &cursor.key,
        );
        bind(&mut sql, ", ?)", &cursor.id);
    }
    sql += &format!(
        " ORDER BY {column} {order}, id {order} LIMIT {}",
        q.limit + 1
    );

    let rows = db
        .prepare(sql)
        .bind(&args)
        .map_err(unavailable)?
        .all()
        .await
        .map_err(unavailable)?
        .results::<CaseSummary>()
        .map_err(unavailable)?;
    let mut cases: Vec<CaseSummary> = rows
        .into_iter()
        .map(|mut c| {
            c.overdue = is_open(c.status) && c.respond_by.as_str() < now;
            c
        })
        .collect();
    let next_cursor = if cases.len() > q.limit as usize {
        cases.truncate(q.limit as usize);
        cases.last().map(|last| {
            let key = match q.sort {
                CaseSort::Deadline => &last.respond_by,
                CaseSort::Newest => &last.created_at,
            };
            Cursor {
                key: key.clone(),
                id: last.id.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    Ok(CasePage { cases, next_cursor })
}

/// `%`, `_` and the escape character itself match literally.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Where the agents' work on a case stands.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkState {
    pub status: CaseStatus,
    pub assignee: Option<String>,
    pub resolution_taken: Option<Resolution>,
    pub respond_by: String,
    pub last_write: Option<String>,
}

pub async fn work_state(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
) -> Result<Option<WorkState>, ApiError> {
    work_state_statement(db, store_id, case_id)?
        .first(None)
        .await
        .map_err(unavailable)
}

fn work_state_statement(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
) -> Result<D1PreparedStatement, ApiError> {
    query!(
        db,
        "SELECT status, assignee, resolution_taken, respond_by, last_write FROM cases
         WHERE id = ?1 AND store_id = ?2",
        case_id,
        store_id
    )
    .map_err(unavailable)
}

/// The case with its work state, deliveries and timeline.
pub async fn detail(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    now: &str,
) -> Result<Option<CaseDetail>, ApiError> {
    let results = db
        .batch(vec![
            work_state_statement(db, store_id, case_id)?,
            query!(
                db,
                "SELECT event, channel, state, attempts, last_error, updated_at FROM deliveries
                 WHERE case_id = ?1 ORDER BY updated_at",
                case_id
            )
            .map_err(unavailable)?,
            timeline_statement(db, case_id, false)?,
        ])
        .await
        .map_err(unavailable)?;
    let rows = |i: usize| storage::batch_result(&results, i);
    let Some(work) = rows(0)?
        .results::<WorkState>()
        .map_err(unavailable)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let deliveries = rows(1)?.results::<DeliveryRecord>().map_err(unavailable)?;
    let timeline = timeline_from_rows(rows(2)?.results().map_err(unavailable)?)?;
    let case = storage::load_case(db, case_id)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| unavailable("the case vanished while being read".into()))?;
    Ok(Some(CaseDetail {
        case,
        overdue: is_open(work.status) && work.respond_by.as_str() < now,
        next_statuses: next_statuses(work.status).to_vec(),
        assignee: work.assignee,
        resolution_taken: work.resolution_taken,
        deliveries,
        timeline,
    }))
}

/// A case's timeline, oldest first; `only_public`: what the shopper may see.
pub async fn timeline(
    db: &D1Database,
    case_id: &str,
    only_public: bool,
) -> Result<Vec<TimelineEvent>, ApiError> {
    let rows = timeline_statement(db, case_id, only_public)?
        .all()
        .await
        .map_err(unavailable)?
        .results()
        .map_err(unavailable)?;
    timeline_from_rows(rows)
}

fn timeline_statement(
    db: &D1Database,
    case_id: &str,
    only_public: bool,
) -> Result<D1PreparedStatement, ApiError> {
    query!(
        db,
        "SELECT at, actor, kind, value, public FROM case_events
         WHERE case_id = ?1 AND (?2 = 0 OR public = 1) ORDER BY seq",
        case_id,
        u8::from(only_public)
    )
    .map_err(unavailable)
}

/// `case_events` rows as timeline events.
fn timeline_from_rows(rows: Vec<serde_json::Value>) -> Result<Vec<TimelineEvent>, ApiError> {
    rows.into_iter()
        .map(|mut event| {
            // SQLite has no booleans: `public` is stored as 0 or 1.
            event["public"] = serde_json::Value::Bool(event["public"].as_f64() == Some(1.0));
            serde_json::from_value::<TimelineEvent>(event)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// What a change did, as timeline events: each kind with its value.
pub type Events = Vec<(EventKind, Option<String>)>;

/// One agent change: the new work state and the events that describe it.
pub struct Change<'a> {
    pub store_id: &'a str,
    pub case_id: &'a str,
    pub actor: &'a str,
    pub at: &'a str,
    /// A fresh random id for this write.
    pub write_id: &'a str,
    pub events: Events,
}

/// Applies `to` if the case is still as `from` was read, with its events, in one
/// transaction. `false`: someone else changed the case first; nothing was written.
pub async fn apply(
    db: &D1Database,
    change: &Change<'_>,
    from: &WorkState,
    to: &WorkState,
) -> Result<bool, ApiError> {
    let mut statements = vec![query!(
        db,
        "UPDATE cases SET status = ?3, assignee = ?4, resolution_taken = ?5, last_write = ?6
         WHERE id = ?1 AND store_id = ?2 AND status = ?7 AND IFNULL(last_write, '') = ?8",
        change.case_id,
        change.store_id,
        to.status.code(),
        to.assignee.as_deref(),
        to.resolution_taken.map(Resolution::code),
        change.write_id,
        from.status.code(),
        from.last_write.as_deref().unwrap_or("")
    )
    .map_err(unavailable)?];
    for (kind, value) in &change.events {
        // Recorded only if this very write was applied.
        statements.push(
            query!(
                db,
                "INSERT INTO case_events (case_id, at, actor, kind, value, public)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 FROM cases WHERE id = ?1 AND last_write = ?7",
                change.case_id,
                change.at,
                change.actor,
                kind.code(),
                value.as_deref(),
                u8::from(kind.is_public()),
                change.write_id
            )
            .map_err(unavailable)?,
        );
    }
    db.batch(statements).await.map_err(unavailable)?;
    let now = work_state(db, change.store_id, change.case_id).await?;
    Ok(now.and_then(|s| s.last_write).as_deref() == Some(change.write_id))
}

/// Appends a note or a reply. `false` if the store has no such case.
pub async fn add_message(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    actor: &str,
    at: &str,
    kind: EventKind,
    text: &str,
) -> Result<bool, ApiError> {
    let inserted: Option<serde_json::Value> = query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public)
         SELECT id, ?3, ?4, ?5, ?6, ?7 FROM cases WHERE id = ?1 AND store_id = ?2
         RETURNING seq",
        case_id,
        store_id,
        at,
        actor,
        kind.code(),
        text,
        u8::from(kind.is_public())
    )
    .map_err(unavailable)?
    .first(None)
    .await
    .map_err(unavailable)?;
    Ok(inserted.is_some())
}

/// Where a piece of evidence is kept, and how to serve it.
#[derive(Debug, Deserialize)]
pub struct EvidenceObject {
    pub r2_key: String,
    pub content_type: String,
    pub file_name: String,
    pub size: u64,
}

pub async fn evidence_object(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    position: u32,
) -> Result<Option<EvidenceObject>, ApiError> {
    query!(
        db,
        "SELECT e.r2_key, e.content_type, e.file_name, e.size
         FROM evidence e JOIN cases c ON c.id = e.case_id
         WHERE e.case_id = ?1 AND e.position = ?2 AND c.store_id = ?3",
        case_id,
        position,
        store_id
    )
    .map_err(unavailable)?
    .first(None)
    .await
    .map_err(unavailable)
}

/// Complaints per period and key over `[from, to)`.
pub async fn trends(
    db: &D1Database,
    store_id: &str,
    by: TrendDimension,
    bucket: TrendBucket,
    from: &str,
    to: &str,
) -> Result<Vec<TrendPoint>, ApiError> {
    let period = match bucket {
        TrendBucket::Day => "substr(created_at, 1, 10)",
        // The Monday on or before the day.
        TrendBucket::Week => "date(substr(created_at, 1, 10), '-6 days', 'weekday 1')",
    };
    let sql = format!(
        "SELECT {period} AS period, {key} AS key, COUNT(*) AS count FROM cases
         WHERE store_id = ?1 AND created_at >= ?2 AND created_at < ?3
         GROUP BY period, key ORDER BY period, key",
        key = by.column()
    );
    db.prepare(sql)
        .bind(&[store_id.into(), from.into(), to.into()])
        .map_err(unavailable)?
        .all()
        .await
        .map_err(unavailable)?
        .results::<TrendPoint>()
        .map_err(unavailable)
}
