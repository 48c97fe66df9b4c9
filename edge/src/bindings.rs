//! The one place that names the worker's bindings; `wrangler.toml` declares them.

use redress_shared::{ApiError, ErrorCode};
use worker::{Bucket, D1Database, Env, Queue};

const DB: &str = "DB";
const EVIDENCE: &str = "EVIDENCE";
const NOTIFICATIONS: &str = "NOTIFICATIONS";
const WEBHOOK_URL: &str = "WEBHOOK_URL";
const WEBHOOK_SECRET: &str = "WEBHOOK_SECRET";
const CHAT_WEBHOOK_URL: &str = "CHAT_WEBHOOK_URL";
const HIGH_VALUE_ORDER: &str = "HIGH_VALUE_ORDER_MINOR";

pub fn db(env: &Env) -> Result<D1Database, ApiError> {
    env.d1(DB).map_err(missing(DB))
}

/// For the queue consumer and cron jobs, whose errors are the runtime's, not an HTTP answer.
pub fn into_worker_error(e: ApiError) -> worker::Error {
    worker::Error::RustError(e.message)
}

pub fn evidence(env: &Env) -> Result<Bucket, ApiError> {
    env.bucket(EVIDENCE).map_err(missing(EVIDENCE))
}

pub fn notifications(env: &Env) -> Result<Queue, ApiError> {
    env.queue(NOTIFICATIONS).map_err(missing(NOTIFICATIONS))
}

/// The store's webhook, from a secret or a `[vars]` entry; `None` when unset or empty.
pub fn webhook_url(env: &Env) -> Option<String> {
    secret_or_var(env, WEBHOOK_URL)
}

/// The key that signs webhook deliveries; set it with `wrangler secret put WEBHOOK_SECRET`.
pub fn webhook_secret(env: &Env) -> Option<String> {
    secret_or_var(env, WEBHOOK_SECRET)
}

/// A Slack-compatible incoming webhook for the store's team chat.
pub fn chat_webhook_url(env: &Env) -> Option<String> {
    secret_or_var(env, CHAT_WEBHOOK_URL)
}

fn secret_or_var(env: &Env, name: &str) -> Option<String> {
    let from_secret = env.secret(name).ok().map(|s| s.to_string());
    let from_var = || env.var(name).ok().map(|v| v.to_string());
    from_secret
        .or_else(from_var)
        .filter(|value| !value.trim().is_empty())
}

/// Orders worth at least this (minor units) get priority `high`; unset means never.
/// Per-store thresholds replace this when stores are configured in D1.
pub fn high_value_order_threshold(env: &Env) -> Option<u64> {
    env.var(HIGH_VALUE_ORDER)
        .ok()
        .and_then(|v| v.to_string().trim().parse().ok())
}

fn missing(name: &'static str) -> impl Fn(worker::Error) -> ApiError {
    move |e| {
        worker::console_error!("binding {name} unavailable: {e}");
        ApiError::new(ErrorCode::Internal, "The service is misconfigured.")
    }
}
