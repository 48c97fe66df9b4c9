//! `cases` (with their `evidence` rows): filing, the outbox, escalation, and the
//! shopper's view.

use redress_shared::deadline;
use redress_shared::delivery::NotifyState;
use redress_shared::intake::StoredUpload;
use redress_shared::rating::Rating;
use redress_shared::service_level::{self, Target};
use redress_shared::store::StoreRow;
use redress_shared::timeline::{actor, EventKind};
use redress_shared::workflow::Events;
use redress_shared::{ApiError, Case, CaseId, CaseReceipt, CaseReference, CaseStatus, ErrorCode};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::d1::serde_wasm_bindgen;
use worker::{query, D1Database, D1Result};

use super::stores::{self, Store};
use super::{events, parameters, unavailable, uploads, Result, Statement};

/// What the edge needs to know before it stores a case: the store (if it exists) and
/// how many complaints from this email or about this order it had since `since`. One
/// D1 round trip.
pub struct SubmitContext {
    pub store: Option<Store>,
    pub recent_complaints: u32,
}

pub async fn submit_context(
    db: &D1Database,
    store_id: &str,
    email: &str,
    order_number: &str,
    since: &str,
) -> Result<SubmitContext> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let results = super::batch(
        db,
        vec![
            stores::select(db, store_id),
            query!(
                db,
                "SELECT COUNT(*) AS n FROM cases
                 WHERE store_id = ?1 AND (email = ?2 OR order_number = ?3) AND created_at >= ?4",
                store_id,
                email,
                order_number,
                since
            ),
        ],
    )
    .await?;
    let store = super::rows::<StoreRow>(&results, 0)?
        .into_iter()
        .next()
        .map(Store::from);
    let recent_complaints = super::rows::<Count>(&results, 1)?
        .first()
        .map_or(0, |c| c.n);
    Ok(SubmitContext {
        store,
        recent_complaints,
    })
}

/// An idempotency key's first use: the case it created, and what that request said.
pub struct FirstUse {
    pub receipt: CaseReceipt,
    pub fingerprint: Option<String>,
}

/// The case a store created under this idempotency key since `since` (older keys are
/// forgotten).
pub async fn first_use_of_key(
    db: &D1Database,
    store_id: &str,
    key: &str,
    since: &str,
) -> Result<Option<FirstUse>> {
    #[derive(Deserialize)]
    struct Row {
        id: CaseId,
        reference: CaseReference,
        status: CaseStatus,
        created_at: String,
        respond_by: String,
        idempotency_fingerprint: Option<String>,
    }
    let row: Option<Row> = super::first(query!(
        db,
        "SELECT id, reference, status, created_at, respond_by, idempotency_fingerprint
         FROM cases WHERE store_id = ?1 AND idempotency_key = ?2 AND created_at >= ?3",
        store_id,
        key,
        since
    ))
    .await?;
    Ok(row.map(|r| FirstUse {
        receipt: CaseReceipt {
            id: r.id,
            reference: r.reference,
            status: r.status,
            created_at: r.created_at,
            respond_by: r.respond_by,
            status_token: None,
        },
        fingerprint: r.idempotency_fingerprint,
    }))
}

/// An idempotency key to store with a case: the key, the request's fingerprint, and
/// the instant before which an earlier use of the key is forgotten.
pub struct KeyUse<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub forget_before: &'a str,
}

/// Why storing a case did not happen.
pub enum InsertError {
    /// Another request claimed one of the uploads, or used the idempotency key, first.
    Conflict,
    Storage(ApiError),
}

