//! The agent API's reads and writes of cases. Every statement is scoped to the agent's
//! store: a case of another store is indistinguishable from one that does not exist.

use redress_shared::agent_api::{
    description_search, CaseDetail, CasePage, CaseQuery, CaseSort, CaseSummary, Cursor,
    DeliveryRecord, DescriptionSearch,
};
use redress_shared::deadline;
use redress_shared::dispute_bundle::EvidenceSource;
use redress_shared::export::ExportRow;
use redress_shared::offer::{self, Offer, OfferState};
use redress_shared::outcome::Outcome;
use redress_shared::rating::{self, Rating};
use redress_shared::service_level;
use redress_shared::store::StoreRow;
use redress_shared::timeline::EventKind;
use redress_shared::translation::{Original, ShopperTexts, TranslationSettings};
use redress_shared::trends::{TrendBucket, TrendDimension, TrendPoint};
use redress_shared::workflow::{next_statuses, reopens, Events, WorkState};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{query, D1Database};

use super::{
    cases, deliveries, events, offers, outcomes, stores, translations, unavailable, Result,
    Statement,
};

/// The SQL of one page of the store's cases as `q` filters, sorts and pages them (one
/// row more than `q.limit`, to tell whether another page follows), selecting `columns`.
fn page_query(store_id: &str, q: &CaseQuery, now: &str, columns: &str) -> (String, Vec<JsValue>) {
    // With an indexed search its matches drive the query: `+` keeps SQLite from walking
    // every case of the store in deadline order to test each (measured at 100,000 cases:
    // a rare phrase 8 ms instead of 140). A short search scans in deadline order as
    // before, and stops early when its text is common.
    let search = q
        .text
        .as_deref()
        .map(|text| (text, description_search(text)));
    let indexed = matches!(search, Some((_, DescriptionSearch::Phrase(_))));
    let store = if indexed { "+store_id" } else { "store_id" };
    let mut sql = format!("SELECT {columns} FROM cases WHERE {store} = ?1");
    let mut args: Vec<JsValue> = vec![store_id.into()];
    // Appends `clause`, whose bare `?` stands for `value` (`?1` stays the store).
    let mut bind = |sql: &mut String, clause: &str, value: &str| {
        args.push(value.into());
        *sql += &numbered(clause, args.len());
    };
    if !q.statuses.is_empty() {
        sql += &format!(
            " AND status IN {}",
            deadline::sql::status_list(|s| q.statuses.contains(&s))
        );
    }
    if let Some(category) = q.category {
        bind(&mut sql, " AND category = ?", category.code());
    }
    if let Some(priority) = q.priority {
        bind(&mut sql, " AND priority = ?", priority.code());
    }
    if let Some(lang) = &q.lang {
        bind(&mut sql, " AND lang = ?", lang);
    }
    if let Some(overdue) = q.overdue {
        let rule = deadline::sql::overdue("?");
        let clause = if overdue {
            format!(" AND {rule}")
        } else {
            format!(" AND NOT {rule}")
        };
        bind(&mut sql, &clause, now);
    }
    // Text anywhere in the description; identifiers exactly.
    match search {
        Some((text, DescriptionSearch::Phrase(phrase))) => {
            bind(
                &mut sql,
                " AND id IN (SELECT case_id FROM cases_search WHERE cases_search MATCH ?",
                &phrase,
            );
            bind(
                &mut sql,
                " UNION ALL SELECT id FROM cases WHERE reference = ?",
                text,
            );
            bind(
                &mut sql,
                " UNION ALL SELECT id FROM cases WHERE store_id = ?1 AND order_number = ?",
                text,
            );
            bind(
                &mut sql,
                " UNION ALL SELECT id FROM cases WHERE store_id = ?1 AND email = ?)",
                text,
            );
        }
        Some((text, DescriptionSearch::Pattern(pattern))) => {
            bind(&mut sql, " AND (description LIKE ? ESCAPE '\\'", &pattern);
            bind(&mut sql, " OR reference = ?", text);
            bind(&mut sql, " OR order_number = ?", text);
            bind(&mut sql, " OR email = ?)", text);
        }
        None => {}
    }
    if let Some(from) = &q.from {
        bind(&mut sql, " AND created_at >= ?", from);
    }
    if let Some(to) = &q.to {
        bind(&mut sql, " AND created_at < ?", to);
    }
    if let Some(product) = &q.product {
        bind(&mut sql, " AND product_id = ?", product);
    }
    if q.breached {
        sql += &format!(" AND {}", service_level::sql::breached());
    }
    if q.rated_low {
        sql += &format!(" AND rating <= {}", rating::LOW_SCORE);
    }
    let column = q.sort.column();
    let (after, order) = match q.sort {
        CaseSort::Deadline => (">", "ASC"),
        CaseSort::Newest => ("<", "DESC"),
    };
    if let Some(cursor) = &q.after {
        bind(
            &mut sql,
            &format!(" AND ({column}, id) {after} (?"),
            &cursor.key,
        );
        bind(&mut sql, ", ?)", &cursor.id);
    }
    sql += &format!(
        " ORDER BY {column} {order}, id {order} LIMIT {}",
        q.limit + 1
    );
    (sql, args)
}

