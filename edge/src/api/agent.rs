//! The agent API: a store's agents list, read and work its cases. Every handler
//! authenticates first and passes the agent's store to every query.

use futures_util::{StreamExt, TryStreamExt};
use redress_shared::agent_api::{
    parse_case_query, AgentLanguage, AgentMessage, AgentProfile, CaseUpdate, ReplyTranslation,
    ReplyTranslationRequest,
};
use redress_shared::export::{self, ExportRow};
use redress_shared::language;
use redress_shared::metrics::{self, parse_metrics_query, Metrics};
use redress_shared::offer::{self, OfferDraft, OfferError, OfferState};
use redress_shared::outcome::{self, Done};
use redress_shared::store::StoreConfig;
use redress_shared::time::{rfc3339, MS_PER_DAY};
use redress_shared::timeline::EventKind;
use redress_shared::translation::{self, Original};
use redress_shared::trends::{parse_trend_query, Trends};
use redress_shared::workflow::{self, WorkState};
use redress_shared::{hex, ApiError, ErrorCode};
use worker::{D1Database, Env, Headers, Request, Response};

use crate::api::agent_auth::open;
use crate::db::agent_cases::{self, Change, Reading};
use crate::db::agent_tokens::{self, Agent};
use crate::db::{outcomes, stores};
use crate::jobs::{outbox, translate};
use crate::{bindings, clock, db, http};

/// How far back trends and metrics look when the agent gives no start.
const TRENDS_DEFAULT_DAYS: i64 = 30;

/// Far above any honest note, reply or update.
const MAX_BODY_BYTES: usize = 32 * 1024;

/// `GET /v1/agent/cases`
pub async fn list(req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let pairs = http::query_pairs(&req)?;
    let query = parse_case_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::validation)?;
    let page = agent_cases::list(&db, &agent.store_id, &query, &clock::now_rfc3339()).await?;
    Ok(http::json(200, &page))
}

/// Cases per page of an export: the next page is read as the response streams.
const EXPORT_PAGE: u32 = 100;

/// `GET /v1/agent/exports/cases`: every case the list's filters select (in its order),
/// as CSV with a byte-order mark, streamed a page at a time so no export is held whole.
pub async fn export_cases(req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let pairs = http::query_pairs(&req)?;
    let mut query = parse_case_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::validation)?;
    query.limit = EXPORT_PAGE;
    let now = clock::now_rfc3339();
    // The first page is read before answering: a failure now is an error, not a cut file.
    let (rows, next) = agent_cases::export_page(&db, &agent.store_id, &query, &now).await?;
    let first = csv_chunk(&rows, true)?;
    let store = agent.store_id.clone();
    let file_name = format!("redress-cases-{store}-{}.csv", &now[..10]);
    let rest =
        futures_util::stream::unfold(Some((db, store, query, now, next)), |state| async move {
            let (db, store, mut query, now, next) = state?;
            query.after = Some(next?);
            match agent_cases::export_page(&db, &store, &query, &now).await {
                Ok((rows, next)) => {
                    Some((csv_chunk(&rows, false), Some((db, store, query, now, next))))
                }
                Err(e) => Some((Err(e), None)),
            }
        });
    let body = futures_util::stream::once(async move { Ok(first) })
        .chain(rest)
        .map_err(|e: ApiError| {
            worker::console_error!("export cut short: {}", e.message);
            worker::Error::RustError(e.message)
        });
    http::attachment(body, "text/csv; charset=utf-8", &file_name)
}

