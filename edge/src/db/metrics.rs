//! `GET /v1/agent/metrics` in D1: one batch of aggregate queries over the store's cases
//! filed in the period, read from the `cases_metrics` covering index (and refunds from
//! `outcomes_by_store`) so no wide case row is touched. Durations come back as one row per
//! group and whole minute, not per case; `shared::metrics` turns the counts into
//! percentiles, shares and totals.

use std::collections::BTreeMap;

use redress_shared::complaint::Resolution;
use redress_shared::deadline::sql::status_list;
use redress_shared::metrics::{self, Backlog, MetricsDimension, OpenAt, Tally, ALL};
use redress_shared::outcome::Done;
use redress_shared::time::{rfc3339, MS_PER_DAY};
use redress_shared::workflow::is_open;
use redress_shared::CaseStatus;
use serde::Deserialize;
use worker::D1Database;

use super::{Result, Statement};

/// The store's cases filed in `[?2, ?3)`.
const IN_PERIOD: &str = "store_id = ?1 AND created_at >= ?2 AND created_at < ?3";

/// The SQL expression each row is grouped by.
fn key(by: Option<MetricsDimension>) -> String {
    by.map_or_else(|| format!("'{ALL}'"), |by| by.key_sql().to_owned())
}

#[derive(Deserialize)]
struct Counts {
    key: String,
    opened: u64,
    resolved: u64,
    reopened: u64,
    response_met: u64,
    response_missed: u64,
    resolution_met: u64,
    resolution_missed: u64,
    ratings: u64,
    rating_sum: u64,
    resends: u64,
    replacements: u64,
}

#[derive(Deserialize)]
struct Minutes {
    key: String,
    minutes: i64,
    count: u64,
}

#[derive(Deserialize)]
struct Refunds {
    key: String,
    currency: String,
    count: u64,
    total_minor: i64,
}

#[derive(Deserialize)]
struct PerDay {
    day: String,
    count: u64,
}

fn period_query(db: &D1Database, sql: String, (store, from, to): (&str, &str, &str)) -> Statement {
    db.prepare(sql)
        .bind(&[store.into(), from.into(), to.into()])
}

fn counts(db: &D1Database, by: Option<MetricsDimension>, period: (&str, &str, &str)) -> Statement {
    let sql = format!(
        "SELECT {key} AS key, COUNT(*) AS opened, COUNT(resolved_at) AS resolved,
                IFNULL(SUM(reopened > 0), 0) AS reopened,
                IFNULL(SUM(first_response_at IS NOT NULL AND response_breached_at IS NULL), 0)
                  AS response_met,
                IFNULL(SUM(response_breached_at IS NOT NULL), 0) AS response_missed,
                IFNULL(SUM(resolved_at IS NOT NULL AND resolution_breached_at IS NULL), 0)
                  AS resolution_met,
                IFNULL(SUM(resolution_breached_at IS NOT NULL), 0) AS resolution_missed,
                COUNT(rating) AS ratings, IFNULL(SUM(rating), 0) AS rating_sum,
                IFNULL(SUM(resolution_taken = '{resend}'), 0) AS resends,
                IFNULL(SUM(resolution_taken = '{replacement}'), 0) AS replacements
         FROM cases WHERE {IN_PERIOD} GROUP BY key",
        key = key(by),
        resend = Resolution::Resend.code(),
        replacement = Resolution::Replacement.code(),
    );
    period_query(db, sql, period)
}

/// Cases per whole number of minutes from filing to `end` (a column), where it happened.
fn minutes(
    db: &D1Database,
    by: Option<MetricsDimension>,
    end: &str,
    period: (&str, &str, &str),
) -> Statement {
    let sql = format!(
        "SELECT {key} AS key,
                CAST(ROUND((julianday({end}) - julianday(created_at)) * 1440.0) AS INTEGER)
                  AS minutes,
                COUNT(*) AS count
         FROM cases WHERE {IN_PERIOD} AND {end} IS NOT NULL GROUP BY key, minutes",
        key = key(by),
    );
    period_query(db, sql, period)
}

fn refunds(db: &D1Database, by: Option<MetricsDimension>, period: (&str, &str, &str)) -> Statement {
    // Refunds carry their case's store and filing time; grouping by a case's column
    // looks the case up.
    let key = match by {
        None => key(None),
        Some(by) => format!("(SELECT {} FROM cases WHERE id = o.case_id)", by.key_sql()),
    };
    let sql = format!(
        "SELECT {key} AS key, o.currency AS currency, COUNT(*) AS count,
                SUM(o.amount_minor) AS total_minor
         FROM outcomes o
         WHERE o.store_id = ?1 AND o.case_created_at >= ?2 AND o.case_created_at < ?3
           AND o.kind = '{refund}' AND o.currency IS NOT NULL
         GROUP BY key, currency",
        refund = Done::REFUND_ISSUED,
    );
    period_query(db, sql, period)
}

