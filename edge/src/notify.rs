//! The queue consumer: forwards each case event to the store's channels, once each.
//!
//! Channels: a generic webhook (the event's JSON, signed) and a chat webhook
//! (Slack-compatible, shopper text never parsed as markup). Queues deliver at least
//! once; the `deliveries` table (per case, event and channel) makes it once in effect.
//! A failed channel is retried with backoff by the queue while the others are left
//! alone; attempts are kept in D1 because the `worker` crate does not expose the
//! message's attempt count.

use redress_shared::chat_message::ChatMessage;
use redress_shared::{webhook_signature, CaseNotification};
use worker::{
    D1Database, Env, Fetch, Headers, Message, MessageBatch, MessageExt, Method,
    QueueRetryOptionsBuilder, Request, RequestInit,
};

use crate::storage::{self, Attempt};
use crate::{bindings, clock};

/// The queue's `max_retries` (wrangler.toml) plus the first delivery.
const MAX_ATTEMPTS: u32 = 6;
const RETRY_DELAY_SECONDS: u32 = 2;

/// A place a store's notifications go.
enum Channel {
    /// The event's JSON, signed with `Redress-Signature` when a secret is set.
    Webhook { url: String, secret: Option<String> },
    /// A Slack-compatible incoming webhook.
    Chat { url: String },
}

impl Channel {
    fn name(&self) -> &'static str {
        match self {
            Channel::Webhook { .. } => "webhook",
            Channel::Chat { .. } => "chat",
        }
    }
}

pub async fn consume(batch: MessageBatch<String>, env: &Env) -> worker::Result<()> {
    let db = bindings::db(env).map_err(bindings::into_worker_error)?;
    let mut channels = Vec::new();
    if let Some(url) = bindings::webhook_url(env) {
        let secret = bindings::webhook_secret(env);
        channels.push(Channel::Webhook { url, secret });
    }
    if let Some(url) = bindings::chat_webhook_url(env) {
        channels.push(Channel::Chat { url });
    }
    for message in batch.messages()? {
        handle(&message, &db, &channels).await;
    }
    Ok(())
}

async fn handle(message: &Message<String>, db: &D1Database, channels: &[Channel]) {
    let Ok(notification) = serde_json::from_str::<CaseNotification>(message.body()) else {
        // Not ours: retrying cannot help, and a poison message must not block the queue.
        worker::console_error!("dropping an unreadable notification message");
        message.ack();
        return;
    };
    if channels.is_empty() {
        // Nothing to deliver to: the case leaves the outbox and stays visible to agents.
        if notification.event == CaseNotification::CASE_CREATED {
            let case_id = notification.case.id.as_str();
            if let Err(e) = storage::set_notify_state(db, case_id, "no_channel").await {
                worker::console_error!("could not close the outbox for case {case_id}: {e}");
            }
        }
        message.ack();
        return;
    }
    let mut retry = false;
    for channel in channels {
        match deliver(db, channel, &notification, message.body()).await {
            Ok(Attempt::Delivered) => {}
            Ok(Attempt::Failing(_) | Attempt::GaveUp(_)) => retry = true,
            Err(e) => {
                worker::console_error!("D1 unavailable in consumer: {e}");
                retry = true;
            }
        }
    }
    if retry {
        // On its last attempt the queue moves the message to the dead-letter queue.
        message.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(RETRY_DELAY_SECONDS)
                .build(),
        );
    } else {
        message.ack();
    }
}

/// One channel's delivery of one event, unless it was delivered or given up already.
async fn deliver(
    db: &D1Database,
    channel: &Channel,
    notification: &CaseNotification,
    json: &str,
) -> worker::Result<Attempt> {
    let case_id = notification.case.id.as_str();
    let event = notification.event.as_str();
    let name = channel.name();
    match storage::delivery_state(db, case_id, event, name)
        .await?
        .as_deref()
    {
        Some("delivered") => return Ok(Attempt::Delivered),
        // Given up on: agents see the channel as failed; nothing more to send.
        Some("failed") => return Ok(Attempt::Delivered),
        _ => {}
    }
    let outcome = match channel {
        Channel::Webhook { url, secret } => post(url, json, secret.as_deref()).await,
        Channel::Chat { url } => {
            let chat = ChatMessage::for_case(event, &notification.case);
            let body = serde_json::to_string(&chat)
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            post(url, &body, None).await
        }
    };
    let attempt = match outcome {
        Ok(()) => Attempt::Delivered,
        Err(e) => {
            worker::console_warn!("{name} delivery of {event} for case {case_id} failed: {e}");
            let made = storage::delivery_attempts(db, case_id, event, name).await?;
            if made + 1 >= MAX_ATTEMPTS {
                Attempt::GaveUp(e)
            } else {
                Attempt::Failing(e)
            }
        }
    };
    storage::record_delivery(db, case_id, event, name, &attempt, &clock::now_rfc3339()).await?;
    Ok(attempt)
}

/// POSTs JSON, signed when a secret is given; any 2xx is an acknowledgement.
async fn post(url: &str, json: &str, secret: Option<&str>) -> Result<(), String> {
    let headers = Headers::new();
    if let Some(secret) = secret {
        let now = (js_sys::Date::now() / 1000.0) as u64;
        let signature = webhook_signature::sign(secret.as_bytes(), now, json.as_bytes());
        headers
            .set(webhook_signature::HEADER, &signature)
            .map_err(|e| e.to_string())?;
    }
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| e.to_string())?;
    headers
        .set("User-Agent", "Redress-Webhook/1")
        .map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(json.into()));
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(format!("answered {status}")),
    }
}