/// Rows as CSV (RFC 4180: CRLF, quoted where needed), after the byte-order mark and
/// the header for the first chunk.
fn csv_chunk(rows: &[ExportRow], first: bool) -> Result<Vec<u8>, ApiError> {
    let failed = |e: String| ApiError::new(ErrorCode::Internal, e);
    let start = if first {
        export::BOM.as_bytes().to_vec()
    } else {
        Vec::new()
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(start);
    if first {
        writer
            .write_record(ExportRow::HEADER)
            .map_err(|e| failed(e.to_string()))?;
    }
    for row in rows {
        writer
            .write_record(row.cells())
            .map_err(|e| failed(e.to_string()))?;
    }
    writer.into_inner().map_err(|e| failed(e.to_string()))
}

/// `GET /v1/agent/metrics`: how well the store handled the period's cases, in total and
/// by one dimension, with its backlog now.
pub async fn metrics(req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let pairs = http::query_pairs(&req)?;
    let query = parse_metrics_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::validation)?;
    let now_ms = clock::now_ms();
    let (from, to) = period(query.from, query.to, now_ms);
    let days = match (instant_ms(&from), instant_ms(&to)) {
        (Some(from), Some(to)) => metrics::checkpoints(from, to),
        _ => Vec::new(),
    };
    let (tallies, backlog, open_over_time) = db::metrics::compute(
        &db,
        &agent.store_id,
        (&from, &to),
        query.by,
        (now_ms, &days),
    )
    .await?;
    let (total, groups) = metrics::summarize(&tallies);
    Ok(http::json(
        200,
        &Metrics {
            from,
            to,
            by: query.by,
            total,
            groups: if query.by.is_some() {
                groups
            } else {
                Vec::new()
            },
            backlog,
            open_over_time,
        },
    ))
}

/// A date (`2026-11-01`, its start) or an RFC 3339 instant, in unix milliseconds.
fn instant_ms(text: &str) -> Option<i64> {
    redress_shared::time::parse_rfc3339(text)
        .or_else(|| redress_shared::time::parse_date(text).map(|d| d * MS_PER_DAY))
}

/// A period as asked, the last 30 days up to now where it is not.
fn period(from: Option<String>, to: Option<String>, now_ms: i64) -> (String, String) {
    (
        from.unwrap_or_else(|| rfc3339(now_ms - TRENDS_DEFAULT_DAYS * MS_PER_DAY)),
        to.unwrap_or_else(|| rfc3339(now_ms)),
    )
}

/// `GET /v1/agent/trends`: complaints per day or week by one dimension.
pub async fn trends(req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let pairs = http::query_pairs(&req)?;
    let query = parse_trend_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::validation)?;
    let (from, to) = period(query.from, query.to, clock::now_ms());
    let series =
        agent_cases::trends(&db, &agent.store_id, query.by, query.bucket, &from, &to).await?;
    Ok(http::json(
        200,
        &Trends {
            by: query.by,
            bucket: query.bucket,
            totals: Trends::totals_of(&series),
            from,
            to,
            series,
        },
    ))
}

/// `GET /v1/agent/cases/{id}`. The shopper's texts come translated into the agent's
/// language (their own, or the store's): those the queue consumer has not translated
/// into it (another language chosen by the agent, a text refused for a past day's
/// allowance, one filed before a translator was set up) are translated now, on the
/// agent's request and within the store's allowance, and kept for the next reading.
pub async fn detail(req: Request, env: &Env, case_id: &str) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let Reading {
        mut detail,
        texts,
        translation: settings,
    } = read_detail(&db, &agent, case_id).await?;
    if let Some(translator) = bindings::translator(env) {
        let language = agent
            .working_language
            .as_deref()
            .unwrap_or(&settings.working_language);
        for (place, job) in texts.missing(&detail.translations, language, language::detect) {
            let translation =
                translate::now(&db, Some(&translator), &agent.store_id, &settings, &job).await?;
            detail.translations.put(place, translation);
        }
    }
    Ok(http::json(200, &detail))
}

/// `GET /v1/agent/me`: who the token names, and the languages they work in.
pub async fn me(req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    Ok(http::json(200, &profile(&db, agent).await?))
}

/// `PUT /v1/agent/me`: `{"working_language": "zh"}` to read shoppers in Chinese,
/// `null` for the store's language.
pub async fn set_language(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let (db, mut agent) = open(&req, env).await?;
    let chosen: AgentLanguage = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let language = chosen.checked().map_err(ApiError::validation)?;
    agent_tokens::set_working_language(&db, &agent.id, language.as_deref()).await?;
    agent.working_language = language;
    Ok(http::json(200, &profile(&db, agent).await?))
}

async fn profile(db: &D1Database, agent: Agent) -> Result<AgentProfile, ApiError> {
    let store = store_of(db, &agent).await?;
    Ok(AgentProfile {
        agent: agent.agent,
        store_id: agent.store_id,
        store_working_language: store.translation.working_language,
        working_language: agent.working_language,
    })
}

