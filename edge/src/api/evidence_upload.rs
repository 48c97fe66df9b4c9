//! `POST /v1/evidence`: one file per request, streamed to R2 while it is hashed.
//!
//! The body never sits whole in worker memory: the first bytes decide the type, then
//! every chunk passes through SHA-256 and the container check (`shared::evidence`:
//! the format's structure to its end marker, declared dimensions) on its way into a
//! fixed-length stream to R2. A file that fails the check is not kept.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::TryStreamExt;
use js_sys::{Reflect, Uint8Array};
use redress_shared::evidence::{sanitize_file_name, ContainerCheck, EvidenceLimits, FileRefusal};
use redress_shared::intake::StoredUpload;
use redress_shared::photo;
use redress_shared::{
    hex, sniff, validate_store_id, ApiError, ErrorCode, FieldError, FieldErrorCode, Limits,
    UploadReceipt, UploadToken, SNIFF_LEN,
};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader};
use worker::{ByteStream, Env, FixedLengthStream, HttpMetadata, Request, Response};

use crate::api::stores;
use crate::db::{self, uploads};
use crate::http::header;
use crate::rate_limits::{self, Limit};
use crate::{bindings, clock, http};

pub async fn handle(req: Request, env: &Env) -> Result<Response, ApiError> {
    rate_limits::count(env, Limit::UploadsPerClient, rate_limits::client(&req)).await?;
    let store_id = header(&req, "X-Redress-Store").unwrap_or_default();
    validate_store_id(&store_id, &Limits::default()).map_err(|e| ApiError::validation(vec![e]))?;
    let db = bindings::db(env)?;
    let store = db::stores::load(&db, &store_id).await?;
    let limits = stores::admit(store, &req)?.config.evidence;
    rate_limits::count(env, Limit::UploadsPerStore, store_id.clone()).await?;
    // An upload joins a complaint only when one claims it: no files are kept yet.
    let room = Room {
        limits,
        kept: 0,
        kept_bytes: 0,
    };
    let received = receive(&req, env, &store_id, &room).await?;
    let upload = &received.upload;
    record(env, upload, uploads::insert(&db, upload)).await?;
    Ok(http::json(
        201,
        &UploadReceipt {
            token: received.token,
            size: upload.size,
            kind: upload.kind,
            content_type: upload.content_type.clone(),
            sha256: upload.sha256.clone(),
        },
    ))
}

/// What a file must fit in: the store's limits, beside the files already kept.
pub struct Room {
    pub limits: EvidenceLimits,
    pub kept: usize,
    pub kept_bytes: u64,
}

/// A file safely in R2, whose rows are not written yet.
pub struct Received {
    pub token: UploadToken,
    pub upload: StoredUpload,
}

/// Writes a received file's rows with `write`; without them the object would be an
/// orphan nobody can find, so it is deleted at once.
pub async fn record<T>(
    env: &Env,
    upload: &StoredUpload,
    write: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let written = write.await;
    if written.is_err() {
        let _ = bindings::evidence(env)?.delete(&upload.r2_key).await;
    }
    written
}