/// A page of the store's cases, filtered and in a stable order.
pub async fn list(db: &D1Database, store_id: &str, q: &CaseQuery, now: &str) -> Result<CasePage> {
    let (sql, args) = page_query(
        store_id,
        q,
        now,
        "id, reference, status, category, sub_reason, priority, lang, product_id,
         order_number, email, substr(description, 1, 280) AS excerpt, created_at,
         respond_by, resolve_by, response_breached_at, resolution_breached_at,
         assignee, first_response_at, rating",
    );
    let mut cases: Vec<CaseSummary> = super::all(db.prepare(sql).bind(&args)).await?;
    for case in &mut cases {
        case.overdue = case.clock().is_overdue(now);
    }
    let next_cursor = if cases.len() > q.limit as usize {
        cases.truncate(q.limit as usize);
        cases.last().map(|last| {
            let key = match q.sort {
                CaseSort::Deadline => &last.respond_by,
                CaseSort::Newest => &last.created_at,
            };
            Cursor {
                key: key.clone(),
                id: last.id.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    Ok(CasePage { cases, next_cursor })
}

/// One page of the cases `q` selects, as exported, with their outcomes, and where the
/// next page starts (none after the last).
pub async fn export_page(
    db: &D1Database,
    store_id: &str,
    q: &CaseQuery,
    now: &str,
) -> Result<(Vec<ExportRow>, Option<Cursor>)> {
    let (sql, args) = page_query(store_id, q, now, ExportRow::COLUMNS);
    let mut rows: Vec<ExportRow> = super::all(db.prepare(sql).bind(&args)).await?;
    let next = if rows.len() > q.limit as usize {
        rows.truncate(q.limit as usize);
        rows.last().map(|last| Cursor {
            key: match q.sort {
                CaseSort::Deadline => last.respond_by.clone(),
                CaseSort::Newest => last.created_at.clone(),
            },
            id: last.id.clone(),
        })
    } else {
        None
    };
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut by_case: std::collections::HashMap<String, Vec<Outcome>> = Default::default();
    for (case_id, outcome) in outcomes::of_cases(db, &ids).await? {
        by_case.entry(case_id).or_default().push(outcome);
    }
    for row in &mut rows {
        row.outcomes = by_case.remove(&row.id).unwrap_or_default();
    }
    Ok((rows, next))
}

/// `clause` with each bare `?` numbered `?n`; numbered parameters stay as they are.
fn numbered(clause: &str, n: usize) -> String {
    let mut out = String::with_capacity(clause.len() + 4);
    let mut chars = clause.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '?' && !chars.peek().is_some_and(char::is_ascii_digit) {
            out += &n.to_string();
        }
    }
    out
}

fn work_state_statement(db: &D1Database, store_id: &str, case_id: &str) -> Statement {
    query!(
        db,
        "SELECT status, priority, assignee, resolution_taken, root_cause, responsibility,
                respond_by, resolve_by, clock_paused_at, response_breached_at,
                resolution_breached_at, first_response_at, last_write
         FROM cases WHERE id = ?1 AND store_id = ?2",
        case_id,
        store_id
    )
}

pub async fn work_state(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
) -> Result<Option<WorkState>> {
    super::first(work_state_statement(db, store_id, case_id)).await
}

/// The case's work state and its offers, in one round trip.
pub async fn work_and_offers(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
) -> Result<Option<(WorkState, Vec<Offer>)>> {
    let results = super::batch(
        db,
        vec![
            work_state_statement(db, store_id, case_id),
            offers::of_case_statement(db, case_id),
        ],
    )
    .await?;
    let Some(work) = super::rows::<WorkState>(&results, 0)?.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some((work, offers::from_rows(super::rows(&results, 1)?)?)))
}

/// The case with its work state, deliveries and timeline.
/// A case as an agent reads it, and what translating the rest of it for them takes.
pub struct Reading {
    pub detail: CaseDetail,
    pub texts: ShopperTexts,
    pub translation: TranslationSettings,
}

/// `language`: the agent's own, when they chose one; else shoppers' texts come with
/// their translations into the store's.
pub async fn detail(
    db: &D1Database,
    (store_id, language): (&str, Option<&str>),
    case_id: &str,
    now: &str,
) -> Result<Option<Reading>> {
    // One round trip: the work state (scoping the case to the store), deliveries,
    // timeline and the case itself.
    let [case, evidence] = cases::select(db, case_id);
    let results = super::batch(
        db,
        vec![
            work_state_statement(db, store_id, case_id),
            deliveries::of_case(db, case_id),
            events::timeline_statement(db, case_id, false),
            case,
            evidence,
            offers::of_case_statement(db, case_id),
            stores::select(db, store_id),
            outcomes::of_case_statement(db, case_id),
            cases::rating_statement(db, case_id),
        ],
    )
    .await?;
    let Some(work) = super::rows::<WorkState>(&results, 0)?.into_iter().next() else {
        return Ok(None);
    };
    let deliveries = super::rows::<DeliveryRecord>(&results, 1)?;
    let timeline = events::timeline_from_rows(super::rows(&results, 2)?)?;
    let case = cases::from_rows(case_id, &results, 3)?
        .ok_or_else(|| unavailable("the case vanished while being read".into()))?;
    let texts = ShopperTexts::of(
        &case.details.description,
        &case.classification.lang,
        &timeline,
    );
    let found = translations::for_reader(db, store_id, language, &texts.digests()).await?;
    let config = super::rows::<StoreRow>(&results, 6)?
        .into_iter()
        .next()
        .map(|row| row.into_config().0);
    let (currencies, translation) = match config {
        Some(config) => (config.currencies, config.translation),
        None => (Vec::new(), TranslationSettings::default()),
    };
    let detail = CaseDetail {
        translations: texts.translations(&found),
        case,
        overdue: work.clock().is_overdue(now),
        breaches: work.breaches.clone(),
        first_response_at: work.first_response_at.clone(),
        next_statuses: next_statuses(work.status).to_vec(),
        assignee: work.assignee,
        resolution_taken: work.resolution_taken,
        root_cause: work.root_cause,
        responsibility: work.responsibility,
        outcomes: outcomes::from_rows(super::rows(&results, 7)?)?,
        rating: super::rows::<Rating>(&results, 8)?.into_iter().next(),
        deliveries,
        timeline,
        offers: offer::as_of(offers::from_rows(super::rows(&results, 5)?)?, now),
        currencies,
    };
    Ok(Some(Reading {
        detail,
        texts,
        translation,
    }))
}

/// One agent change: the new work state and the events that describe it.
pub struct Change<'a> {
    pub store_id: &'a str,
    pub case_id: &'a str,
    pub actor: &'a str,
    pub at: &'a str,
    /// A fresh random id for this write.
    pub write_id: &'a str,
    pub events: Events,
    /// An offer this change makes.
    pub new_offer: Option<&'a Offer>,
    /// Open offers this change settles (answered or withdrawn), by number.
    pub offer_moves: Vec<(u32, OfferState)>,
    /// What the store did, recorded by this change.
    pub new_outcome: Option<&'a Outcome>,
}

impl<'a> Change<'a> {
    /// A change of case `case_id` of store `store_id` by `actor`, written `at` with the
    /// fresh `write_id`, described by `events`; it makes and settles no offer.
    pub fn new(
        (store_id, case_id): (&'a str, &'a str),
        actor: &'a str,
        (at, write_id): (&'a str, &'a str),
        events: Events,
    ) -> Change<'a> {
        Change {
            store_id,
            case_id,
            actor,
            at,
            write_id,
            events,
            new_offer: None,
            offer_moves: Vec::new(),
            new_outcome: None,
        }
    }

    /// The change also records `outcome`.
    pub fn recording(self, outcome: &'a Outcome) -> Change<'a> {
        Change {
            new_outcome: Some(outcome),
            ..self
        }
    }

    /// The change also makes `offer`.
    pub fn making(self, offer: &'a Offer) -> Change<'a> {
        Change {
            new_offer: Some(offer),
            ..self
        }
    }

    /// The change also moves these open offers to these states.
    pub fn settling(self, offer_moves: Vec<(u32, OfferState)>) -> Change<'a> {
        Change {
            offer_moves,
            ..self
        }
    }
}

/// Applies `to` if the case is still as `from` was read, with its events, in one
/// transaction. `false`: someone else changed the case first; nothing was written.
pub async fn apply(
    db: &D1Database,
    change: &Change<'_>,
    from: &WorkState,
    to: &WorkState,
) -> Result<bool> {
    let mut statements = vec![query!(
        db,
        "UPDATE cases SET status = ?3, assignee = ?4, resolution_taken = ?5, last_write = ?6,
                          first_response_at = COALESCE(first_response_at, ?9),
                          root_cause = ?10, responsibility = ?11,
                          resolved_at = CASE WHEN ?3 = 'resolved' AND ?7 != 'resolved'
                                             THEN ?12 ELSE resolved_at END,
                          priority = ?13, respond_by = ?14, resolve_by = ?15,
                          clock_paused_at = ?16, reopened = reopened + ?17
         WHERE id = ?1 AND store_id = ?2 AND status = ?7 AND IFNULL(last_write, '') = ?8",
        change.case_id,
        change.store_id,
        to.status,
        to.assignee.as_deref(),
        to.resolution_taken,
        change.write_id,
        from.status,
        from.last_write.as_deref().unwrap_or(""),
        to.first_response_at.as_deref(),
        to.root_cause,
        to.responsibility,
        change.at,
        to.priority,
        &to.respond_by,
        &to.resolve_by,
        to.clock_paused_at.as_deref(),
        u8::from(reopens(from.status, to.status))
    )];
    // Written only if this very change was applied, as its events are.
    if let Some(offer) = change.new_offer {
        statements.push(offers::insert_if_written(
            db,
            change.case_id,
            change.write_id,
            offer,
        ));
    }
    if let Some(outcome) = change.new_outcome {
        statements.push(outcomes::insert_if_written(
            db,
            change.case_id,
            change.write_id,
            outcome,
        ));
    }
    for &moved in &change.offer_moves {
        statements.push(offers::settle_if_written(
            db,
            change.case_id,
            change.write_id,
            moved,
            change.at,
        ));
    }
    // A reply posted meanwhile (which `last_write` does not see) keeps its first response.
    for (kind, value) in &change.events {
        // Recorded only if this very write was applied.
        statements.push(events::append_if_written(
            db,
            change.case_id,
            change.write_id,
            change.at,
            change.actor,
            (*kind, value.as_deref()),
        ));
    }
    super::batch(db, statements).await?;
    let now = work_state(db, change.store_id, change.case_id).await?;
    Ok(now.and_then(|s| s.last_write).as_deref() == Some(change.write_id))
}

/// Appends a note or a reply, and with a reply the store's first response if none came
/// before, in one transaction. `false` if the store has no such case.
pub async fn add_message(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    actor: &str,
    at: &str,
    message: (EventKind, &str, Option<&Original>),
) -> Result<bool> {
    let (kind, text, _) = message;
    let mut statements = vec![events::append_to_store_case(
        db, store_id, case_id, at, actor, message,
    )];
    if deadline::is_response(kind, Some(text)) {
        statements.push(query!(
            db,
            "UPDATE cases SET first_response_at = ?3
             WHERE id = ?1 AND store_id = ?2 AND first_response_at IS NULL",
            case_id,
            store_id,
            at
        ));
    }
    let results = super::batch(db, statements).await?;
    Ok(!super::rows::<serde_json::Value>(&results, 0)?.is_empty())
}

/// What translating a reply for a case's shopper takes: the language the case speaks,
/// and its store's translation settings.
pub struct ReplyContext {
    pub locale: String,
    pub translation: TranslationSettings,
}

pub async fn reply_context(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
) -> Result<Option<ReplyContext>> {
    #[derive(Deserialize)]
    struct Locale {
        locale: String,
    }
    let results = super::batch(
        db,
        vec![
            query!(
                db,
                "SELECT locale FROM cases WHERE id = ?1 AND store_id = ?2",
                case_id,
                store_id
            ),
            stores::select(db, store_id),
        ],
    )
    .await?;
    let Some(Locale { locale }) = super::rows::<Locale>(&results, 0)?.into_iter().next() else {
        return Ok(None);
    };
    let translation = super::rows::<StoreRow>(&results, 1)?
        .into_iter()
        .next()
        .map(|row| row.into_config().0.translation)
        .unwrap_or_default();
    Ok(Some(ReplyContext {
        locale,
        translation,
    }))
}

/// Where a piece of evidence is kept, and how to serve it.
#[derive(Debug, Deserialize)]
pub struct EvidenceObject {
    pub r2_key: String,
    pub content_type: String,
    pub file_name: String,
    pub size: u64,
}

pub async fn evidence_object(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    position: u32,
) -> Result<Option<EvidenceObject>> {
    super::first(query!(
        db,
        "SELECT e.r2_key, e.content_type, e.file_name, e.size
         FROM evidence e JOIN cases c ON c.id = e.case_id
         WHERE e.case_id = ?1 AND e.position = ?2 AND c.store_id = ?3",
        case_id,
        position,
        store_id
    ))
    .await
}

/// A piece of evidence of a case as its dispute bundle reads it: where it is kept, and
/// what the bundle says of it.
#[derive(Debug, Deserialize)]
pub struct BundleObject {
    pub r2_key: String,
    pub position: u32,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub received_at: String,
}

impl BundleObject {
    pub fn into_source(self) -> (String, EvidenceSource) {
        let BundleObject {
            r2_key,
            position,
            file_name,
            content_type,
            size,
            sha256,
            received_at,
        } = self;
        let source = EvidenceSource {
            position,
            file_name,
            content_type,
            size,
            sha256,
            received_at,
        };
        (r2_key, source)
    }
}

/// Every piece of evidence of the store's case, in the case's order, with the time its
/// upload arrived.
pub async fn bundle_objects(
    db: &D1Database,
    store_id: &str,
    case_id: &str,
) -> Result<Vec<BundleObject>> {
    super::all(query!(
        db,
        "SELECT e.r2_key, e.position, e.file_name, e.content_type, e.size, e.sha256,
                COALESCE(u.created_at, c.created_at) AS received_at
         FROM evidence e JOIN cases c ON c.id = e.case_id
         LEFT JOIN uploads u ON u.token = e.upload_token
         WHERE e.case_id = ?1 AND c.store_id = ?2
         ORDER BY e.position",
        case_id,
        store_id
    ))
    .await
}

/// Complaints per period and key over `[from, to)`.
pub async fn trends(
    db: &D1Database,
    store_id: &str,
    by: TrendDimension,
    bucket: TrendBucket,
    from: &str,
    to: &str,
) -> Result<Vec<TrendPoint>> {
    let period = match bucket {
        TrendBucket::Day => "substr(created_at, 1, 10)",
        // The Monday on or before the day.
        TrendBucket::Week => "date(substr(created_at, 1, 10), '-6 days', 'weekday 1')",
    };
    let sql = format!(
        "SELECT {period} AS period, {key} AS key, COUNT(*) AS count FROM cases
         WHERE store_id = ?1 AND created_at >= ?2 AND created_at < ?3
         GROUP BY period, key ORDER BY period, key",
        key = by.key_sql()
    );
    super::all(
        db.prepare(sql)
            .bind(&[store_id.into(), from.into(), to.into()]),
    )
    .await
}
