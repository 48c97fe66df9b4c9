//! `POST /v1/complaints`: validate with `shared`, claim the uploads, store the case
//! and its evidence in one transaction, then put a notification on the queue.

use redress_shared::categorize::{classify, Classification, EdgeContext};
use redress_shared::credentials;
use redress_shared::deadline::ResponsePolicy;
use redress_shared::evidence::UPLOAD_TTL_HOURS;
use redress_shared::idempotency;
use redress_shared::spam_guard;
use redress_shared::store;
use redress_shared::{
    validate, validate_file_count, ApiError, Case, CaseId, CaseReceipt, CaseReference, CaseStatus,
    ComplaintSubmission, ErrorCode, FieldError, FieldErrorCode, Limits, ValidComplaint,
};
use worker::{Env, Request, Response};

use crate::rate_limits::{self, Limit};
use crate::storage::{self, InsertCaseError, UploadRow};
use crate::stores::{self, Store};
use crate::{bindings, clock, http, outbox, turnstile};

/// Far above any honest complaint (5,000 characters of text and ten tokens).
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Earlier complaints from the same email or about the same order within this many days
/// raise priority.
const REPEAT_WINDOW_DAYS: u32 = 7;

pub async fn handle(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    rate_limits::count(env, Limit::SubmissionsPerClient, rate_limits::client(&req)).await?;
    let idempotency_key = idempotency_key(&req)?;
    let submission: ComplaintSubmission = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let fingerprint = idempotency::fingerprint(&submission);
    let keys_since = clock::rfc3339_minutes_ago(f64::from(idempotency::KEY_TTL_HOURS) * 60.0);
    // Every field at once; the file count against the store's own limit once it is known.
    let any_store = Limits {
        max_files: store::MAX_FILES,
        ..Limits::default()
    };
    let complaint = validate(&submission, &any_store).map_err(ApiError::validation)?;
    let store_id = complaint.details.store_id.clone();
    rate_limits::count(env, Limit::SubmissionsPerStore, store_id).await?;
    let db = bindings::db(env)?;
    let details = &complaint.details;
    let since = clock::rfc3339_days_ago(REPEAT_WINDOW_DAYS);
    let context = storage::submit_context(
        &db,
        &details.store_id,
        &details.email,
        &details.order_number,
        &since,
    )
    .await?;
    let store = stores::admit(context.store, &req)?;
    if let Some(key) = bindings::signing_key(env) {
        spam_guard::check(key.as_bytes(), &submission, clock::now_unix_ms())?;
    }
    let evidence_limits = store.config.evidence;
    let store_limits = Limits {
        max_files: evidence_limits.max_files_per_complaint,
        ..Limits::default()
    };
    validate_file_count(complaint.evidence.len(), &store_limits)
        .map_err(|e| ApiError::validation(vec![e]))?;

    if let Some(key) = &idempotency_key {
        let first = storage::first_use_of_key(&db, &details.store_id, key, &keys_since).await?;
        if let Some(first) = first {
            return replay(first, &fingerprint, env);
        }
    }

    // After the replay: a Turnstile token verifies once, and a retry must still replay.
    turnstile::verify(
        env,
        &req,
        &store.config,
        &submission,
        idempotency_key.as_deref(),
    )
    .await?;
    let uploads = claimable_uploads(&db, &complaint).await?;
    let total: u64 = uploads.iter().map(|u| u.size).sum();
    if total > evidence_limits.max_total_bytes {
        return Err(ApiError::validation(vec![FieldError::new(
            "evidence",
            FieldErrorCode::OutOfRange,
            format!(
                "Attach at most {} MB in all.",
                evidence_limits.max_total_bytes / (1024 * 1024)
            ),
        )]));
    }
    let classification = classify_with_context(&complaint, &store, context.recent_complaints);
    let case = new_case(
        complaint.clone(),
        classification,
        &store.config.policy,
        &uploads,
    )?;
    let key_use = idempotency_key.as_deref().map(|key| storage::KeyUse {
        key,
        fingerprint: &fingerprint,
        forget_before: &keys_since,
    });
    match storage::insert_case(&db, &case, &uploads, key_use.as_ref()).await {
        Ok(()) => {}
        Err(InsertCaseError::Storage(e)) => return Err(e),
        Err(InsertCaseError::Conflict) => {
            // A concurrent request won the race: either it used our key (answer with its
            // result) or it claimed one of our files (report which).
            if let Some(key) = &idempotency_key {
                let store_id = &case.details.store_id;
                let first = storage::first_use_of_key(&db, store_id, key, &keys_since).await?;
                if let Some(first) = first {
                    return replay(first, &fingerprint, env);
                }
            }
            claimable_uploads(&db, &complaint).await?;
            return Err(ApiError::new(
                ErrorCode::StorageUnavailable,
                "The case could not be stored; nothing was saved. Please try again.",
            ));
        }
    }

    // The case is stored and stays 'pending' in the outbox until delivered, so a failed
    // enqueue loses nothing: the scheduled sweep re-enqueues it.
    let receipt = with_status_token(case.receipt(), env);
    if let Err(e) = outbox::enqueue(env, &db, case).await {
        worker::console_error!("enqueue failed, case left pending in the outbox: {e}");
    }
    Ok(http::json(201, &receipt))
}

