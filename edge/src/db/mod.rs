//! Every SQL statement of the edge, one module per table (and one for the agents'
//! queries over cases). Every multi-row write is one `batch`, which D1 runs as a
//! transaction. Storage failures become `503 storage_unavailable`: nothing was saved.

pub mod agent_cases;
pub mod agent_tokens;
pub mod cases;
pub mod deliveries;
pub mod events;
pub mod metrics;
pub mod offers;
pub mod outcomes;
pub mod saved_replies;
pub mod stores;
pub mod translations;
pub mod uploads;

use redress_shared::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use worker::{D1Database, D1PreparedStatement, D1Result};

pub type Result<T> = std::result::Result<T, ApiError>;

/// A statement as `query!` or `prepare(..).bind(..)` makes it.
pub type Statement = worker::Result<D1PreparedStatement>;

pub fn unavailable(e: worker::Error) -> ApiError {
    worker::console_error!("D1: {e}");
    ApiError::new(
        ErrorCode::StorageUnavailable,
        "Storage is unavailable; nothing was saved. Please try again.",
    )
}

/// Every row the statement returns, as `T`.
pub async fn all<T: DeserializeOwned>(statement: Statement) -> Result<Vec<T>> {
    statement
        .map_err(unavailable)?
        .all()
        .await
        .map_err(unavailable)?
        .results()
        .map_err(unavailable)
}

/// The first row the statement returns, as `T`.
pub async fn first<T: DeserializeOwned>(statement: Statement) -> Result<Option<T>> {
    statement
        .map_err(unavailable)?
        .first(None)
        .await
        .map_err(unavailable)
}

/// Runs a statement for its effect.
pub async fn run(statement: Statement) -> Result<()> {
    statement
        .map_err(unavailable)?
        .run()
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Runs statements as one transaction.
pub async fn batch(db: &D1Database, statements: Vec<Statement>) -> Result<Vec<D1Result>> {
    let statements = statements
        .into_iter()
        .collect::<worker::Result<Vec<_>>>()
        .map_err(unavailable)?;
    db.batch(statements).await.map_err(unavailable)
}

/// The rows of the `i`th statement of a batch, as `T`.
pub fn rows<T: DeserializeOwned>(results: &[D1Result], i: usize) -> Result<Vec<T>> {
    results
        .get(i)
        .ok_or_else(|| unavailable("a batch result is missing".into()))?
        .results()
        .map_err(unavailable)
}

/// `?{from}, ?{from + 1}, …`: `count` numbered parameters.
fn parameters(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
