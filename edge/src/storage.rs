//! D1 reads and writes. Every multi-row write is one `batch`, which D1 runs as a
//! transaction: a case is never stored without its evidence rows.

use redress_shared::agent_api::EventKind;
use redress_shared::store::StoreRow;
use redress_shared::{
    ApiError, Case, CaseEvidence, CaseId, CaseReceipt, CaseReference, CaseStatus, ErrorCode,
    EvidenceKind, UploadToken,
};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{query, D1Database, D1PreparedStatement};

use crate::stores::{self, Store};

/// An upload as stored, before or after a case claims it.
#[derive(Debug, Clone, Deserialize)]
pub struct UploadRow {
    pub token: String,
    pub store_id: String,
    pub r2_key: String,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub file_name: String,
    /// Set when a case already claimed this upload.
    pub claimed_by: Option<String>,
    /// When it was uploaded (RFC 3339): unclaimed uploads expire.
    pub created_at: String,
}

impl UploadRow {
    pub fn as_case_evidence(&self) -> CaseEvidence {
        CaseEvidence {
            kind: self.kind,
            content_type: self.content_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            file_name: self.file_name.clone(),
        }
    }
}

pub fn unavailable(e: worker::Error) -> ApiError {
    worker::console_error!("D1: {e}");
    ApiError::new(
        ErrorCode::StorageUnavailable,
        "Storage is unavailable; nothing was saved. Please try again.",
    )
}

pub async fn insert_upload(db: &D1Database, row: &UploadRow) -> Result<(), ApiError> {
    query!(
        db,
        "INSERT INTO uploads (token, store_id, r2_key, kind, content_type, size, sha256, file_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        row.token,
        row.store_id,
        row.r2_key,
        row.kind,
        row.content_type,
        row.size,
        row.sha256,
        row.file_name,
        row.created_at
    )
    .map_err(unavailable)?
    .run()
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// The uploads behind these tokens, whichever store they belong to.
pub async fn find_uploads(
    db: &D1Database,
    tokens: &[UploadToken],
) -> Result<Vec<UploadRow>, ApiError> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=tokens.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT u.token, u.store_id, u.r2_key, u.kind, u.content_type, u.size, u.sha256,
                u.file_name, u.created_at, e.case_id AS claimed_by
         FROM uploads u LEFT JOIN evidence e ON e.upload_token = u.token
         WHERE u.token IN ({})",
        placeholders.join(", ")
    );
    let args: Vec<JsValue> = tokens
        .iter()
        .map(|t| JsValue::from_str(t.as_str()))
        .collect();
    let result = db
        .prepare(sql)
        .bind(&args)
        .map_err(unavailable)?
        .all()
        .await
        .map_err(unavailable)?;
    result.results::<UploadRow>().map_err(unavailable)
}

/// Uploads no case claimed that were made before `before`, oldest first.
pub async fn expired_uploads(
    db: &D1Database,
    before: &str,
    limit: u32,
) -> worker::Result<Vec<UploadRow>> {
    query!(
        db,
        "SELECT u.token, u.store_id, u.r2_key, u.kind, u.content_type, u.size, u.sha256,
                u.file_name, u.created_at, NULL AS claimed_by
         FROM uploads u LEFT JOIN evidence e ON e.upload_token = u.token
         WHERE e.case_id IS NULL AND u.created_at < ?1
         ORDER BY u.created_at LIMIT ?2",
        before,
        limit
    )?
    .all()
    .await?
    .results()
}

/// Forgets these uploads, unless a case claimed one meanwhile.
pub async fn delete_unclaimed_uploads(db: &D1Database, tokens: &[String]) -> worker::Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=tokens.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "DELETE FROM uploads WHERE token IN ({})
           AND token NOT IN (SELECT upload_token FROM evidence)",
        placeholders.join(", ")
    );
    let args: Vec<JsValue> = tokens.iter().map(|t| JsValue::from_str(t)).collect();
    db.prepare(sql).bind(&args)?.run().await?;
    Ok(())
}

