//! `GET /v1/agent/metrics`: how well a store handles its complaints over a period, in
//! total and by one dimension: cases opened and resolved, how long the first response
//! and the resolution took (p50 and p90), how many met their service-level targets,
//! how many were reopened, what shoppers thought, what the store gave back, and the
//! backlog of open cases by age. The edge computes it in D1 (`db/metrics.rs`) over the
//! cases filed in the period; the rules for what each figure means are here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::agent_api::period_bound;
use crate::api_error::{FieldError, FieldErrorCode};
use crate::business_hours::date_text;
use crate::time::MS_PER_DAY;

/// What to break the figures down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricsDimension {
    Priority,
    Category,
    /// The agent the case is assigned to (`""`: nobody).
    Agent,
    /// The ISO week the case was filed in, named by its Monday.
    Week,
}

impl MetricsDimension {
    pub const ALL: [MetricsDimension; 4] = [
        MetricsDimension::Priority,
        MetricsDimension::Category,
        MetricsDimension::Agent,
        MetricsDimension::Week,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MetricsDimension::Priority => "priority",
            MetricsDimension::Category => "category",
            MetricsDimension::Agent => "agent",
            MetricsDimension::Week => "week",
        }
    }

    /// The SQL expression over `cases` a group is keyed by.
    pub fn key_sql(self) -> &'static str {
        match self {
            MetricsDimension::Priority => "priority",
            MetricsDimension::Category => "category",
            MetricsDimension::Agent => "IFNULL(assignee, '')",
            // The Monday on or before the day, as trends name weeks.
            MetricsDimension::Week => "date(substr(created_at, 1, 10), '-6 days', 'weekday 1')",
        }
    }
}

/// The name of the metrics' query parameters.
pub mod param {
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const BY: &str = "by";
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsQuery {
    /// Filed at or after; `None`: the last 30 days.
    pub from: Option<String>,
    /// Filed before; `None`: now.
    pub to: Option<String>,
    /// `None`: the totals alone.
    pub by: Option<MetricsDimension>,
}

pub fn parse_metrics_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<MetricsQuery, Vec<FieldError>> {
    let mut query = MetricsQuery::default();
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
            param::BY => match MetricsDimension::ALL
                .into_iter()
                .find(|d| d.code() == value)
            {
                Some(by) => query.by = Some(by),
                None => bad("Use priority, category, agent or week."),
            },
            param::FROM => period_bound(value, &mut query.from).unwrap_or_else(bad),
            param::TO => period_bound(value, &mut query.to).unwrap_or_else(bad),
            _ => bad("This is not a parameter of metrics."),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// The value at `percent` of sorted values by the nearest-rank method: the smallest
/// value with at least `percent`% of the values at or below it.
pub fn nearest_rank(sorted: &[f64], percent: u32) -> Option<f64> {
    let rank = rank_of(sorted.len() as u64, percent)?;
    sorted.get(rank as usize - 1).copied()
}

/// The 1-based rank the nearest-rank method picks among `n` values.
fn rank_of(n: u64, percent: u32) -> Option<u64> {
    (n > 0).then(|| (u64::from(percent) * n).div_ceil(100).max(1))
}

/// How many cases took each whole number of minutes: what the edge reads from D1 (one
/// row per minute value, not per case), exact to the minute and additive across groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram(BTreeMap<i64, u64>);

impl Histogram {
    pub fn add(&mut self, minutes: i64, count: u64) {
        *self.0.entry(minutes).or_default() += count;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (&minutes, &count) in &other.0 {
            self.add(minutes, count);
        }
    }

    pub fn count(&self) -> u64 {
        self.0.values().sum()
    }

    /// [`nearest_rank`] over the cases counted.
    pub fn nearest_rank(&self, percent: u32) -> Option<f64> {
        let rank = rank_of(self.count(), percent)?;
        let mut seen = 0;
        self.0.iter().find_map(|(&minutes, &count)| {
            seen += count;
            (seen >= rank).then_some(minutes as f64)
        })
    }

    /// The counts in [`Durations::BOUNDS_MINUTES`]' buckets (under the first bound, ...,
    /// at or over the last).
    pub fn distribution(&self) -> Vec<u64> {
        let bounds = Durations::BOUNDS_MINUTES;
        let mut buckets = vec![0; bounds.len() + 1];
        for (&minutes, &count) in &self.0 {
            let bucket = bounds
                .iter()
                .take_while(|&&b| minutes >= i64::from(b))
                .count();
            buckets[bucket] += count;
        }
        buckets
    }

    pub fn durations(&self) -> Durations {
        Durations {
            count: self.count(),
            p50_minutes: self.nearest_rank(50),
            p90_minutes: self.nearest_rank(90),
            distribution: self.distribution(),
        }
    }
}

/// How long something took, over the cases where it happened, in whole minutes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Durations {
    pub count: u64,
    pub p50_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
    /// Cases per bucket of [`Durations::BOUNDS_MINUTES`]: under an hour, 1–4 hours,
    /// 4–24 hours, 1–3 days, 3 days or more.
    pub distribution: Vec<u64>,
}

impl Durations {
    pub const BOUNDS_MINUTES: [u32; 4] = [60, 240, 1440, 4320];
}

/// How many cases met a service-level target and how many missed it (cases whose
/// target is still open count in neither).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetShare {
    pub met: u64,
    pub missed: u64,
    /// `met / (met + missed)`; `None` when none was decided.
    pub share: Option<f64>,
}