/// Writes the case, its evidence rows and its first event in one transaction.
pub async fn insert(
    db: &D1Database,
    case: &Case,
    uploads: &[StoredUpload],
    key_use: Option<&KeyUse<'_>>,
) -> std::result::Result<(), InsertError> {
    let mut statements: Vec<Statement> = Vec::with_capacity(uploads.len() + 3);
    if let Some(used) = key_use {
        // A key older than its 24 hours is free again: its first case lets go of it.
        statements.push(query!(
            db,
            "UPDATE cases SET idempotency_key = NULL
             WHERE store_id = ?1 AND idempotency_key = ?2 AND created_at < ?3",
            case.details.store_id,
            used.key,
            used.forget_before
        ));
    }
    let mut args = case_values(case)
        .map_err(|e| InsertError::Storage(unavailable(e)))?
        .to_vec();
    // D1 takes no `undefined`: an absent key is NULL.
    args.push(key_use.map_or(JsValue::NULL, |k| k.key.into()));
    args.push(key_use.map_or(JsValue::NULL, |k| k.fingerprint.into()));
    statements.push(
        db.prepare(format!(
            "INSERT INTO cases ({}, idempotency_key, idempotency_fingerprint) VALUES ({})",
            Case::COLUMNS.join(", "),
            parameters(1, args.len())
        ))
        .bind(&args),
    );
    // In the order given: each statement of the batch sees the ones before it.
    for upload in uploads {
        statements.push(evidence_statement(db, case.id.as_str(), upload));
    }
    statements.push(events::append(
        db,
        case.id.as_str(),
        &case.created_at,
        actor::SHOPPER,
        EventKind::Created,
        None,
    ));
    let statements = statements
        .into_iter()
        .collect::<worker::Result<Vec<_>>>()
        .map_err(|e| InsertError::Storage(unavailable(e)))?;
    match db.batch(statements).await {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("UNIQUE constraint failed") => Err(InsertError::Conflict),
        Err(e) => Err(InsertError::Storage(unavailable(e))),
    }
}

/// Adds a file the shopper sent later (attached to a reply by email) to a case: its
/// upload, its evidence row after the others, and its timeline entry (announced as
/// `case.evidence_added`), in one transaction.
pub async fn add_evidence(db: &D1Database, case_id: &str, upload: &StoredUpload) -> Result<()> {
    super::batch(
        db,
        vec![
            uploads::insert_statement(db, upload),
            evidence_statement(db, case_id, upload),
            events::append(
                db,
                case_id,
                &upload.created_at,
                actor::SHOPPER,
                EventKind::EvidenceAdded,
                Some(&upload.file_name),
            ),
        ],
    )
    .await?;
    Ok(())
}

/// The statement that makes an upload the case's next piece of evidence.
fn evidence_statement(db: &D1Database, case_id: &str, upload: &StoredUpload) -> Statement {
    query!(
        db,
        "INSERT INTO evidence (case_id, position, upload_token, r2_key, kind, content_type, size,
                               sha256, file_name)
         SELECT ?1, COALESCE(MAX(position) + 1, 0), ?2, ?3, ?4, ?5, ?6, ?7, ?8
         FROM evidence WHERE case_id = ?1",
        case_id,
        upload.token,
        upload.r2_key,
        upload.kind,
        upload.content_type,
        upload.size,
        upload.sha256,
        upload.file_name
    )
}

/// The case's values in `Case::COLUMNS` order. Every field is named, so a new one
/// fails to compile here until it is stored (or its omission is written down).
#[deny(unused_variables)]
fn case_values(case: &Case) -> worker::Result<[JsValue; Case::COLUMNS.len()]> {
    let Case {
        id,
        reference,
        status,
        details,
        classification,
        evidence: _,
        created_at,
        respond_by,
        resolve_by,
        country,
    } = case;
    let redress_shared::ComplaintDetails {
        store_id,
        order_number,
        email,
        product_id,
        product_url,
        description,
        resolution,
        locale,
        shopper_category,
        order_value,
    } = details;
    let redress_shared::categorize::Classification { assessment, lang } = classification;
    let redress_shared::categorize::Assessment {
        category,
        sub_reason,
        priority,
        safety,
        signals,
        cue_language: _,
    } = assessment;
    let signals =
        serde_json::to_string(signals).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    macro_rules! js {
        ($value:expr) => {
            serde::Serialize::serialize($value, &serializer)
                .map_err(|e| worker::Error::RustError(e.to_string()))?
        };
    }
    Ok([
        js!(id),
        js!(reference),
        js!(status),
        js!(store_id),
        js!(order_number),
        js!(email),
        js!(product_id),
        js!(product_url),
        js!(description),
        js!(resolution),
        js!(locale),
        js!(shopper_category),
        js!(order_value),
        js!(category),
        js!(sub_reason),
        js!(priority),
        // SQLite has no booleans.
        js!(&u8::from(*safety)),
        js!(&signals),
        js!(lang),
        js!(created_at),
        js!(respond_by),
        js!(resolve_by),
        js!(country),
    ])
}

/// A stored case with its evidence, as notifications carry it.
pub async fn load(db: &D1Database, case_id: &str) -> Result<Option<Case>> {
    let results = super::batch(db, select(db, case_id).into()).await?;
    from_rows(case_id, &results, 0)
}

