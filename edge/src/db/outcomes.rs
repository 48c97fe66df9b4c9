//! `outcomes`: what stores did on their cases. Each is written as part of a case change
//! (`agent_cases::apply`), only if that change is the one applied.

use redress_shared::outcome::{Done, Outcome};
use redress_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use worker::{query, D1Database};

use super::{Result, Statement};

/// An `outcomes` row: the outcome is its JSON; kind and amount are columns for totals.
#[derive(Debug, Deserialize)]
struct OutcomeRow {
    number: u32,
    details: String,
    recorded_at: String,
}

/// A case's outcomes, oldest first.
pub fn of_case_statement(db: &D1Database, case_id: &str) -> Statement {
    query!(
        db,
        "SELECT number, details, recorded_at FROM outcomes WHERE case_id = ?1 ORDER BY number",
        case_id
    )
}

/// Rows of [`of_case_statement`] as outcomes.
pub fn from_rows(rows: Vec<OutcomeRowJson>) -> Result<Vec<Outcome>> {
    rows.into_iter()
        .map(|row| {
            let OutcomeRow {
                number,
                details,
                recorded_at,
            } = serde_json::from_value(row)?;
            Ok(Outcome {
                number,
                done: serde_json::from_str::<Done>(&details)?,
                recorded_at,
            })
        })
        .collect::<std::result::Result<_, serde_json::Error>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// A row as D1 hands it over.
pub type OutcomeRowJson = serde_json::Value;

pub async fn of_case(db: &D1Database, case_id: &str) -> Result<Vec<Outcome>> {
    from_rows(super::all(of_case_statement(db, case_id)).await?)
}

/// The outcomes of many cases (a page of an export), each with its case's id, oldest
/// first: one statement, the ids bound as one JSON array.
pub async fn of_cases(db: &D1Database, case_ids: &[&str]) -> Result<Vec<(String, Outcome)>> {
    #[derive(Deserialize)]
    struct CaseOf {
        case_id: String,
    }
    let ids = serde_json::to_string(case_ids).unwrap_or_default();
    let rows: Vec<OutcomeRowJson> = super::all(query!(
        db,
        "SELECT case_id, number, details, recorded_at FROM outcomes
         WHERE case_id IN (SELECT value FROM json_each(?1)) ORDER BY case_id, number",
        ids
    ))
    .await?;
    let cases = rows
        .iter()
        .map(|row| CaseOf::deserialize(row).map(|c| c.case_id))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(cases.into_iter().zip(from_rows(rows)?).collect())
}

/// Inserts `outcome` only if the case's last write is `write_id`.
pub fn insert_if_written(
    db: &D1Database,
    case_id: &str,
    write_id: &str,
    outcome: &Outcome,
) -> Statement {
    let details = serde_json::to_string(&outcome.done).unwrap_or_default();
    let amount = outcome.done.amount();
    query!(
        db,
        "INSERT INTO outcomes (case_id, number, kind, amount_minor, currency, details, recorded_at,
                               store_id, case_created_at)
         SELECT ?1, ?3, ?4, ?5, ?6, ?7, ?8, store_id, created_at
         FROM cases WHERE id = ?1 AND last_write = ?2",
        case_id,
        write_id,
        outcome.number,
        outcome.done.code(),
        amount.map(|a| a.minor as f64),
        amount.map(|a| a.currency.as_str()),
        details,
        &outcome.recorded_at
    )
}