impl TargetShare {
    pub fn new(met: u64, missed: u64) -> TargetShare {
        TargetShare {
            met,
            missed,
            share: ratio(met, met + missed),
        }
    }
}

/// What the shoppers of resolved cases said (`rating`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    pub ratings: u64,
    /// The mean score, 1 to 5.
    pub average: Option<f64>,
    /// Ratings per resolved case.
    pub response_rate: Option<f64>,
}

/// Refunds issued in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundTotal {
    pub currency: String,
    pub count: u64,
    /// Integer minor units (`money`).
    pub total_minor: i64,
}

/// What the store gave back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeTotals {
    /// Refunds recorded as issued, per currency, by currency code.
    pub refunds: Vec<RefundTotal>,
    /// Cases resolved by resending the order, and by a replacement.
    pub resends: u64,
    pub replacements: u64,
}

/// The figures of one group (or of all the period's cases).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsGroup {
    /// The group's key (`"all"` for the totals).
    pub key: String,
    /// Cases filed in the period.
    pub opened: u64,
    /// Of those, resolved now or before (`resolved_at`).
    pub resolved: u64,
    /// Of those, reopened after a resolution (or closing) at least once.
    pub reopened: u64,
    /// `reopened / resolved`.
    pub reopen_rate: Option<f64>,
    /// From filing to the store's first answer.
    pub first_response: Durations,
    /// From filing to the (latest) resolution.
    pub resolution: Durations,
    pub first_response_target: TargetShare,
    pub resolution_target: TargetShare,
    pub satisfaction: Satisfaction,
    pub outcomes: OutcomeTotals,
}

/// What the edge counts for one group, additive: groups sum to the totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub opened: u64,
    pub resolved: u64,
    pub reopened: u64,
    pub response_met: u64,
    pub response_missed: u64,
    pub resolution_met: u64,
    pub resolution_missed: u64,
    pub ratings: u64,
    pub rating_sum: u64,
    pub resends: u64,
    pub replacements: u64,
    pub first_response: Histogram,
    pub resolution: Histogram,
    /// Per currency: how many refunds, and their total in minor units.
    pub refunds: BTreeMap<String, (u64, i64)>,
}

impl Tally {
    pub fn merge(&mut self, other: &Tally) {
        let Tally {
            opened,
            resolved,
            reopened,
            response_met,
            response_missed,
            resolution_met,
            resolution_missed,
            ratings,
            rating_sum,
            resends,
            replacements,
            first_response,
            resolution,
            refunds,
        } = other;
        self.opened += opened;
        self.resolved += resolved;
        self.reopened += reopened;
        self.response_met += response_met;
        self.response_missed += response_missed;
        self.resolution_met += resolution_met;
        self.resolution_missed += resolution_missed;
        self.ratings += ratings;
        self.rating_sum += rating_sum;
        self.resends += resends;
        self.replacements += replacements;
        self.first_response.merge(first_response);
        self.resolution.merge(resolution);
        for (currency, &(count, total)) in refunds {
            self.add_refunds(currency, count, total);
        }
    }

    /// `count` refunds in `currency` totalling `total_minor`.
    pub fn add_refunds(&mut self, currency: &str, count: u64, total_minor: i64) {
        let slot = self.refunds.entry(currency.to_owned()).or_default();
        slot.0 += count;
        slot.1 += total_minor;
    }

