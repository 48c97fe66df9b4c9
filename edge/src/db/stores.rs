//! `stores`: each store's configuration, as the operator command writes it.

use redress_shared::store::{StoreConfig, StoreRow};
use worker::D1Database;

use super::{Result, Statement};

/// A store's configuration and the key its webhooks are signed with.
pub struct Store {
    pub config: StoreConfig,
    pub webhook_secret: Option<String>,
}

impl From<StoreRow> for Store {
    fn from(row: StoreRow) -> Store {
        let (config, webhook_secret) = row.into_config();
        Store {
            config,
            webhook_secret,
        }
    }
}

/// The statement that reads a store, for callers that batch it with others.
pub fn select(db: &D1Database, id: &str) -> Statement {
    db.prepare(format!(
        "SELECT {} FROM stores WHERE id = ?1",
        StoreRow::COLUMNS
    ))
    .bind(&[id.into()])
}

pub async fn load(db: &D1Database, id: &str) -> Result<Option<Store>> {
    let row: Option<StoreRow> = super::first(select(db, id)).await?;
    Ok(row.map(Store::from))
}