/// Streams one file, the request's body, into R2 under `store_id`: its type judged by
/// its first bytes, its size against `room`, and its container checked to the end as
/// it passes. A file refused on the way is not kept.
pub async fn receive(
    req: &Request,
    env: &Env,
    store_id: &str,
    room: &Room,
) -> Result<Received, ApiError> {
    let limits = &room.limits;
    let declared_type = header(req, "Content-Type").unwrap_or_default();
    let file_name = sanitize_file_name(&decode_file_name(
        &header(req, "X-File-Name").unwrap_or_default(),
    ));
    let length = declared_length(req)?;
    if length > limits.max_upload_bytes() {
        return Err(FileRefusal::TooLarge {
            max_bytes: limits.max_upload_bytes(),
        }
        .into());
    }

    // Sniff the first bytes from a clone (a tee of the body), leaving the request's own
    // body unread: a refused upload is then discarded by the runtime untouched, and an
    // accepted one streams to R2 from its first byte.
    let probe = req.clone().map_err(|_| empty_file())?;
    let head = read_head(&probe.inner().body().ok_or_else(empty_file)?, length).await;
    let kind = sniff(&head).ok_or_else(|| {
        ApiError::new(
            ErrorCode::FileTypeNotAllowed,
            "Attach a photo (JPEG, PNG, WebP, GIF, HEIC), a video (MP4, MOV, WebM) or a PDF.",
        )
    })?;
    if !kind.agrees_with_declared(&declared_type) {
        return Err(ApiError::new(
            ErrorCode::FileTypeMismatch,
            format!(
                "The file is declared as {declared_type} but its content is {}.",
                kind.mime()
            ),
        ));
    }
    // A WebP photo the widget re-encoded as JPEG keeps its name, with the right ending.
    let file_name = photo::renamed(&file_name, kind.mime());
    if let Some(refusal) = limits.refusal_for(kind.mime(), length, room.kept, room.kept_bytes) {
        return Err(refusal.into());
    }

    // Every chunk passes through SHA-256 and the container check on its way to R2. The
    // put runs to its end even for a file already found broken: an aborted put leaves
    // nothing in R2, but its local simulation keeps a partial blob; the object is
    // deleted instead.
    let hasher = Rc::new(RefCell::new(Sha256::new()));
    let check = Rc::new(RefCell::new(ContainerCheck::new(kind, length)));
    let received = Rc::new(RefCell::new(0u64));
    let observe = {
        let (hasher, check, received) = (hasher.clone(), check.clone(), received.clone());
        move |chunk: Vec<u8>| {
            hasher.borrow_mut().update(&chunk);
            check.borrow_mut().feed(&chunk);
            *received.borrow_mut() += chunk.len() as u64;
            chunk
        }
    };
    let body = req.inner().body().ok_or_else(empty_file)?;
    let whole = ByteStream::from(body).map_ok(observe);

    let token = UploadToken::from_random(clock::random()?);
    let r2_key = format!("evidence/{store_id}/{}", hex(&clock::random::<16>()?));
    let bucket = bindings::evidence(env)?;
    let put = bucket
        .put(&r2_key, FixedLengthStream::wrap(whole, length))
        .http_metadata(HttpMetadata {
            content_type: Some(kind.mime().to_owned()),
            content_disposition: Some("attachment".to_owned()),
            ..Default::default()
        })
        .execute()
        .await;
    if let Err(e) = put {
        if *received.borrow() != length {
            return Err(ApiError::new(
                ErrorCode::IncompleteUpload,
                "The upload ended before the declared Content-Length; nothing was kept.",
            ));
        }
        worker::console_error!("R2 put failed: {e}");
        return Err(ApiError::new(
            ErrorCode::StorageUnavailable,
            "Storage is unavailable; nothing was saved. Please try again.",
        ));
    }
    // The whole file is in: its structure must have reached its end.
    let verdict = check.borrow().clone().finish();
    if let Err(refusal) = verdict {
        let _ = bucket.delete(&r2_key).await;
        return Err(refusal.into());
    }
    let sha256 = hex(&hasher.borrow().clone().finalize());

    Ok(Received {
        upload: StoredUpload {
            token: token.as_str().to_owned(),
            store_id: store_id.to_owned(),
            r2_key,
            kind,
            content_type: kind.mime().to_owned(),
            size: length,
            sha256,
            file_name,
            claimed_by: None,
            created_at: clock::now_rfc3339(),
        },
        token,
    })
}

/// At least [`SNIFF_LEN`] bytes from the start of the body (fewer if it is shorter);
/// the rest of that stream is cancelled.
async fn read_head(body: &ReadableStream, length: u64) -> Vec<u8> {
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut head = Vec::with_capacity(SNIFF_LEN);
    while head.len() < SNIFF_LEN && (head.len() as u64) < length {
        let Ok(step) = JsFuture::from(reader.read()).await else {
            break;
        };
        let done = Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool());
        if done != Some(false) {
            break;
        }
        if let Ok(value) = Reflect::get(&step, &"value".into()) {
            head.extend_from_slice(&Uint8Array::new(&value).to_vec());
        }
    }
    let _ = reader.cancel();
    head
}

fn declared_length(req: &Request) -> Result<u64, ApiError> {
    let length = header(req, "Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::LengthRequired,
                "Send the file with a Content-Length header.",
            )
        })?;
    if length == 0 {
        return Err(empty_file());
    }
    Ok(length)
}

fn empty_file() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "file",
        FieldErrorCode::Required,
        "The file is empty.",
    )])
}

/// The widget sends the name percent-encoded, since headers are Latin-1.
fn decode_file_name(raw: &str) -> String {
    js_sys::decode_uri_component(raw)
        .map(String::from)
        .unwrap_or_else(|_| raw.to_owned())
}