    /// The group's figures under `key`.
    pub fn figures(&self, key: String) -> MetricsGroup {
        MetricsGroup {
            key,
            opened: self.opened,
            resolved: self.resolved,
            reopened: self.reopened,
            reopen_rate: ratio(self.reopened, self.resolved),
            first_response: self.first_response.durations(),
            resolution: self.resolution.durations(),
            first_response_target: TargetShare::new(self.response_met, self.response_missed),
            resolution_target: TargetShare::new(self.resolution_met, self.resolution_missed),
            satisfaction: Satisfaction {
                ratings: self.ratings,
                average: ratio(self.rating_sum, self.ratings),
                response_rate: ratio(self.ratings, self.resolved),
            },
            outcomes: OutcomeTotals {
                refunds: self
                    .refunds
                    .iter()
                    .map(|(currency, &(count, total_minor))| RefundTotal {
                        currency: currency.clone(),
                        count,
                        total_minor,
                    })
                    .collect(),
                resends: self.resends,
                replacements: self.replacements,
            },
        }
    }
}

/// The totals and, keyed, the groups: the totals are the groups summed.
pub fn summarize(groups: &BTreeMap<String, Tally>) -> (MetricsGroup, Vec<MetricsGroup>) {
    let mut total = Tally::default();
    for tally in groups.values() {
        total.merge(tally);
    }
    let groups = groups
        .iter()
        .map(|(key, tally)| tally.figures(key.clone()))
        .collect();
    (total.figures(ALL.to_owned()), groups)
}

/// The key of the totals.
pub const ALL: &str = "all";

/// Open cases now, by how long ago they were filed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    pub under_1_day: u64,
    pub from_1_to_3_days: u64,
    pub from_3_to_7_days: u64,
    pub over_7_days: u64,
}

impl Backlog {
    /// The bucket boundaries, in days; the edge counts open cases filed before each.
    pub const DAYS: [i64; 3] = [1, 3, 7];
}

/// How many cases were open at the start of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAt {
    /// The day (`YYYY-MM-DD`, UTC): open at its start.
    pub day: String,
    pub open: u64,
}

/// The most days [`checkpoints`] gives: half a year of Mondays.
pub const MAX_CHECKPOINTS: usize = 27;

/// The days to count open cases at for a period from `from_ms` to `to_ms`: each Monday
/// after the first day, and the last day's start, the latest [`MAX_CHECKPOINTS`].
pub fn checkpoints(from_ms: i64, to_ms: i64) -> Vec<i64> {
    let (first, last) = (from_ms.div_euclid(MS_PER_DAY), to_ms.div_euclid(MS_PER_DAY));
    // 1970-01-01 was a Thursday: Mondays are the days ≡ 4 (mod 7).
    let mut days: Vec<i64> = (first + 1..last).filter(|d| d.rem_euclid(7) == 4).collect();
    if last > first {
        days.push(last);
    }
    let skip = days.len().saturating_sub(MAX_CHECKPOINTS);
    days.drain(..skip);
    days
}

/// Cases open at the start of each of `days` (counted from 1970-01-01): filed before it
/// and not resolved before it, from the cases filed and resolved per day (`YYYY-MM-DD`).
/// A case resolved and reopened counts as open from its filing; one closed without a
/// resolution is in neither list.
pub fn open_at(days: &[i64], filed: &[(String, u64)], resolved: &[(String, u64)]) -> Vec<OpenAt> {
    let before = |counts: &[(String, u64)], day: &str| -> u64 {
        counts
            .iter()
            .filter(|(d, _)| d.as_str() < day)
            .map(|(_, n)| n)
            .sum()
    };
    days.iter()
        .map(|&day| {
            let day = date_text(day);
            let open = before(filed, &day).saturating_sub(before(resolved, &day));
            OpenAt { day, open }
        })
        .collect()
}

/// `GET /v1/agent/metrics`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<MetricsDimension>,
    pub total: MetricsGroup,
    /// By `by`, in key order; empty without it.
    pub groups: Vec<MetricsGroup>,
    /// Every open case of the store now, whenever filed.
    pub backlog: Backlog,
    /// Open cases at the start of each week of the period and of its last day.
    pub open_over_time: Vec<OpenAt>,
}

