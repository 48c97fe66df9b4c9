//! `POST /v1/evidence`: one file per request, streamed to R2 while it is hashed.
//!
//! The body never sits whole in worker memory: the first bytes decide the type, then
//! every chunk passes through SHA-256 on its way into a fixed-length stream to R2.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::{stream, StreamExt, TryStreamExt};
use redress_shared::evidence::sanitize_file_name;
use redress_shared::{
    hex, sniff, validate_store_id, ApiError, ErrorCode, EvidenceLimits, FieldError, FieldErrorCode,
    Limits, UploadReceipt, UploadToken, SNIFF_LEN,
};
use sha2::{Digest, Sha256};
use worker::{Env, FixedLengthStream, HttpMetadata, Request, Response};

use crate::storage::{self, UploadRow};
use crate::{bindings, clock, http};

pub async fn handle(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let limits = EvidenceLimits::default();
    let store_id = header(&req, "X-Redress-Store").unwrap_or_default();
    validate_store_id(&store_id, &Limits::default()).map_err(|e| ApiError::validation(vec![e]))?;
    let declared_type = header(&req, "Content-Type").unwrap_or_default();
    let file_name = sanitize_file_name(&decode_file_name(
        &header(&req, "X-File-Name").unwrap_or_default(),
    ));
    let length = declared_length(&req)?;
    if length > limits.max_upload_bytes() {
        return Err(too_large(limits.max_upload_bytes()));
    }

    let mut body = req.stream().map_err(|_| empty_file())?;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    while head.len() < SNIFF_LEN && (head.len() as u64) < length {
        match body.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) | None => break,
        }
    }
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
    if length > limits.max_bytes_for(kind) {
        return Err(too_large(limits.max_bytes_for(kind)));
    }

    let hasher = Rc::new(RefCell::new(Sha256::new()));
    let received = Rc::new(RefCell::new(0u64));
    let observe = {
        let (hasher, received) = (hasher.clone(), received.clone());
        move |chunk: Vec<u8>| {
            hasher.borrow_mut().update(&chunk);
            *received.borrow_mut() += chunk.len() as u64;
            chunk
        }
    };
    let whole = stream::once(async move { Ok(head) })
        .chain(body)
        .map_ok(observe);

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
    let sha256 = hex(&hasher.borrow().clone().finalize());

    let row = UploadRow {
        token: token.as_str().to_owned(),
        store_id,
        r2_key: r2_key.clone(),
        kind,
        content_type: kind.mime().to_owned(),
        size: length,
        sha256: sha256.clone(),
        file_name,
        claimed_by: None,
    };
    let db = bindings::db(env)?;
    if let Err(e) = storage::insert_upload(&db, &row, &clock::now_rfc3339()).await {
        // Without its row the object would be an orphan nobody can claim: remove it now.
        let _ = bucket.delete(&r2_key).await;
        return Err(e);
    }

    Ok(http::json(
        201,
        &UploadReceipt {
            token,
            size: length,
            kind,
            content_type: kind.mime().to_owned(),
            sha256,
        },
    ))
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
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

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "Files of this type may be at most {} MB.",
            max / (1024 * 1024)
        ),
    )
}

/// The widget sends the name percent-encoded, since headers are Latin-1.
fn decode_file_name(raw: &str) -> String {
    js_sys::decode_uri_component(raw)
        .map(String::from)
        .unwrap_or_else(|_| raw.to_owned())
}