/// `PATCH /v1/agent/cases/{id}`: status, assignee and resolution, all or nothing.
pub async fn update(mut req: Request, env: &Env, case_id: &str) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let update: CaseUpdate = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    update.check().map_err(ApiError::validation)?;
    let from = agent_cases::work_state(&db, &agent.store_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let at = clock::now_rfc3339();
    let (to, events) = workflow::plan(&from, &update, &at)?;
    if !events.is_empty() {
        let write_id = hex(&clock::random::<8>()?);
        let change = by_agent(&agent, case_id, (&at, &write_id), events);
        commit(env, &db, &change, (&from, &to)).await?;
    }
    detail_response(&db, &agent, case_id).await
}

/// `POST /v1/agent/cases/{id}/offers`: proposes an outcome to the shopper, in the
/// store's currencies, open for the store's days; the case waits for their answer.
pub async fn make_offer(mut req: Request, env: &Env, case_id: &str) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let draft: OfferDraft = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let store = store_of(&db, &agent).await?;
    let draft = draft.checked(&store.currencies)?;
    let (from, offers) = agent_cases::work_and_offers(&db, &agent.store_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let now_ms = clock::now_ms();
    let number = offer::next_number(&offers);
    let (offer, to, events) = offer::make(&from, draft, number, now_ms, store.offer_days)?;
    let write_id = hex(&clock::random::<8>()?);
    let at = offer.made_at.clone();
    let change = by_agent(&agent, case_id, (&at, &write_id), events).making(&offer);
    commit(env, &db, &change, (&from, &to)).await?;
    Ok(detail_response(&db, &agent, case_id)
        .await?
        .with_status(201))
}

/// `POST /v1/agent/cases/{id}/offers/{number}/withdrawal`: takes back an open offer.
pub async fn withdraw_offer(
    req: Request,
    env: &Env,
    case_id: &str,
    number: &str,
) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let number: u32 = number
        .parse()
        .map_err(|_| ApiError::from(OfferError::NoSuchOffer))?;
    let (from, offers) = agent_cases::work_and_offers(&db, &agent.store_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let at = clock::now_rfc3339();
    let events = offer::withdraw(&offers, number, &at)?;
    let write_id = hex(&clock::random::<8>()?);
    let change = by_agent(&agent, case_id, (&at, &write_id), events)
        .settling(vec![(number, OfferState::Withdrawn)]);
    commit(env, &db, &change, (&from, &from)).await?;
    detail_response(&db, &agent, case_id).await
}

/// `POST /v1/agent/cases/{id}/outcomes`: records what the store did (a refund issued,
/// a parcel shipped...), shown to the shopper and emailed to them.
pub async fn record_outcome(
    mut req: Request,
    env: &Env,
    case_id: &str,
) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let done: Done = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let store = store_of(&db, &agent).await?;
    let done = done
        .checked(&store.currencies)
        .map_err(ApiError::validation)?;
    let from = agent_cases::work_state(&db, &agent.store_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let recorded = outcomes::of_case(&db, case_id).await?;
    let at = clock::now_rfc3339();
    let (outcome, events) = outcome::record(&recorded, done, &at);
    let write_id = hex(&clock::random::<8>()?);
    let change = by_agent(&agent, case_id, (&at, &write_id), events).recording(&outcome);
    commit(env, &db, &change, (&from, &from)).await?;
    Ok(detail_response(&db, &agent, case_id)
        .await?
        .with_status(201))
}

/// Applies an agent's change, all or nothing, and announces it; refused if someone
/// changed the case since it was read.
async fn commit(
    env: &Env,
    db: &D1Database,
    change: &Change<'_>,
    (from, to): (&WorkState, &WorkState),
) -> Result<(), ApiError> {
    let to = super::settle_clocks(db, change.store_id, (from, to.clone()), change.at).await?;
    if !agent_cases::apply(db, change, from, &to).await? {
        return Err(ApiError::new(
            ErrorCode::EditConflict,
            "Someone changed this case meanwhile; nothing was saved. Reload it and try again.",
        ));
    }
    outbox::announce(env, db, change.case_id).await;
    Ok(())
}

/// `POST /v1/agent/cases/{id}/notes` (internal) and `.../replies` (to the shopper).
pub async fn message(
    mut req: Request,
    env: &Env,
    case_id: &str,
    kind: EventKind,
) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let message: AgentMessage = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    message.check(kind).map_err(ApiError::validation)?;
    let at = clock::now_rfc3339();
    let original = message.original.map(|o| Original {
        language: o.language,
        text: o.text.trim().to_owned(),
    });
    let added = agent_cases::add_message(
        &db,
        &agent.store_id,
        case_id,
        &agent.agent,
        &at,
        (kind, message.text.trim(), original.as_ref()),
    )
    .await?;
    if !added {
        return Err(not_found());
    }
    outbox::announce(env, &db, case_id).await;
    detail_response(&db, &agent, case_id).await
}