/// Every open case of the store now, by age.
fn backlog(db: &D1Database, store: &str, now_ms: i64) -> Statement {
    let [day, three, seven] = Backlog::DAYS.map(|days| rfc3339(now_ms - days * MS_PER_DAY));
    let sql = format!(
        "SELECT IFNULL(SUM(created_at >= ?2), 0) AS under_1_day,
                IFNULL(SUM(created_at < ?2 AND created_at >= ?3), 0) AS from_1_to_3_days,
                IFNULL(SUM(created_at < ?3 AND created_at >= ?4), 0) AS from_3_to_7_days,
                IFNULL(SUM(created_at < ?4), 0) AS over_7_days
         FROM cases WHERE store_id = ?1 AND status IN {}",
        status_list(is_open)
    );
    db.prepare(sql)
        .bind(&[store.into(), day.into(), three.into(), seven.into()])
}

/// The store's cases filed, and resolved, per day before `until` (`shared::metrics::open_at`).
fn per_day(db: &D1Database, store: &str, until: &str) -> [Statement; 2] {
    let closed = CaseStatus::Closed.code();
    let done = status_list(|s| !is_open(s));
    [
        db.prepare(format!(
            "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS count FROM cases
             WHERE store_id = ?1 AND created_at < ?2
               AND NOT (status = '{closed}' AND resolved_at IS NULL)
             GROUP BY day"
        ))
        .bind(&[store.into(), until.into()]),
        db.prepare(format!(
            "SELECT substr(resolved_at, 1, 10) AS day, COUNT(*) AS count FROM cases
             WHERE store_id = ?1 AND created_at < ?2 AND status IN {done}
               AND resolved_at IS NOT NULL
             GROUP BY day"
        ))
        .bind(&[store.into(), until.into()]),
    ]
}

/// What the metrics are made of: each group's tally (one group, `all`, without `by`),
/// the backlog now, and the open cases at each of `days`.
pub async fn compute(
    db: &D1Database,
    store: &str,
    (from, to): (&str, &str),
    by: Option<MetricsDimension>,
    (now_ms, days): (i64, &[i64]),
) -> Result<(BTreeMap<String, Tally>, Backlog, Vec<OpenAt>)> {
    let period = (store, from, to);
    let until = days
        .last()
        .map(|&d| rfc3339(d * MS_PER_DAY))
        .unwrap_or_default();
    let [filed, resolved] = per_day(db, store, &until);
    let statements = vec![
        counts(db, by, period),
        minutes(db, by, "first_response_at", period),
        minutes(db, by, "resolved_at", period),
        refunds(db, by, period),
        backlog(db, store, now_ms),
        filed,
        resolved,
    ];
    let results = super::batch(db, statements).await?;
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for c in super::rows::<Counts>(&results, 0)? {
        groups.insert(
            c.key,
            Tally {
                opened: c.opened,
                resolved: c.resolved,
                reopened: c.reopened,
                response_met: c.response_met,
                response_missed: c.response_missed,
                resolution_met: c.resolution_met,
                resolution_missed: c.resolution_missed,
                ratings: c.ratings,
                rating_sum: c.rating_sum,
                resends: c.resends,
                replacements: c.replacements,
                ..Tally::default()
            },
        );
    }
    for m in super::rows::<Minutes>(&results, 1)? {
        groups
            .entry(m.key)
            .or_default()
            .first_response
            .add(m.minutes, m.count);
    }
    for m in super::rows::<Minutes>(&results, 2)? {
        groups
            .entry(m.key)
            .or_default()
            .resolution
            .add(m.minutes, m.count);
    }
    for r in super::rows::<Refunds>(&results, 3)? {
        groups
            .entry(r.key)
            .or_default()
            .add_refunds(&r.currency, r.count, r.total_minor);
    }
    let backlog = super::rows::<Backlog>(&results, 4)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let per_day = |i| -> Result<Vec<(String, u64)>> {
        Ok(super::rows::<PerDay>(&results, i)?
            .into_iter()
            .map(|p| (p.day, p.count))
            .collect())
    };
    let open = metrics::open_at(days, &per_day(5)?, &per_day(6)?);
    Ok((groups, backlog, open))
}
