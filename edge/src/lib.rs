//! The Redress edge: a Cloudflare Worker that takes evidence and complaints from the
//! widget, stores them in R2 and D1, and forwards new cases through a Queue.
//!
//! Handlers (`api`) are thin: they read the request, call `redress_shared` for every
//! rule, call `db` (where all SQL lives), and answer. `jobs` holds the queue consumer
//! and the cron jobs. Bindings are reached only through [`bindings`].

mod api;
mod bindings;
mod clock;
mod db;
mod http;
mod jobs;
mod rate_limits;
mod turnstile;

use api::{
    agent, complaints, dispute_bundle, evidence_upload, saved_replies, shopper_status, stores,
};
use jobs::{notify, outbox, upload_cleanup};
use redress_shared::timeline::EventKind;
use redress_shared::{routes, ApiError, ErrorCode};
use worker::{event, Context, Env, MessageBatch, Method, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let origin = http::header(&req, "Origin");
    let answer = route(req, &env).await;
    let response = answer.unwrap_or_else(http::error);
    Ok(http::with_cors(response, origin.as_deref()))
}

async fn route(req: Request, env: &Env) -> std::result::Result<Response, ApiError> {
    let path = req.path();
    let (template, params) = routes::resolve(&path).unwrap_or_default();
    match (req.method(), template, params.as_slice()) {
        (Method::Options, _, _) => Ok(http::preflight()),
        (Method::Get, routes::HEALTH, _) => Ok(health()),
        (Method::Post, routes::EVIDENCE, _) => evidence_upload::handle(req, env).await,
        (Method::Post, routes::COMPLAINTS, _) => complaints::handle(req, env).await,
        (Method::Post, routes::CASE_MESSAGES, [reference]) => {
            shopper_status::post_message(req, env, reference).await
        }
        (Method::Post, routes::CASE_EVIDENCE, [reference]) => {
            shopper_status::post_evidence(req, env, reference).await
        }
        (Method::Post, routes::CASE_RATING, [reference]) => {
            shopper_status::post_rating(req, env, reference).await
        }
        (Method::Post, routes::CASE_OFFER, [reference, number]) => {
            shopper_status::answer_offer(req, env, reference, number).await
        }
        (Method::Get, routes::CASE_STATUS, [reference]) => {
            shopper_status::handle(req, env, reference).await
        }
        (Method::Get, routes::STORE_WIDGET, [store]) => {
            stores::widget_settings(req, env, store).await
        }
        (Method::Get, routes::STORE_FORM_TOKEN, [store]) => {
            stores::form_token(req, env, store).await
        }
        (Method::Get, routes::AGENT_ME, _) => agent::me(req, env).await,
        (Method::Put, routes::AGENT_ME, _) => agent::set_language(req, env).await,
        (Method::Get, routes::AGENT_CASES, _) => agent::list(req, env).await,
        (Method::Get, routes::AGENT_TRENDS, _) => agent::trends(req, env).await,
        (Method::Get, routes::AGENT_METRICS, _) => agent::metrics(req, env).await,
        (Method::Get, routes::AGENT_EXPORT_CASES, _) => agent::export_cases(req, env).await,
        (Method::Get, routes::AGENT_CASE, [id]) => agent::detail(req, env, id).await,
        (Method::Patch, routes::AGENT_CASE, [id]) => agent::update(req, env, id).await,
        (Method::Post, routes::AGENT_CASE_NOTES, [id]) => {
            agent::message(req, env, id, EventKind::Note).await
        }
        (Method::Post, routes::AGENT_CASE_REPLIES, [id]) => {
            agent::message(req, env, id, EventKind::Reply).await
        }
        (Method::Post, routes::AGENT_CASE_REPLY_TRANSLATION, [id]) => {
            agent::translate_reply(req, env, id).await
        }
        (Method::Post, routes::AGENT_CASE_OFFERS, [id]) => agent::make_offer(req, env, id).await,
        (Method::Post, routes::AGENT_CASE_OUTCOMES, [id]) => {
            agent::record_outcome(req, env, id).await
        }
        (Method::Post, routes::AGENT_CASE_OFFER_WITHDRAWAL, [id, number]) => {
            agent::withdraw_offer(req, env, id, number).await
        }
        (Method::Get, routes::AGENT_CASE_EVIDENCE, [id, position]) => {
            agent::evidence(req, env, id, position).await
        }
        (Method::Get, routes::AGENT_CASE_BUNDLE, [id]) => {
            dispute_bundle::answer(req, env, id).await
        }
        (Method::Get, routes::AGENT_SAVED_REPLIES, _) => saved_replies::list(req, env).await,
        (Method::Post, routes::AGENT_SAVED_REPLIES, _) => saved_replies::put(req, env, None).await,
        (Method::Put, routes::AGENT_SAVED_REPLY, [id]) => {
            saved_replies::put(req, env, Some(id)).await
        }
        (Method::Delete, routes::AGENT_SAVED_REPLY, [id]) => {
            saved_replies::delete(req, env, id).await
        }
        (_, template, _) if !template.is_empty() => Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            "This method is not allowed on this path.",
        )),
        _ => Err(ApiError::new(
            ErrorCode::RouteNotFound,
            "Nothing lives at this path.",
        )),
    }
}

/// Liveness, and this isolate's WebAssembly memory: it only ever grows, so after a large
/// upload it shows whether the body passed through or was held (see `evidence_upload`).
fn health() -> Response {
    #[cfg(target_arch = "wasm32")]
    let wasm_memory_bytes = core::arch::wasm32::memory_size(0) * 65536;
    #[cfg(not(target_arch = "wasm32"))]
    let wasm_memory_bytes = 0;
    http::json(
        200,
        &serde_json::json!({ "ok": true, "wasm_memory_bytes": wasm_memory_bytes }),
    )
}

/// Replies by email, from Cloudflare Email Routing (`jobs::email_in`).
#[event(email)]
async fn email(
    message: worker::ForwardableEmailMessage,
    env: Env,
    _ctx: worker::Context,
) -> worker::Result<()> {
    jobs::email_in::receive(message, &env).await;
    Ok(())
}

#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    match outbox::sweep(&env).await {
        Ok(0) => {}
        Ok(n) => worker::console_log!("outbox: re-enqueued {n} stranded case(s) and entries"),
        Err(e) => worker::console_error!("outbox sweep failed: {}", e.message),
    }
    match outbox::escalate(&env).await {
        Ok(0) => {}
        Ok(n) => worker::console_log!("escalated {n} case(s) nearing their deadline"),
        Err(e) => worker::console_error!("escalation failed: {}", e.message),
    }
    match outbox::record_breaches(&env).await {
        Ok(0) => {}
        Ok(n) => worker::console_log!("{n} service-level target(s) missed"),
        Err(e) => worker::console_error!("breach recording failed: {}", e.message),
    }
    match outbox::expire_offers(&env).await {
        Ok(0) => {}
        Ok(n) => worker::console_log!("{n} offer(s) expired unanswered"),
        Err(e) => worker::console_error!("offer expiry failed: {}", e.message),
    }
    match upload_cleanup::run(&env).await {
        Ok(0) => {}
        Ok(n) => worker::console_log!("removed {n} expired upload(s)"),
        Err(e) => worker::console_error!("upload cleanup failed: {}", e.message),
    }
}

#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    notify::consume(batch, &env).await
}