/// An idempotency key's first use: the case it created, and what that request said.
pub struct FirstUse {
    pub receipt: CaseReceipt,
    pub fingerprint: Option<String>,
}

/// A `cases` row as far as a key's first use goes (the receipt's own field names).
#[derive(Deserialize)]
struct FirstUseRow {
    id: CaseId,
    reference: CaseReference,
    status: CaseStatus,
    created_at: String,
    respond_by: String,
    idempotency_fingerprint: Option<String>,
}

/// The case a store created under this idempotency key since `since` (older keys are
/// forgotten).
pub async fn first_use_of_key(
    db: &D1Database,
    store_id: &str,
    key: &str,
    since: &str,
) -> Result<Option<FirstUse>, ApiError> {
    let row: Option<FirstUseRow> = query!(
        db,
        "SELECT id, reference, status, created_at, respond_by, idempotency_fingerprint
         FROM cases WHERE store_id = ?1 AND idempotency_key = ?2 AND created_at >= ?3",
        store_id,
        key,
        since
    )
    .map_err(unavailable)?
    .first(None)
    .await
    .map_err(unavailable)?;
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
pub enum InsertCaseError {
    /// Another request claimed one of the uploads, or used the idempotency key, first.
    Conflict,
    Storage(ApiError),
}

/// Writes the case and its evidence rows in one transaction.
pub async fn insert_case(
    db: &D1Database,
    case: &Case,
    uploads: &[UploadRow],
    key_use: Option<&KeyUse<'_>>,
) -> Result<(), InsertCaseError> {
    let storage = |e| InsertCaseError::Storage(unavailable(e));
    let mut statements: Vec<D1PreparedStatement> = Vec::with_capacity(uploads.len() + 2);
    if let Some(used) = key_use {
        // A key older than its 24 hours is free again: its first case lets go of it.
        statements.push(
            query!(
                db,
                "UPDATE cases SET idempotency_key = NULL
                 WHERE store_id = ?1 AND idempotency_key = ?2 AND created_at < ?3",
                case.details.store_id,
                used.key,
                used.forget_before
            )
            .map_err(storage)?,
        );
    }
    let verdict = &case.classification;
    let signals = serde_json::to_string(&verdict.assessment.signals)
        .map_err(|e| InsertCaseError::Storage(ApiError::new(ErrorCode::Internal, e.to_string())))?;
    statements.push(
        query!(
            db,
            "INSERT INTO cases (id, reference, store_id, status, order_number, email, product_id,
                                product_url, description, resolution, locale, created_at, idempotency_key,
                                category, sub_reason, priority, safety, lang, signals,
                                shopper_category, order_value, respond_by, idempotency_fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                     ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
            case.id.as_str(),
            case.reference.as_str(),
            case.details.store_id,
            case.status.code(),
            case.details.order_number,
            case.details.email,
            case.details.product_id,
            case.details.product_url,
            case.details.description,
            case.details.resolution.code(),
            case.details.locale,
            case.created_at,
            key_use.map(|k| k.key),
            verdict.assessment.category.code(),
            verdict.assessment.sub_reason.map(|s| s.code()),
            verdict.assessment.priority.code(),
            u8::from(verdict.assessment.safety),
            verdict.lang,
            signals,
            case.details.shopper_category.map(|c| c.code()),
            case.details.order_value,
            case.respond_by,
            key_use.map(|k| k.fingerprint)
        )
        .map_err(storage)?,
    );
    for (position, upload) in uploads.iter().enumerate() {
        statements.push(
            query!(
                db,
                "INSERT INTO evidence (case_id, position, upload_token, r2_key, kind, content_type, size, sha256, file_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                case.id.as_str(),
                position as u32,
                upload.token,
                upload.r2_key,
                upload.kind,
                upload.content_type,
                upload.size,
                upload.sha256,
                upload.file_name
            )
            .map_err(storage)?,
        );
    }
    statements.push(
        event(
            db,
            case.id.as_str(),
            &case.created_at,
            "shopper",
            EventKind::Created,
            None,
        )
        .map_err(storage)?,
    );
    match db.batch(statements).await {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("UNIQUE constraint failed") => {
            Err(InsertCaseError::Conflict)
        }
        Err(e) => Err(storage(e)),
    }
}

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
) -> Result<SubmitContext, ApiError> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let results = db
        .batch(vec![
            stores::select(db, store_id)?,
            query!(
                db,
                "SELECT COUNT(*) AS n FROM cases
                 WHERE store_id = ?1 AND (email = ?2 OR order_number = ?3) AND created_at >= ?4",
                store_id,
                email,
                order_number,
                since
            )
            .map_err(unavailable)?,
        ])
        .await
        .map_err(unavailable)?;
    let store = batch_result(&results, 0)?
        .results::<StoreRow>()
        .map_err(unavailable)?
        .into_iter()
        .next()
        .map(Store::from);
    let recent_complaints = batch_result(&results, 1)?
        .results::<Count>()
        .map_err(unavailable)?
        .first()
        .map_or(0, |c| c.n);
    Ok(SubmitContext {
        store,
        recent_complaints,
    })
}

