//! The cases an agent's filters select as a spreadsheet opens them (`GET
//! /v1/agent/exports/cases`): CSV (RFC 4180) in UTF-8 with a byte-order mark, one row per
//! case with its key times, what the store did and what the shopper thought. Every cell
//! a spreadsheet could run as a formula is neutralised ([`neutralize`]).

use std::borrow::Cow;

use serde::Deserialize;

use crate::outcome::Outcome;

/// Spreadsheets (Excel above all) read a CSV as UTF-8 only when it starts with this.
pub const BOM: &str = "\u{feff}";

/// A cell as a spreadsheet must show it: one that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be run as a formula (or split a cell), so it gets a
/// leading apostrophe, which spreadsheets show as text (OWASP's advice on CSV
/// injection). Everything else is left as written.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// One case as exported, read from the `cases` row ([`ExportRow::COLUMNS`]) with its
/// outcomes beside it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExportRow {
    pub id: String,
    pub reference: String,
    pub status: String,
    pub priority: String,
    pub category: String,
    pub sub_reason: Option<String>,
    pub lang: String,
    pub order_number: String,
    pub email: String,
    pub product_id: Option<String>,
    pub description: String,
    /// What the shopper asked for.
    pub resolution: String,
    pub resolution_taken: Option<String>,
    pub assignee: Option<String>,
    pub created_at: String,
    pub respond_by: String,
    pub first_response_at: Option<String>,
    pub resolve_by: String,
    pub resolved_at: Option<String>,
    pub response_breached_at: Option<String>,
    pub resolution_breached_at: Option<String>,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
    pub root_cause: Option<String>,
    pub responsibility: Option<String>,
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
}

impl ExportRow {
    /// The `cases` columns a row is read from (every field but the outcomes).
    pub const COLUMNS: &'static str = "id, reference, status, priority, category, sub_reason, \
        lang, order_number, email, product_id, description, resolution, resolution_taken, \
        assignee, created_at, respond_by, first_response_at, resolve_by, resolved_at, \
        response_breached_at, resolution_breached_at, rating, rating_comment, root_cause, \
        responsibility";

    /// The header row.
    pub const HEADER: [&'static str; 25] = [
        "reference",
        "status",
        "priority",
        "category",
        "sub_reason",
        "language",
        "order_number",
        "email",
        "product_id",
        "description",
        "asked_for",
        "resolution_taken",
        "assignee",
        "created_at",
        "respond_by",
        "first_response_at",
        "resolve_by",
        "resolved_at",
        "first_response_missed_at",
        "resolution_missed_at",
        "rating",
        "rating_comment",
        "root_cause",
        "responsibility",
        "outcomes",
    ];

    /// The row's cells, in [`ExportRow::HEADER`]'s order, neutralised.
    pub fn cells(&self) -> Vec<String> {
        let ExportRow {
            id: _,
            reference,
            status,
            priority,
            category,
            sub_reason,
            lang,
            order_number,
            email,
            product_id,
            description,
            resolution,
            resolution_taken,
            assignee,
            created_at,
            respond_by,
            first_response_at,
            resolve_by,
            resolved_at,
            response_breached_at,
            resolution_breached_at,
            rating,
            rating_comment,
            root_cause,
            responsibility,
            outcomes,
        } = self;
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let outcomes: Vec<String> = outcomes.iter().map(|o| o.done.in_words()).collect();
        [
            reference.clone(),
            status.clone(),
            priority.clone(),
            category.clone(),
            text(sub_reason),
            lang.clone(),
            order_number.clone(),
            email.clone(),
            text(product_id),
            description.clone(),
            resolution.clone(),
            text(resolution_taken),
            text(assignee),
            created_at.clone(),
            respond_by.clone(),
            text(first_response_at),
            resolve_by.clone(),
            text(resolved_at),
            text(response_breached_at),
            text(resolution_breached_at),
            rating.map(|r| r.to_string()).unwrap_or_default(),
            text(rating_comment),
            text(root_cause),
            text(responsibility),
            outcomes.join("; "),
        ]
        .into_iter()
        .map(|cell| neutralize(&cell).into_owned())
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::outcome::Done;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for hostile in [
            "=HYPERLINK(\"http://evil\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let shown = neutralize(hostile);
            assert!(shown.starts_with('\''), "{hostile:?} → {shown:?}");
            assert_eq!(&shown[1..], hostile);
        }
        for plain in ["The lamp broke.", "", "a=b", "12", "'quoted"] {
            assert_eq!(neutralize(plain), plain);
        }
    }

    #[test]
    fn a_row_has_a_cell_for_every_header() {
        let row = ExportRow {
            reference: "RD-1".into(),
            description: "=cmd|' /C calc'!A0".into(),
            rating: Some(2),
            outcomes: vec![
                Outcome {
                    number: 1,
                    done: Done::RefundIssued {
                        amount: Money {
                            minor: 1230,
                            currency: "EUR".into(),
                        },
                        reference: "re_1".into(),
                    },
                    recorded_at: String::new(),
                },
                Outcome {
                    number: 2,
                    done: Done::Shipped {
                        carrier: "DHL".into(),
                        tracking: "1Z999".into(),
                    },
                    recorded_at: String::new(),
                },
            ],
            ..ExportRow::default()
        };
        let cells = row.cells();
        assert_eq!(cells.len(), ExportRow::HEADER.len());
        let at = |name: &str| {
            &cells[ExportRow::HEADER
                .iter()
                .position(|h| *h == name)
                .expect(name)]
        };
        assert_eq!(at("description"), "'=cmd|' /C calc'!A0");
        assert_eq!(at("rating"), "2");
        assert_eq!(
            at("outcomes"),
            "refund_issued 12.30 EUR re_1; shipped DHL 1Z999"
        );
    }
}