fn idempotency_key(req: &Request) -> Result<Option<String>, ApiError> {
    let key = req.headers().get("Idempotency-Key").ok().flatten();
    match key {
        Some(key) if key.is_empty() || key.chars().count() > idempotency::MAX_KEY_CHARS => {
            Err(ApiError::validation(vec![FieldError::new(
                "Idempotency-Key",
                FieldErrorCode::InvalidFormat,
                format!("Use 1 to {} characters.", idempotency::MAX_KEY_CHARS),
            )]))
        }
        key => Ok(key),
    }
}

/// The uploads the complaint refers to, if every one exists, belongs to this store, is
/// fresh and is not yet evidence of another case; otherwise the field errors that say
/// which not. Duplicate files (same SHA-256) are kept once.
async fn claimable_uploads(
    db: &worker::D1Database,
    complaint: &ValidComplaint,
) -> Result<Vec<UploadRow>, ApiError> {
    let found = storage::find_uploads(db, &complaint.evidence).await?;
    let fresh_since = clock::rfc3339_minutes_ago(f64::from(UPLOAD_TTL_HOURS) * 60.0);
    let mut uploads: Vec<UploadRow> = Vec::with_capacity(complaint.evidence.len());
    let mut errors = Vec::new();
    for (i, token) in complaint.evidence.iter().enumerate() {
        let usable = found.iter().find(|row| {
            row.token == token.as_str()
                && row.store_id == complaint.details.store_id
                && row.claimed_by.is_none()
                && row.created_at >= fresh_since
        });
        match usable {
            // The same bytes uploaded twice are one piece of evidence; the spare upload
            // stays unclaimed and expires.
            Some(row) if uploads.iter().any(|u| u.sha256 == row.sha256) => {}
            Some(row) => uploads.push(row.clone()),
            None => errors.push(FieldError::new(
                &format!("evidence[{i}]"),
                FieldErrorCode::UnknownEvidence,
                "This file is unknown, expired, or already attached to another case. Upload it again.",
            )),
        }
    }
    if errors.is_empty() {
        Ok(uploads)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The categorizer's verdict on the text, raised by what only the edge knows.
fn classify_with_context(
    complaint: &ValidComplaint,
    store: &Store,
    recent_complaints: u32,
) -> Classification {
    let context = EdgeContext {
        recent_complaints,
        order_value: complaint.details.order_value,
        high_value_threshold: store.config.high_value_order_minor,
    };
    let Classification { assessment, lang } = classify(&complaint.details.description);
    Classification {
        assessment: assessment.with_context(&context),
        lang,
    }
}

fn new_case(
    complaint: ValidComplaint,
    classification: Classification,
    policy: &ResponsePolicy,
    uploads: &[UploadRow],
) -> Result<Case, ApiError> {
    let created_ms = clock::now_ms();
    let respond_by = policy.deadline_ms(created_ms, classification.assessment.priority);
    Ok(Case {
        id: CaseId::from_random(clock::random()?),
        reference: CaseReference::from_random(clock::random()?),
        status: CaseStatus::New,
        details: complaint.details,
        classification,
        evidence: uploads.iter().map(UploadRow::as_case_evidence).collect(),
        created_at: clock::rfc3339(created_ms),
        respond_by: clock::rfc3339(respond_by),
    })
}

/// The first answer again, if this is the request the key was first used with.
fn replay(first: storage::FirstUse, fingerprint: &str, env: &Env) -> Result<Response, ApiError> {
    if !idempotency::is_same_request(first.fingerprint.as_deref(), fingerprint) {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was first used with a different complaint; \
             a new complaint needs a new key.",
        ));
    }
    let response = http::json(201, &with_status_token(first.receipt, env));
    let _ = response.headers().set("Idempotent-Replayed", "true");
    Ok(response)
}

/// The receipt with the shopper's status link token, derived (not stored), so a replay
/// hands back the same one.
fn with_status_token(mut receipt: CaseReceipt, env: &Env) -> CaseReceipt {
    receipt.status_token = bindings::signing_key(env)
        .map(|key| credentials::status_token(key.as_bytes(), receipt.id.as_str()));
    receipt
}
