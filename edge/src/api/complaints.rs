//! `POST /v1/complaints`: validate with `shared`, claim the uploads, store the case
//! and its evidence in one transaction, then put a notification on the queue.

use redress_shared::categorize::classify;
use redress_shared::credentials;
use redress_shared::idempotency;
use redress_shared::intake::{self, Filing, StoredUpload};
use redress_shared::spam_guard;
use redress_shared::store;
use redress_shared::{
    validate, validate_file_count, ApiError, CaseId, CaseReceipt, CaseReference,
    ComplaintSubmission, ErrorCode, Limits, ValidComplaint,
};
use worker::{D1Database, Env, Request, Response};

use crate::api::stores;
use crate::db::cases::{self, FirstUse, InsertError, KeyUse};
use crate::db::uploads;
use crate::jobs::outbox;
use crate::rate_limits::{self, Limit};
use crate::{bindings, clock, http, turnstile};

/// Far above any honest complaint (5,000 characters of text and ten tokens).
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn handle(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    rate_limits::count(env, Limit::SubmissionsPerClient, rate_limits::client(&req)).await?;
    let idempotency_key = idempotency::check_key(http::header(&req, "Idempotency-Key"))
        .map_err(|e| ApiError::validation(vec![e]))?;
    let submission: ComplaintSubmission = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let fingerprint = idempotency::fingerprint(&submission);
    let now_ms = clock::now_ms();
    let keys_since = idempotency::remembered_since(now_ms);
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
    let context = cases::submit_context(
        &db,
        &details.store_id,
        &details.email,
        &details.order_number,
        &intake::repeat_window_start(now_ms),
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
        let first = cases::first_use_of_key(&db, &details.store_id, key, &keys_since).await?;
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
    intake::check_total_size(&uploads, &evidence_limits)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let classification = intake::with_edge_context(
        classify(&complaint.details.description),
        &complaint,
        &store.config,
        context.recent_complaints,
    );
    let filing = Filing {
        id: CaseId::from_random(clock::random()?),
        reference: CaseReference::from_random(clock::random()?),
        at_ms: now_ms,
        country: redress_shared::case::country_code(
            req.cf().and_then(|cf| cf.country()).as_deref(),
        ),
    };
    let zone = clock::IntlZone::of_store(&store.config);
    let case = intake::new_case(
        complaint.clone(),
        classification,
        &store.config.service_levels(&zone),
        &uploads,
        filing,
    );
    let key_use = idempotency_key.as_deref().map(|key| KeyUse {
        key,
        fingerprint: &fingerprint,
        forget_before: &keys_since,
    });
    match cases::insert(&db, &case, &uploads, key_use.as_ref()).await {
        Ok(()) => {}
        Err(InsertError::Storage(e)) => return Err(e),
        Err(InsertError::Conflict) => {
            // A concurrent request won the race: either it used our key (answer with its
            // result) or it claimed one of our files (report which).
            if let Some(key) = &idempotency_key {
                let store_id = &case.details.store_id;
                let first = cases::first_use_of_key(&db, store_id, key, &keys_since).await?;
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
        worker::console_error!(
            "enqueue failed, case left pending in the outbox: {}",
            e.message
        );
    }
    Ok(http::json(201, &receipt))
}

/// The uploads the complaint refers to, if each may be claimed (`intake::claimable_uploads`).
async fn claimable_uploads(
    db: &D1Database,
    complaint: &ValidComplaint,
) -> Result<Vec<StoredUpload>, ApiError> {
    let found = uploads::find(db, &complaint.evidence).await?;
    intake::claimable_uploads(complaint, &found, clock::now_ms()).map_err(ApiError::validation)
}

/// The first answer again, if this is the request the key was first used with.
fn replay(first: FirstUse, fingerprint: &str, env: &Env) -> Result<Response, ApiError> {
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