/// The two statements that read a case and its evidence, for callers that batch them
/// with others; [`from_rows`] reads their results.
pub fn select(db: &D1Database, case_id: &str) -> [Statement; 2] {
    [
        db.prepare(format!(
            "SELECT {} FROM cases WHERE id = ?1",
            Case::COLUMNS.join(", ")
        ))
        .bind(&[case_id.into()]),
        query!(
            db,
            "SELECT kind, content_type, size, sha256, file_name FROM evidence
             WHERE case_id = ?1 ORDER BY position",
            case_id
        ),
    ]
}

/// The case whose [`select`] results start at `first` in a batch's results.
pub fn from_rows(case_id: &str, results: &[D1Result], first: usize) -> Result<Option<Case>> {
    let Some(mut row) = super::rows::<serde_json::Value>(results, first)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let evidence = super::rows::<serde_json::Value>(results, first + 1)?;
    // The columns are the case's own field names; two are stored in SQL's own types.
    let signals = row["signals"].as_str().unwrap_or("[]").to_owned();
    row["signals"] = serde_json::from_str(&signals).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("stored case {case_id} has unreadable signals: {e}"),
        )
    })?;
    row["safety"] = serde_json::Value::Bool(row["safety"].as_f64().unwrap_or(0.0) != 0.0);
    row["evidence"] = serde_json::Value::Array(evidence);
    serde_json::from_value(row).map(Some).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("stored case {case_id} unreadable: {e}"),
        )
    })
}

/// Notes that the case's notification is on the queue (best effort: the sweep covers a
/// failure here too).
pub async fn mark_enqueued(db: &D1Database, case_id: &str, at: &str) -> Result<()> {
    super::run(query!(
        db,
        "UPDATE cases SET enqueued_at = ?2 WHERE id = ?1",
        case_id,
        at
    ))
    .await
}

/// Moves a case in or out of the outbox.
pub async fn set_notify_state(db: &D1Database, case_id: &str, state: NotifyState) -> Result<()> {
    super::run(query!(
        db,
        "UPDATE cases SET notify_state = ?2 WHERE id = ?1",
        case_id,
        state
    ))
    .await
}

/// Cases still waiting for delivery that were created before `created_before` and not
/// enqueued since `enqueued_before`: their message never made it or was lost.
pub async fn stranded(
    db: &D1Database,
    created_before: &str,
    enqueued_before: &str,
    limit: u32,
) -> Result<Vec<String>> {
    ids(query!(
        db,
        "SELECT id FROM cases
         WHERE notify_state = ?4 AND created_at < ?1
           AND (enqueued_at IS NULL OR enqueued_at < ?2)
         ORDER BY created_at LIMIT ?3",
        created_before,
        enqueued_before,
        limit,
        NotifyState::Pending
    ))
    .await
}

/// Unanswered cases due before `due_before` that were not escalated yet
/// (`shared::deadline::ResponseClock::should_escalate`).
pub async fn to_escalate(db: &D1Database, due_before: &str, limit: u32) -> Result<Vec<String>> {
    ids(query!(
        db,
        &format!(
            "SELECT id FROM cases WHERE {} ORDER BY respond_by LIMIT ?2",
            deadline::sql::escalation_due("?1")
        ),
        due_before,
        limit
    ))
    .await
}

/// Cases whose `target` is missed and not yet recorded, most overdue first
/// (`shared::service_level::TargetClock::breach_due`).
pub async fn breaches_due(
    db: &D1Database,
    target: Target,
    now: &str,
    limit: u32,
) -> Result<Vec<String>> {
    ids(query!(
        db,
        &format!(
            "SELECT id FROM cases WHERE {} ORDER BY {} LIMIT ?2",
            service_level::sql::breach_due(target, "?1"),
            service_level::sql::due_column(target)
        ),
        now,
        limit
    ))
    .await
}

/// Records a missed target on the case and, only if this write recorded it (the rule
/// checked again as it is written), its timeline entry for the store's channels.
pub async fn record_breach(db: &D1Database, case_id: &str, target: Target, at: &str) -> Result<()> {
    let column = service_level::sql::breached_column(target);
    super::batch(
        db,
        vec![
            query!(
                db,
                &format!(
                    "UPDATE cases SET {column} = ?2 WHERE id = ?1 AND {}",
                    service_level::sql::breach_due(target, "?2")
                ),
                case_id,
                at
            ),
            events::append_if_breach_recorded(db, case_id, at, target),
        ],
    )
    .await?;
    Ok(())
}