/// `part / whole`, `None` for an empty whole.
pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_the_nearest_rank() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&ten, 50), Some(5.0));
        assert_eq!(nearest_rank(&ten, 90), Some(9.0));
        assert_eq!(nearest_rank(&ten, 100), Some(10.0));
        assert_eq!(nearest_rank(&[7.0], 50), Some(7.0));
        assert_eq!(nearest_rank(&[7.0], 90), Some(7.0));
        // Three values: the 50th percentile is the second, the 90th the third.
        assert_eq!(nearest_rank(&[1.0, 2.0, 30.0], 50), Some(2.0));
        assert_eq!(nearest_rank(&[1.0, 2.0, 30.0], 90), Some(30.0));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn a_histogram_gives_the_percentiles_of_its_cases() {
        let minutes = [30, 60, 60, 90, 200, 200, 200, 1500, 3000, 9000];
        let mut histogram = Histogram::default();
        for m in minutes {
            histogram.add(m, 1);
        }
        let sorted: Vec<f64> = minutes.iter().map(|&m| m as f64).collect();
        for percent in [1, 10, 50, 51, 90, 99, 100] {
            assert_eq!(
                histogram.nearest_rank(percent),
                nearest_rank(&sorted, percent),
                "p{percent}"
            );
        }
        assert_eq!(histogram.distribution(), [1, 6, 0, 2, 1]);
        assert_eq!(Histogram::default().durations().p50_minutes, None);
    }

    #[test]
    fn the_totals_are_the_groups_summed() {
        let mut ana = Tally {
            opened: 2,
            resolved: 2,
            ratings: 2,
            rating_sum: 7,
            ..Tally::default()
        };
        ana.first_response.add(30, 1);
        ana.first_response.add(90, 1);
        ana.refunds.insert("EUR".into(), (1, 500));
        let mut ben = Tally {
            opened: 1,
            resolved: 1,
            ratings: 1,
            rating_sum: 1,
            ..Tally::default()
        };
        ben.first_response.add(60, 1);
        ben.refunds.insert("EUR".into(), (1, 1230));
        ben.refunds.insert("USD".into(), (1, 1000));
        let groups = BTreeMap::from([("Ana".to_owned(), ana), ("Ben".to_owned(), ben)]);
        let (total, by_agent) = summarize(&groups);
        assert_eq!(total.key, ALL);
        assert_eq!(total.opened, 3);
        assert_eq!(total.satisfaction.average, Some(8.0 / 3.0));
        assert_eq!(total.first_response.p50_minutes, Some(60.0));
        assert_eq!(total.outcomes.refunds[0].total_minor, 1730);
        assert_eq!(total.outcomes.refunds[1].currency, "USD");
        assert_eq!(by_agent[0].satisfaction.average, Some(3.5));
    }

    #[test]
    fn open_cases_are_counted_at_the_start_of_each_week() {
        let day = |d: &str| crate::time::parse_date(d).expect("a date");
        // From Sunday 1 November to Friday 20 November 2026: Mondays 2, 9 and 16, then
        // the 20th.
        let days = checkpoints(
            day("2026-11-01") * MS_PER_DAY,
            day("2026-11-20") * MS_PER_DAY,
        );
        let names: Vec<String> = days.iter().map(|&d| date_text(d)).collect();
        assert_eq!(
            names,
            ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-20"]
        );
        let filed = [
            ("2026-10-30".to_owned(), 2),
            ("2026-11-03".to_owned(), 3),
            ("2026-11-10".to_owned(), 1),
        ];
        let resolved = [("2026-11-04".to_owned(), 2), ("2026-11-18".to_owned(), 1)];
        let open: Vec<u64> = open_at(&days, &filed, &resolved)
            .iter()
            .map(|o| o.open)
            .collect();
        assert_eq!(open, [2, 3, 4, 3]);
        let year = checkpoints(
            day("2026-01-01") * MS_PER_DAY,
            day("2026-12-31") * MS_PER_DAY,
        );
        assert_eq!(year.len(), MAX_CHECKPOINTS, "the latest half year");
        assert_eq!(
            year.last().map(|&d| date_text(d)).as_deref(),
            Some("2026-12-31")
        );
    }

    #[test]
    fn a_share_counts_only_decided_targets() {
        assert_eq!(TargetShare::new(3, 1).share, Some(0.75));
        assert_eq!(TargetShare::new(0, 0).share, None);
        assert_eq!(ratio(1, 4), Some(0.25));
    }

    #[test]
    fn the_query_takes_a_period_and_one_dimension() {
        let q = parse_metrics_query([
            ("from", "2026-11-01"),
            ("to", "2026-12-01"),
            ("by", "agent"),
        ])
        .expect("valid");
        assert_eq!(q.by, Some(MetricsDimension::Agent));
        assert_eq!(q.from.as_deref(), Some("2026-11-01"));
        assert_eq!(
            parse_metrics_query([]).expect("valid"),
            MetricsQuery::default()
        );
        let errors = parse_metrics_query([("by", "country"), ("from", "yesterday"), ("page", "2")])
            .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["by", "from", "page"]);
    }

    #[test]
    fn weeks_are_named_by_their_monday_as_trends_name_them() {
        assert!(MetricsDimension::Week.key_sql().contains("weekday 1"));
        for d in MetricsDimension::ALL {
            assert_eq!(
                serde_json::to_value(d).expect("serialises"),
                serde_json::json!(d.code())
            );
        }
    }
}