/// The `i`th statement's result of a D1 batch.
pub fn batch_result(results: &[worker::D1Result], i: usize) -> Result<&worker::D1Result, ApiError> {
    results
        .get(i)
        .ok_or_else(|| unavailable("a batch result is missing".into()))
}

/// Where delivery of this case to `channel` stands: `delivered`, `failing`, `failed`, or
/// `None` before the first attempt.
pub async fn delivery_state(
    db: &D1Database,
    case_id: &str,
    event: &str,
    channel: &str,
) -> worker::Result<Option<String>> {
    query!(
        db,
        "SELECT state FROM deliveries WHERE case_id = ?1 AND event = ?2 AND channel = ?3",
        case_id,
        event,
        channel
    )?
    .first(Some("state"))
    .await
}

/// What one delivery attempt came to.
pub enum Attempt {
    Delivered,
    /// Failed; the queue will try again. `attempts` made so far, this one included.
    Failing {
        error: String,
        attempts: u32,
    },
    /// Failed for the last time: the channel is marked failed for this case.
    GaveUp(String),
}

/// Records one delivery attempt to one channel. (The case leaves the outbox only once
/// every channel is done with: the consumer decides that, see `set_notify_state`.)
pub async fn record_delivery(
    db: &D1Database,
    case_id: &str,
    event: &str,
    channel: &str,
    attempt: &Attempt,
    at: &str,
) -> worker::Result<()> {
    let (state, error) = match attempt {
        Attempt::Delivered => ("delivered", None),
        Attempt::Failing { error, .. } => ("failing", Some(error.as_str())),
        Attempt::GaveUp(e) => ("failed", Some(e.as_str())),
    };
    query!(
        db,
        "INSERT INTO deliveries (case_id, event, channel, state, attempts, last_error, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)
         ON CONFLICT (case_id, event, channel) DO UPDATE
           SET state = excluded.state, attempts = deliveries.attempts + 1,
               last_error = excluded.last_error, updated_at = excluded.updated_at",
        case_id,
        event,
        channel,
        state,
        error,
        at
    )?
    .run()
    .await?;
    Ok(())
}

/// Attempts made so far to deliver this event of the case to `channel`.
pub async fn delivery_attempts(
    db: &D1Database,
    case_id: &str,
    event: &str,
    channel: &str,
) -> worker::Result<u32> {
    let attempts: Option<u32> = query!(
        db,
        "SELECT attempts FROM deliveries WHERE case_id = ?1 AND event = ?2 AND channel = ?3",
        case_id,
        event,
        channel
    )?
    .first(Some("attempts"))
    .await?;
    Ok(attempts.unwrap_or(0))
}

/// Closes (or reopens) the outbox for a case: `pending`, `delivered`, `failed`, `no_channel`.
pub async fn set_notify_state(db: &D1Database, case_id: &str, state: &str) -> worker::Result<()> {
    query!(
        db,
        "UPDATE cases SET notify_state = ?2 WHERE id = ?1",
        case_id,
        state
    )?
    .run()
    .await?;
    Ok(())
}