/// Records the escalation on the case and its timeline.
pub async fn mark_escalated(db: &D1Database, case_id: &str, at: &str) -> Result<()> {
    super::batch(
        db,
        vec![
            query!(
                db,
                "UPDATE cases SET escalated_at = ?2 WHERE id = ?1",
                case_id,
                at
            ),
            events::append(db, case_id, at, actor::REDRESS, EventKind::Escalated, None),
        ],
    )
    .await?;
    Ok(())
}

/// What the shopper's status view reads of a case.
#[derive(Deserialize)]
pub struct ForShopper {
    pub id: String,
    pub store_id: String,
    pub reference: String,
    pub locale: String,
    pub status: CaseStatus,
    pub created_at: String,
    pub respond_by: String,
    pub first_response_at: Option<String>,
    /// The store's choice (0 or 1): whether the shopper sees agents' names.
    pub agent_names_shown: u8,
    /// When it was last resolved.
    pub resolved_at: Option<String>,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<String>,
}

impl ForShopper {
    /// The shopper's rating, once given.
    pub fn rating(&self) -> Option<Rating> {
        Some(Rating {
            score: self.rating?,
            comment: self.rating_comment.clone(),
            rated_at: self.rated_at.clone()?,
        })
    }
}

/// The case's rating, a row only once given.
pub fn rating_statement(db: &D1Database, case_id: &str) -> Statement {
    query!(
        db,
        "SELECT rating AS score, rating_comment AS comment, rated_at FROM cases
         WHERE id = ?1 AND rating IS NOT NULL",
        case_id
    )
}

/// Stores the shopper's rating with its timeline entries (written `at`), in one
/// transaction, if the case's rating is still `before` (nothing, or the score without
/// a comment); `false`: it changed meanwhile and nothing was written.
pub async fn rate(
    db: &D1Database,
    case_id: &str,
    (before, rating): (Option<&Rating>, &Rating),
    (write_id, at, events): (&str, &str, &Events),
) -> Result<bool> {
    let mut statements = vec![query!(
        db,
        "UPDATE cases SET rating = ?2, rating_comment = ?3, rated_at = ?4, last_write = ?5
         WHERE id = ?1 AND IFNULL(rated_at, '') = ?6 AND IFNULL(rating_comment, '') = ?7",
        case_id,
        rating.score,
        rating.comment.as_deref(),
        &rating.rated_at,
        write_id,
        before.map_or("", |b| b.rated_at.as_str()),
        before.and_then(|b| b.comment.as_deref()).unwrap_or("")
    )];
    for (kind, value) in events {
        statements.push(events::append_if_written(
            db,
            case_id,
            write_id,
            at,
            actor::SHOPPER,
            (*kind, value.as_deref()),
        ));
    }
    let results = super::batch(db, statements).await?;
    let changed = results
        .first()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changed > 0)
}

/// How many files a case holds, and their bytes in all: what a new file must fit beside.
pub async fn evidence_held(db: &D1Database, case_id: &str) -> Result<(usize, u64)> {
    #[derive(Deserialize)]
    struct Held {
        files: u32,
        bytes: f64,
    }
    let held: Option<Held> = super::first(query!(
        db,
        "SELECT COUNT(*) AS files, IFNULL(SUM(size), 0) AS bytes FROM evidence WHERE case_id = ?1",
        case_id
    ))
    .await?;
    Ok(held.map_or((0, 0), |h| (h.files as usize, h.bytes as u64)))
}

pub async fn for_shopper(db: &D1Database, reference: &str) -> Result<Option<ForShopper>> {
    super::first(query!(
        db,
        "SELECT c.id, c.store_id, c.reference, c.locale, c.status, c.created_at, c.respond_by,
                c.first_response_at, IFNULL(s.agent_names_shown, 0) AS agent_names_shown,
                c.resolved_at, c.rating, c.rating_comment, c.rated_at
         FROM cases c LEFT JOIN stores s ON s.id = c.store_id WHERE c.reference = ?1",
        reference
    ))
    .await
}

/// The `id` column of a query's rows.
async fn ids(statement: Statement) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let rows: Vec<Row> = super::all(statement).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
