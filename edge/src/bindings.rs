//! The one place that names the worker's bindings; `wrangler.toml` declares them.

use redress_shared::{ApiError, ErrorCode};
use worker::{Bucket, D1Database, Env, Queue, RateLimiter, SendEmail};

use crate::jobs::translate::Translator;
use crate::rate_limits::Limit;

const DB: &str = "DB";
const EVIDENCE: &str = "EVIDENCE";
const NOTIFICATIONS: &str = "NOTIFICATIONS";
const EMAIL_API_URL: &str = "EMAIL_API_URL";
const EMAIL_API_KEY: &str = "EMAIL_API_KEY";
const EMAIL_FROM: &str = "EMAIL_FROM";
const STATUS_LINK_KEY: &str = "STATUS_LINK_KEY";
const SHOPPER_EMAIL: &str = "SHOPPER_EMAIL";
const SHOPPER_EMAIL_FROM: &str = "SHOPPER_EMAIL_FROM";

pub fn rate_limiter(env: &Env, limit: Limit) -> worker::Result<RateLimiter> {
    env.rate_limiter(match limit {
        Limit::SubmissionsPerClient => "SUBMISSIONS_PER_CLIENT",
        Limit::SubmissionsPerStore => "SUBMISSIONS_PER_STORE",
        Limit::UploadsPerClient => "UPLOADS_PER_CLIENT",
        Limit::UploadsPerStore => "UPLOADS_PER_STORE",
        Limit::AgentAuthFailuresPerClient => "AGENT_AUTH_FAILURES_PER_CLIENT",
        Limit::MessagesPerClient => "MESSAGES_PER_CLIENT",
        Limit::MessagesPerCase => "MESSAGES_PER_CASE",
    })
}

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

/// The email provider's HTTP API (Resend's `POST /emails` shape), its key and the
/// sender address; `None` unless both the key and the sender are set.
pub fn email_provider(env: &Env) -> Option<EmailProvider> {
    let api_key = secret_or_var(env, EMAIL_API_KEY)?;
    let from = secret_or_var(env, EMAIL_FROM)?;
    let url = secret_or_var(env, EMAIL_API_URL)
        .unwrap_or_else(|| "https://api.resend.com/emails".to_owned());
    Some(EmailProvider { url, api_key, from })
}

/// How shoppers are emailed: through Cloudflare Email Service (the `SHOPPER_EMAIL`
/// `send_email` binding; `wrangler dev` simulates it) or the operator's HTTP provider.
pub enum ShopperMailer {
    Binding { binding: SendEmail, from: String },
    Http(EmailProvider),
}

/// `SHOPPER_EMAIL_FROM` (an address on a domain set up for Email Service) sends through
/// the binding; `SHOPPER_EMAIL_VIA = "http"` through the HTTP provider instead (from its
/// `EMAIL_FROM` unless `SHOPPER_EMAIL_FROM` says otherwise). `None`: shoppers are not
/// emailed.
pub fn shopper_mailer(env: &Env) -> Option<ShopperMailer> {
    let from = secret_or_var(env, SHOPPER_EMAIL_FROM);
    if secret_or_var(env, "SHOPPER_EMAIL_VIA").as_deref() == Some("http") {
        let provider = email_provider(env)?;
        return Some(ShopperMailer::Http(EmailProvider {
            from: from.unwrap_or(provider.from.clone()),
            ..provider
        }));
    }
    let binding = env.send_email(SHOPPER_EMAIL).ok()?;
    Some(ShopperMailer::Binding {
        binding,
        from: from?,
    })
}

impl ShopperMailer {
    /// The sending address.
    pub fn from(&self) -> &str {
        match self {
            ShopperMailer::Binding { from, .. } => from,
            ShopperMailer::Http(provider) => &provider.from,
        }
    }
}

/// Where the edge is reached from outside (`PUBLIC_URL`, e.g. `https://redress.example`):
/// links in the shoppers' emails open the case page there. `None`: emails carry no link.
pub fn public_url(env: &Env) -> Option<String> {
    secret_or_var(env, "PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned())
}

/// The domain shoppers' replies are sent to (`REPLY_DOMAIN`, routed to this worker by
/// Cloudflare Email Routing). `None`: emails carry no reply address.
pub fn reply_domain(env: &Env) -> Option<String> {
    secret_or_var(env, "REPLY_DOMAIN")
}

/// The edge's signing key: shoppers' status tokens and the widget's form tokens are
/// derived with it. Without it, receipts carry no status token, the status view is
/// closed and forms are not timed. `wrangler secret put STATUS_LINK_KEY`.
pub fn signing_key(env: &Env) -> Option<String> {
    secret_or_var(env, STATUS_LINK_KEY)
}

/// Who translates shoppers' texts for stores: an HTTP provider with LibreTranslate's
/// API when `TRANSLATE_URL` is set (with `TRANSLATE_API_KEY` if it wants one), else
/// Workers AI through the `AI` binding when it is bound, else nobody.
pub fn translator(env: &Env) -> Option<Translator> {
    if let Some(url) = secret_or_var(env, "TRANSLATE_URL") {
        let api_key = secret_or_var(env, "TRANSLATE_API_KEY");
        return Some(Translator::Http { url, api_key });
    }
    env.ai("AI").ok().map(Translator::WorkersAi)
}

/// Fault injection for the load test, never set in production: the queue consumer
/// asks for each message again this many times after delivering it, as a consumer
/// that crashed before acknowledging would. `FAULT_CONSUMER_FAILS_FIRST`.
pub fn consumer_fails_first(env: &Env) -> u32 {
    secret_or_var(env, "FAULT_CONSUMER_FAILS_FIRST")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Where the edge asks Cloudflare about Turnstile tokens, and where the widget loads
/// Turnstile's script: Cloudflare's, unless `TURNSTILE_VERIFY_URL` or
/// `TURNSTILE_SCRIPT_URL` say otherwise (the tests' local stand-in).
pub fn turnstile_verify_url(env: &Env) -> String {
    secret_or_var(env, "TURNSTILE_VERIFY_URL")
        .unwrap_or_else(|| redress_shared::turnstile::SITEVERIFY_URL.to_owned())
}

pub fn turnstile_script_url(env: &Env) -> String {
    secret_or_var(env, "TURNSTILE_SCRIPT_URL")
        .unwrap_or_else(|| redress_shared::turnstile::SCRIPT_URL.to_owned())
}

pub struct EmailProvider {
    pub url: String,
    pub api_key: String,
    pub from: String,
}

fn secret_or_var(env: &Env, name: &str) -> Option<String> {
    let from_secret = env.secret(name).ok().map(|s| s.to_string());
    let from_var = || env.var(name).ok().map(|v| v.to_string());
    from_secret
        .or_else(from_var)
        .filter(|value| !value.trim().is_empty())
}

fn missing(name: &'static str) -> impl Fn(worker::Error) -> ApiError {
    move |e| {
        worker::console_error!("binding {name} unavailable: {e}");
        ApiError::new(ErrorCode::Internal, "The service is misconfigured.")
    }
}
