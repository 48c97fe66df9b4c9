//! `offers`: what stores propose on their cases and how the shopper answered. Every
//! write here is part of a case change (`agent_cases::apply`), conditioned on that
//! change being the one applied, or the sweep's expiry with its timeline entry.

use redress_shared::money::Money;
use redress_shared::offer::{self, Offer, OfferState};
use redress_shared::timeline::actor;
use redress_shared::{ApiError, ErrorCode, Resolution};
use serde::Deserialize;
use worker::{query, D1Database};

use super::{Result, Statement};

/// An `offers` row.
#[derive(Debug, Deserialize)]
struct OfferRow {
    number: u32,
    kind: Resolution,
    amount_minor: Option<i64>,
    currency: Option<String>,
    terms: String,
    state: OfferState,
    made_at: String,
    expires_at: String,
    answered_at: Option<String>,
}

impl From<OfferRow> for Offer {
    fn from(row: OfferRow) -> Offer {
        let OfferRow {
            number,
            kind,
            amount_minor,
            currency,
            terms,
            state,
            made_at,
            expires_at,
            answered_at,
        } = row;
        Offer {
            number,
            kind,
            amount: amount_minor
                .zip(currency)
                .map(|(minor, currency)| Money { minor, currency }),
            terms,
            state,
            made_at,
            expires_at,
            answered_at,
        }
    }
}

const COLUMNS: &str =
    "number, kind, amount_minor, currency, terms, state, made_at, expires_at, answered_at";

/// A case's offers, oldest first.
pub fn of_case_statement(db: &D1Database, case_id: &str) -> Statement {
    db.prepare(format!(
        "SELECT {COLUMNS} FROM offers WHERE case_id = ?1 ORDER BY number"
    ))
    .bind(&[case_id.into()])
}

/// Rows of [`of_case_statement`] as offers.
pub fn from_rows(rows: Vec<serde_json::Value>) -> Result<Vec<Offer>> {
    rows.into_iter()
        .map(|row| serde_json::from_value::<OfferRow>(row).map(Offer::from))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// One offer of a case.
pub async fn one(db: &D1Database, case_id: &str, number: u32) -> Result<Option<Offer>> {
    let row: Option<OfferRow> = super::first(
        db.prepare(format!(
            "SELECT {COLUMNS} FROM offers WHERE case_id = ?1 AND number = ?2"
        ))
        .bind(&[case_id.into(), number.into()]),
    )
    .await?;
    Ok(row.map(Offer::from))
}

/// Inserts `offer` only if the case's last write is `write_id`.
pub fn insert_if_written(
    db: &D1Database,
    case_id: &str,
    write_id: &str,
    offer: &Offer,
) -> Statement {
    let amount = offer.amount.as_ref();
    query!(
        db,
        "INSERT INTO offers (case_id, number, kind, amount_minor, currency, terms, state,
                             made_at, expires_at)
         SELECT ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 FROM cases WHERE id = ?1 AND last_write = ?2",
        case_id,
        write_id,
        offer.number,
        offer.kind,
        amount.map(|a| a.minor as f64),
        amount.map(|a| a.currency.as_str()),
        &offer.terms,
        offer.state,
        &offer.made_at,
        &offer.expires_at
    )
}

/// Moves an open offer to `state` only if the case's last write is `write_id`.
pub fn settle_if_written(
    db: &D1Database,
    case_id: &str,
    write_id: &str,
    (number, state): (u32, OfferState),
    at: &str,
) -> Statement {
    query!(
        db,
        "UPDATE offers SET state = ?4, answered_at = ?5
         WHERE case_id = ?1 AND number = ?3 AND state = 'offered'
           AND EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND last_write = ?2)",
        case_id,
        write_id,
        number,
        state,
        at
    )
}

/// An open offer past its time.
#[derive(Debug, Deserialize)]
pub struct Due {
    pub case_id: String,
    pub number: u32,
}

pub async fn due_to_expire(db: &D1Database, now: &str, limit: u32) -> Result<Vec<Due>> {
    super::all(query!(
        db,
        "SELECT case_id, number FROM offers WHERE state = 'offered' AND expires_at <= ?1
         ORDER BY expires_at LIMIT ?2",
        now,
        limit
    ))
    .await
}

/// Records that an offer expired at `at`, with its timeline entry (announced to the
/// store), in one transaction; nothing if it was answered meanwhile.
pub async fn expire(db: &D1Database, due: &Due, at: &str) -> Result<()> {
    let (kind, value) = offer::expired(due.number);
    super::batch(
        db,
        vec![
            query!(
                db,
                "UPDATE offers SET state = ?4, answered_at = ?3
                 WHERE case_id = ?1 AND number = ?2 AND state = 'offered' AND expires_at <= ?3",
                &due.case_id,
                due.number,
                at,
                OfferState::Expired
            ),
            // The entry only if that very update happened.
            super::events::append_if_offer_settled(
                db,
                &due.case_id,
                (due.number, OfferState::Expired, at),
                actor::REDRESS,
                (kind, value.as_deref()),
            ),
        ],
    )
    .await?;
    Ok(())
}
