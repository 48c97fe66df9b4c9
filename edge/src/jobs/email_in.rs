//! Replies by email: Cloudflare Email Routing hands mail sent to the reply domain to
//! the worker's `email` handler. A reply lands only on the case its address was made
//! for (`shared::email_reply`), only from the address on that case; machines (auto-
//! replies, bounces, list mail) are dropped unanswered, so mail never loops. The
//! shopper's own words join the conversation as a message from the case page would.

use mail_parser::MessageParser;
use redress_shared::email_reply;
use redress_shared::validate::{validate_message, Limits};
use worker::{Env, ForwardableEmailMessage, Headers};

use crate::api::shopper_status;
use crate::bindings;
use crate::db::cases;

/// Far above any reply with its text; attachments beyond it are refused whole.
const MAX_EMAIL_BYTES: f64 = 25.0 * 1024.0 * 1024.0;

/// Handles one incoming email. What cannot land is refused with a reason the sender's
/// mail server reports back; nothing is ever written for it.
pub async fn receive(message: ForwardableEmailMessage, env: &Env) {
    match land(&message, env).await {
        Ok(Landed::Message) => {}
        Ok(Landed::Dropped(why)) => worker::console_log!("dropped an automatic email ({why})"),
        Err(reason) => {
            worker::console_warn!("refused an email: {reason}");
            message.set_reject(&reason);
        }
    }
}

enum Landed {
    Message,
    Dropped(&'static str),
}

async fn land(message: &ForwardableEmailMessage, env: &Env) -> Result<Landed, String> {
    let (Some(key), Some(domain)) = (bindings::signing_key(env), bindings::reply_domain(env))
    else {
        return Err("This address does not accept email.".to_owned());
    };
    let headers = Headers(message.headers());
    let header = |name: &str| headers.get(name).ok().flatten();
    let from = message.from();
    if let Some(why) = email_reply::automatic(
        header("Auto-Submitted").as_deref(),
        header("Precedence").as_deref(),
        header("Return-Path").as_deref(),
        header("X-Auto-Response-Suppress").as_deref(),
        &from,
    ) {
        return Ok(Landed::Dropped(why.code()));
    }
    let to = message.to();
    let case_id = email_reply::case_of_address(key.as_bytes(), &to, &domain)
        .ok_or_else(|| "This address does not accept email.".to_owned())?;
    let db = bindings::db(env).map_err(|_| unavailable())?;
    let case = cases::load(&db, case_id)
        .await
        .map_err(|_| unavailable())?
        .ok_or_else(|| "This address does not accept email.".to_owned())?;
    if !from.trim().eq_ignore_ascii_case(case.details.email.trim()) {
        return Err("Only the address this case was filed from can answer it.".to_owned());
    }
    if message.raw_size() > MAX_EMAIL_BYTES {
        return Err("This email is too large.".to_owned());
    }
    let raw = message
        .raw_bytes()
        .await
        .map_err(|_| "This email could not be read.".to_owned())?;
    let parsed = MessageParser::default()
        .parse(&raw)
        .ok_or_else(|| "This email could not be read.".to_owned())?;
    let text = parsed.body_text(0).unwrap_or_default();
    let words =
        validate_message(&email_reply::own_words(&text), &Limits::default()).map_err(|errors| {
            let why = errors.first().map_or("", |e| e.message.as_str()).to_owned();
            format!("This reply could not be added to the case: {why}")
        })?;
    let written =
        shopper_status::record_message(env, &db, &case.details.store_id, case.id.as_str(), &words)
            .await
            .map_err(|e| e.message)?;
    if !written {
        return Err(unavailable());
    }
    Ok(Landed::Message)
}

fn unavailable() -> String {
    "The complaints service is unavailable; please try again later.".to_owned()
}
