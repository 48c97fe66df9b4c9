//! The agent API: a store's agents list, read and work its cases. Every handler
//! authenticates first and passes the agent's store to every query.

use redress_shared::agent_api::{parse_case_query, CaseMessage, CaseUpdate, EventKind};
use redress_shared::trends::{parse_trend_query, Trends};
use redress_shared::workflow::{check_transition, WorkflowError};
use redress_shared::{hex, ApiError, ErrorCode, FieldError, FieldErrorCode};
use worker::{Env, Headers, Request, Response};

use crate::agent_auth::{authenticate, Agent};
use crate::case_queries::{self, Change, Events, WorkState};
use crate::{bindings, clock, http};

/// Far above any honest note, reply or update.
const MAX_BODY_BYTES: usize = 32 * 1024;

/// `GET /v1/agent/cases`
pub async fn list(req: Request, env: &Env) -> Result<Response, ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(&req, env, &db).await?;
    let pairs = http::query_pairs(&req)?;
    let query = parse_case_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::validation)?;
    let page = case_queries::list(&db, &agent.store_id, &query, &clock::now_rfc3339()).await?;
    Ok(http::json(200, &page))
}

/// `GET /v1/agent/trends`: complaints per day or week by one dimension.
pub async fn trends(req: Request, env: &Env) -> Result<Response, ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(&req, env, &db).await?;
    let pairs = http::query_pairs(&req)?;
    let query = parse_trend_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::validation)?;
    let from = query.from.unwrap_or_else(|| clock::rfc3339_days_ago(30));
    let to = query.to.unwrap_or_else(clock::now_rfc3339);
    let series =
        case_queries::trends(&db, &agent.store_id, query.by, query.bucket, &from, &to).await?;
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

/// `GET /v1/agent/cases/{id}`
pub async fn detail(req: Request, env: &Env, case_id: &str) -> Result<Response, ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(&req, env, &db).await?;
    let detail = case_queries::detail(&db, &agent.store_id, case_id, &clock::now_rfc3339())
        .await?
        .ok_or_else(not_found)?;
    Ok(http::json(200, &detail))
}

/// `PATCH /v1/agent/cases/{id}`: status, assignee and resolution, all or nothing.
pub async fn update(mut req: Request, env: &Env, case_id: &str) -> Result<Response, ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(&req, env, &db).await?;
    let update: CaseUpdate = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    update.check().map_err(ApiError::validation)?;
    let from = case_queries::work_state(&db, &agent.store_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let (to, events) = plan(&from, &update)?;
    if !events.is_empty() {
        let write_id = hex(&clock::random::<8>()?);
        let change = Change {
            store_id: &agent.store_id,
            case_id,
            actor: &agent.agent,
            at: &clock::now_rfc3339(),
            write_id: &write_id,
            events,
        };
        if !case_queries::apply(&db, &change, &from, &to).await? {
            return Err(ApiError::new(
                ErrorCode::EditConflict,
                "Someone changed this case meanwhile; nothing was saved. Reload it and try again.",
            ));
        }
    }
    detail_response(&db, &agent, case_id).await
}

/// The work state after `update`, and the events that say what changed.
fn plan(from: &WorkState, update: &CaseUpdate) -> Result<(WorkState, Events), ApiError> {
    let mut to = from.clone();
    let mut events = Vec::new();
    if let Some(resolution) = update.resolution {
        if from.resolution_taken != Some(resolution) {
            to.resolution_taken = Some(resolution);
            events.push((
                EventKind::ResolutionTaken,
                Some(resolution.code().to_owned()),
            ));
        }
    }
    if let Some(assignee) = &update.assignee {
        let assignee = Some(assignee.trim().to_owned()).filter(|a| !a.is_empty());
        if from.assignee != assignee {
            to.assignee = assignee.clone();
            events.push((EventKind::Assigned, assignee));
        }
    }
    if let Some(status) = update.status {
        check_transition(from.status, status, to.resolution_taken).map_err(refusal)?;
        to.status = status;
        events.push((EventKind::StatusChanged, Some(status.code().to_owned())));
    }
    Ok((to, events))
}

fn refusal(error: WorkflowError) -> ApiError {
    match error {
        WorkflowError::IllegalTransition { from, to } => ApiError::new(
            ErrorCode::IllegalTransition,
            format!("A case cannot go from {} to {}.", from.code(), to.code()),
        ),
        WorkflowError::ResolutionRequired => ApiError::validation(vec![FieldError::new(
            "resolution",
            FieldErrorCode::Required,
            "Say which resolution was taken to resolve the case.",
        )]),
    }
}

/// `POST /v1/agent/cases/{id}/notes` (internal) and `.../replies` (to the shopper).
pub async fn message(
    mut req: Request,
    env: &Env,
    case_id: &str,
    kind: EventKind,
) -> Result<Response, ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(&req, env, &db).await?;
    let message: CaseMessage = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    message.check().map_err(ApiError::validation)?;
    let at = clock::now_rfc3339();
    let text = message.text.trim();
    let added =
        case_queries::add_message(&db, &agent.store_id, case_id, &agent.agent, &at, kind, text)
            .await?;
    if !added {
        return Err(not_found());
    }
    detail_response(&db, &agent, case_id).await
}

/// `GET /v1/agent/cases/{id}/evidence/{position}`: the stored bytes, streamed from R2,
/// with the type decided at upload and headers that keep a browser from running them.
pub async fn evidence(
    req: Request,
    env: &Env,
    case_id: &str,
    position: &str,
) -> Result<Response, ApiError> {
    let db = bindings::db(env)?;
    let agent = authenticate(&req, env, &db).await?;
    let position: u32 = position.parse().map_err(|_| not_found())?;
    let found = case_queries::evidence_object(&db, &agent.store_id, case_id, position)
        .await?
        .ok_or_else(not_found)?;
    let bucket = bindings::evidence(env)?;
    let object = bucket
        .get(&found.r2_key)
        .execute()
        .await
        .map_err(crate::storage::unavailable)?
        .ok_or_else(not_found)?;
    let body = object
        .body()
        .ok_or_else(not_found)?
        .response_body()
        .map_err(crate::storage::unavailable)?;
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
    db: &worker::D1Database,
    agent: &Agent,
    case_id: &str,
) -> Result<Response, ApiError> {
    let detail = case_queries::detail(db, &agent.store_id, case_id, &clock::now_rfc3339())
        .await?
        .ok_or_else(not_found)?;
    Ok(http::json(200, &detail))
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "This store has no such case.")
}