/// `POST /v1/agent/cases/{id}/reply-translation`: the agent's reply as the shopper would
/// read it, translated into the case's language for the agent to check and edit before
/// sending (`translation` null when the shopper reads the agent's language). Counted
/// against the store's allowance; a translator that fails is answered as
/// `unavailable`, and the agent may send their own words.
pub async fn translate_reply(
    mut req: Request,
    env: &Env,
    case_id: &str,
) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let request: ReplyTranslationRequest = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    request.check().map_err(ApiError::validation)?;
    let context = agent_cases::reply_context(&db, &agent.store_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let text = request.text.trim();
    let translation = match translation::reply_job(text, &request.language, &context.locale) {
        None => None,
        Some(job) => {
            let translator = bindings::translator(env);
            let settings = &context.translation;
            Some(translate::now(&db, translator.as_ref(), &agent.store_id, settings, &job).await?)
        }
    };
    Ok(http::json(200, &ReplyTranslation { translation }))
}

/// `GET /v1/agent/cases/{id}/evidence/{position}`: the stored bytes, streamed from R2,
/// with the type decided at upload and headers that keep a browser from running them.
pub async fn evidence(
    req: Request,
    env: &Env,
    case_id: &str,
    position: &str,
) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let position: u32 = position.parse().map_err(|_| not_found())?;
    let found = agent_cases::evidence_object(&db, &agent.store_id, case_id, position)
        .await?
        .ok_or_else(not_found)?;
    let bucket = bindings::evidence(env)?;
    let object = bucket
        .get(&found.r2_key)
        .execute()
        .await
        .map_err(db::unavailable)?
        .ok_or_else(not_found)?;
    let body = object
        .body()
        .ok_or_else(not_found)?
        .response_body()
        .map_err(db::unavailable)?;
    let headers = Headers::new();
    let inline =
        found.content_type.starts_with("image/") || found.content_type.starts_with("video/");
    let disposition = if inline { "inline" } else { "attachment" };
    let set = |name: &str, value: &str| {
        headers
            .set(name, value)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
    };
    set("Content-Type", &found.content_type)?;
    set("Content-Length", &found.size.to_string())?;
    set(
        "Content-Disposition",
        &format!(
            "{disposition}; filename=\"evidence-{position}\"; filename*=UTF-8''{}",
            percent_encode(&found.file_name)
        ),
    )?;
    set("X-Content-Type-Options", "nosniff")?;
    // Even if opened directly, evidence runs no script and reaches nothing.
    set(
        "Content-Security-Policy",
        "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
    )?;
    set("Cache-Control", "private, max-age=300")?;
    let response =
        Response::from_body(body).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(response.with_headers(headers))
}

/// RFC 5987 encoding for a `filename*` parameter.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn detail_response(
    db: &D1Database,
    agent: &Agent,
    case_id: &str,
) -> Result<Response, ApiError> {
    Ok(http::json(
        200,
        &read_detail(db, agent, case_id).await?.detail,
    ))
}

/// The case as the agent reads it.
async fn read_detail(db: &D1Database, agent: &Agent, case_id: &str) -> Result<Reading, ApiError> {
    let reader = (agent.store_id.as_str(), agent.working_language.as_deref());
    agent_cases::detail(db, reader, case_id, &clock::now_rfc3339())
        .await?
        .ok_or_else(not_found)
}

/// A change of case `case_id` of the agent's store, by the agent.
fn by_agent<'a>(
    agent: &'a Agent,
    case_id: &'a str,
    (at, write_id): (&'a str, &'a str),
    events: workflow::Events,
) -> Change<'a> {
    Change::new(
        (&agent.store_id, case_id),
        &agent.agent,
        (at, write_id),
        events,
    )
}

/// The agent's store's settings (its currencies, how long offers stay open).
async fn store_of(db: &D1Database, agent: &Agent) -> Result<StoreConfig, ApiError> {
    let store = stores::load(db, &agent.store_id).await?;
    Ok(store.ok_or_else(not_found)?.config)
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "This store has no such case.")
}