/// Notes that the case's notification is on the queue (best effort: the sweep covers a
/// failure here too).
pub async fn mark_enqueued(db: &D1Database, case_id: &str, at: &str) -> worker::Result<()> {
    query!(
        db,
        "UPDATE cases SET enqueued_at = ?2 WHERE id = ?1",
        case_id,
        at
    )?
    .run()
    .await?;
    Ok(())
}

/// Cases still waiting for delivery that were created before `created_before` and not
/// enqueued since `enqueued_before`: their message never made it or was lost.
pub async fn stranded_cases(
    db: &D1Database,
    created_before: &str,
    enqueued_before: &str,
    limit: u32,
) -> worker::Result<Vec<String>> {
    case_ids(query!(
        db,
        "SELECT id FROM cases
         WHERE notify_state = 'pending' AND created_at < ?1
           AND (enqueued_at IS NULL OR enqueued_at < ?2)
         ORDER BY created_at LIMIT ?3",
        created_before,
        enqueued_before,
        limit
    )?)
    .await
}

/// The `id` column of a query's rows.
async fn case_ids(statement: D1PreparedStatement) -> worker::Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let rows = statement.all().await?.results::<Row>()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// A stored case with its evidence, as notifications carry it.
pub async fn load_case(db: &D1Database, case_id: &str) -> worker::Result<Option<Case>> {
    let row: Option<serde_json::Value> = query!(
        db,
        "SELECT id, reference, status, store_id, order_number, email, product_id, product_url,
                description, resolution, locale, created_at, category, sub_reason, priority,
                safety, lang, signals, shopper_category, order_value, respond_by
         FROM cases WHERE id = ?1",
        case_id
    )?
    .first(None)
    .await?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    let evidence = query!(
        db,
        "SELECT kind, content_type, size, sha256, file_name FROM evidence
         WHERE case_id = ?1 ORDER BY position",
        case_id
    )?
    .all()
    .await?
    .results::<serde_json::Value>()?;
    // The columns are the case's own field names; two are stored in SQL's own types.
    let signals = row["signals"].as_str().unwrap_or("[]").to_owned();
    row["signals"] =
        serde_json::from_str(&signals).map_err(|e| worker::Error::RustError(e.to_string()))?;
    row["safety"] = serde_json::Value::Bool(row["safety"].as_f64().unwrap_or(0.0) != 0.0);
    row["evidence"] = serde_json::Value::Array(evidence);
    serde_json::from_value(row)
        .map(Some)
        .map_err(|e| worker::Error::RustError(format!("stored case {case_id} unreadable: {e}")))
}

/// Open cases due before `due_before` that were not escalated yet.
pub async fn cases_to_escalate(
    db: &D1Database,
    due_before: &str,
    limit: u32,
) -> worker::Result<Vec<String>> {
    case_ids(query!(
        db,
        "SELECT id FROM cases
         WHERE escalated_at IS NULL AND respond_by != '' AND respond_by < ?1
           AND status IN ('new', 'in_progress')
         ORDER BY respond_by LIMIT ?2",
        due_before,
        limit
    )?)
    .await
}

pub async fn mark_escalated(db: &D1Database, case_id: &str, at: &str) -> worker::Result<()> {
    db.batch(vec![
        query!(
            db,
            "UPDATE cases SET escalated_at = ?2 WHERE id = ?1",
            case_id,
            at
        )?,
        event(db, case_id, at, "redress", EventKind::Escalated, None)?,
    ])
    .await?;
    Ok(())
}

/// A statement that appends an event to a case's timeline.
pub fn event(
    db: &D1Database,
    case_id: &str,
    at: &str,
    actor: &str,
    kind: EventKind,
    value: Option<&str>,
) -> worker::Result<D1PreparedStatement> {
    query!(
        db,
        "INSERT INTO case_events (case_id, at, actor, kind, value, public)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        case_id,
        at,
        actor,
        kind.code(),
        value,
        u8::from(kind.is_public())
    )
}
