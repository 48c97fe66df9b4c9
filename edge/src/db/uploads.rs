//! `uploads`: files received and not yet (or already) claimed by a case.

use redress_shared::intake::StoredUpload;
use redress_shared::UploadToken;
use wasm_bindgen::JsValue;
use worker::{query, D1Database};

use super::{parameters, Result, Statement};

/// An upload's columns, as `StoredUpload` names its fields (with `claimed_by` joined
/// from `evidence`).
const SELECT: &str = "SELECT u.token, u.store_id, u.r2_key, u.kind, u.content_type, u.size,
        u.sha256, u.file_name, u.created_at, e.case_id AS claimed_by
    FROM uploads u LEFT JOIN evidence e ON e.upload_token = u.token";

pub async fn insert(db: &D1Database, row: &StoredUpload) -> Result<()> {
    super::run(insert_statement(db, row)).await
}

/// The statement that records an upload, for a caller that batches it.
pub fn insert_statement(db: &D1Database, row: &StoredUpload) -> Statement {
    let StoredUpload {
        token,
        store_id,
        r2_key,
        kind,
        content_type,
        size,
        sha256,
        file_name,
        claimed_by: _,
        created_at,
    } = row;
    query!(
        db,
        "INSERT INTO uploads (token, store_id, r2_key, kind, content_type, size, sha256, file_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        token,
        store_id,
        r2_key,
        kind,
        content_type,
        size,
        sha256,
        file_name,
        created_at
    )
}

/// The uploads behind these tokens, whichever store they belong to.
pub async fn find(db: &D1Database, tokens: &[UploadToken]) -> Result<Vec<StoredUpload>> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT} WHERE u.token IN ({})",
        parameters(1, tokens.len())
    );
    let args: Vec<JsValue> = tokens.iter().map(|t| t.as_str().into()).collect();
    super::all(db.prepare(sql).bind(&args)).await
}

/// Uploads no case claimed that were made before `before`, oldest first.
pub async fn expired(db: &D1Database, before: &str, limit: u32) -> Result<Vec<StoredUpload>> {
    super::all(query!(
        db,
        &format!(
            "{SELECT} WHERE e.case_id IS NULL AND u.created_at < ?1 ORDER BY u.created_at LIMIT ?2"
        ),
        before,
        limit
    ))
    .await
}

/// Forgets these uploads, unless a case claimed one meanwhile.
pub async fn delete_unclaimed(db: &D1Database, tokens: &[String]) -> Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM uploads WHERE token IN ({})
           AND token NOT IN (SELECT upload_token FROM evidence)",
        parameters(1, tokens.len())
    );
    let args: Vec<JsValue> = tokens.iter().map(|t| t.as_str().into()).collect();
    super::run(db.prepare(sql).bind(&args)).await
}
