//! `GET /v1/agent/trends`: how many complaints a store got, by one dimension, per day or
//! week, so it can see its common problems (the seeds' "analyse complaint data").

use serde::{Deserialize, Serialize};

use crate::agent_api::period_bound;
use crate::api_error::{FieldError, FieldErrorCode};

/// What to count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendDimension {
    Category,
    SubReason,
    Product,
    Lang,
    Priority,
    /// Why the problem happened, once the store recorded it.
    RootCause,
    /// Who was responsible, once the store recorded it.
    Responsibility,
    /// The shopper's country when they filed (`case::country_code`).
    Country,
    /// What the store did last (`outcome::Done`'s kind), once it recorded anything.
    Outcome,
}

impl TrendDimension {
    pub const ALL: [TrendDimension; 9] = [
        TrendDimension::Category,
        TrendDimension::SubReason,
        TrendDimension::Product,
        TrendDimension::Lang,
        TrendDimension::Priority,
        TrendDimension::RootCause,
        TrendDimension::Responsibility,
        TrendDimension::Country,
        TrendDimension::Outcome,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TrendDimension::Category => "category",
            TrendDimension::SubReason => "sub_reason",
            TrendDimension::Product => "product",
            TrendDimension::Lang => "lang",
            TrendDimension::Priority => "priority",
            TrendDimension::RootCause => "root_cause",
            TrendDimension::Responsibility => "responsibility",
            TrendDimension::Country => "country",
            TrendDimension::Outcome => "outcome",
        }
    }

    /// The SQL expression over a `cases` row counted by.
    pub fn key_sql(self) -> &'static str {
        match self {
            TrendDimension::Product => "product_id",
            TrendDimension::Outcome => {
                "(SELECT kind FROM outcomes o WHERE o.case_id = cases.id ORDER BY number DESC LIMIT 1)"
            }
            TrendDimension::Category
            | TrendDimension::SubReason
            | TrendDimension::Lang
            | TrendDimension::Priority
            | TrendDimension::RootCause
            | TrendDimension::Responsibility
            | TrendDimension::Country => self.code(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendBucket {
    Day,
    /// ISO weeks, named by their Monday.
    Week,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendQuery {
    pub by: TrendDimension,
    pub bucket: TrendBucket,
    /// Filed at or after; `None`: the last 30 days.
    pub from: Option<String>,
    /// Filed before; `None`: now.
    pub to: Option<String>,
}

pub fn parse_trend_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<TrendQuery, Vec<FieldError>> {
    let mut query = TrendQuery {
        by: TrendDimension::Category,
        bucket: TrendBucket::Day,
        from: None,
        to: None,
    };
    let mut errors = Vec::new();
    for (name, value) in pairs {
        let mut bad = |message: &str| {
            errors.push(FieldError::new(
                name,
                FieldErrorCode::InvalidFormat,
                message,
            ));
        };
        match name {
            "by" => match TrendDimension::ALL.into_iter().find(|d| d.code() == value) {
                Some(by) => query.by = by,
                None => bad(
                    "Use category, sub_reason, product, lang, priority, root_cause, responsibility, country or outcome.",
                ),
            },
            "bucket" => match value {
                "day" => query.bucket = TrendBucket::Day,
                "week" => query.bucket = TrendBucket::Week,
                _ => bad("Use day or week."),
            },
            "from" => period_bound(value, &mut query.from).unwrap_or_else(bad),
            "to" => period_bound(value, &mut query.to).unwrap_or_else(bad),
            _ => bad("This is not a parameter of trends."),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// The counts over the range: per period and key, and per key over the whole range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trends {
    pub by: TrendDimension,
    pub bucket: TrendBucket,
    pub from: String,
    pub to: String,
    /// Oldest period first; keys with no complaints in a period are left out.
    pub series: Vec<TrendPoint>,
    /// Most complained-about first.
    pub totals: Vec<TrendTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// `2026-11-23` (a day, or the Monday of a week).
    pub period: String,
    /// The dimension's value; `null` when the case has none (no product, no sub-reason).
    pub key: Option<String>,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendTotal {
    pub key: Option<String>,
    pub count: u32,
}

impl Trends {
    /// The totals of a series, most frequent first (ties by key, for a stable order).
    pub fn totals_of(series: &[TrendPoint]) -> Vec<TrendTotal> {
        let mut totals: Vec<TrendTotal> = Vec::new();
        for point in series {
            match totals.iter_mut().find(|t| t.key == point.key) {
                Some(total) => total.count += point.count,
                None => totals.push(TrendTotal {
                    key: point.key.clone(),
                    count: point.count,
                }),
            }
        }
        totals.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_count_categories_per_day() {
        let q = parse_trend_query([]).expect("valid");
        assert_eq!(
            (q.by, q.bucket, q.from, q.to),
            (TrendDimension::Category, TrendBucket::Day, None, None)
        );
    }

    #[test]
    fn every_dimension_and_bucket_is_accepted_and_others_are_not() {
        for by in TrendDimension::ALL {
            let q = parse_trend_query([("by", by.code()), ("bucket", "week")]).expect("valid");
            assert_eq!((q.by, q.bucket), (by, TrendBucket::Week));
        }
        let errors = parse_trend_query([("by", "colour"), ("bucket", "hour"), ("from", "soon")])
            .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["by", "bucket", "from"]);
    }

    #[test]
    fn totals_add_up_each_key_most_frequent_first() {
        let point = |period: &str, key: Option<&str>, count| TrendPoint {
            period: period.to_owned(),
            key: key.map(str::to_owned),
            count,
        };
        let totals = Trends::totals_of(&[
            point("2026-11-01", Some("damaged"), 2),
            point("2026-11-01", Some("billing"), 1),
            point("2026-11-02", Some("damaged"), 1),
            point("2026-11-02", None, 3),
        ]);
        let flat: Vec<(Option<&str>, u32)> =
            totals.iter().map(|t| (t.key.as_deref(), t.count)).collect();
        assert_eq!(
            flat,
            [(None, 3), (Some("damaged"), 3), (Some("billing"), 1)]
        );
    }

    #[test]
    fn product_counts_read_the_product_id_column() {
        assert_eq!(TrendDimension::Product.key_sql(), "product_id");
        assert_eq!(TrendDimension::SubReason.key_sql(), "sub_reason");
        assert_eq!(TrendDimension::Country.key_sql(), "country");
        assert!(TrendDimension::Outcome
            .key_sql()
            .contains("ORDER BY number DESC LIMIT 1"));
    }
}
