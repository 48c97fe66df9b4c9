//! `saved_replies`: each store's own saved replies (the starter set is not stored).

use redress_shared::categorize::Category;
use redress_shared::saved_reply::SavedReply;
use serde::Deserialize;
use worker::{query, D1Database};

use super::{unavailable, Result};

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    category: Option<String>,
    variants: String,
}

/// Store `store_id`'s saved replies, by name.
pub async fn of_store(db: &D1Database, store_id: &str) -> Result<Vec<SavedReply>> {
    let rows: Vec<Row> = super::all(query!(
        db,
        "SELECT id, name, category, variants FROM saved_replies WHERE store_id = ?1
         ORDER BY name, id",
        store_id
    ))
    .await?;
    rows.into_iter()
        .map(|row| {
            let variants = serde_json::from_str(&row.variants)
                .map_err(|e| unavailable(format!("saved reply {}: {e}", row.id).into()))?;
            Ok(SavedReply {
                category: row.category.as_deref().and_then(Category::from_code),
                id: row.id,
                name: row.name,
                variants,
                starter: false,
            })
        })
        .collect()
}

/// Writes `reply` for store `store_id`: a new one (`replace` false) or over the one
/// with its id. Whether a row was written (replacing a reply the store does not have
/// writes nothing).
pub async fn put(
    db: &D1Database,
    store_id: &str,
    reply: &SavedReply,
    replace: bool,
    at: &str,
) -> Result<bool> {
    let variants =
        serde_json::to_string(&reply.variants).map_err(|e| unavailable(e.to_string().into()))?;
    let category = reply.category.map(Category::code);
    let statement = if replace {
        query!(
            db,
            "UPDATE saved_replies SET name = ?3, category = ?4, variants = ?5, updated_at = ?6
             WHERE store_id = ?1 AND id = ?2",
            store_id,
            &reply.id,
            &reply.name,
            category,
            &variants,
            at
        )
    } else {
        query!(
            db,
            "INSERT INTO saved_replies (store_id, id, name, category, variants, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            store_id,
            &reply.id,
            &reply.name,
            category,
            &variants,
            at
        )
    };
    written(statement).await
}

/// Deletes store `store_id`'s reply `id`; whether it had one.
pub async fn delete(db: &D1Database, store_id: &str, id: &str) -> Result<bool> {
    written(query!(
        db,
        "DELETE FROM saved_replies WHERE store_id = ?1 AND id = ?2",
        store_id,
        id
    ))
    .await
}

async fn written(statement: super::Statement) -> Result<bool> {
    let result = statement
        .map_err(unavailable)?
        .run()
        .await
        .map_err(unavailable)?;
    let changes = result
        .meta()
        .map_err(unavailable)?
        .and_then(|meta| meta.changes)
        .unwrap_or(0);
    Ok(changes > 0)
}
