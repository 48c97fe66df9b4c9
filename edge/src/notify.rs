//! The queue consumer: forwards each new case to the store's webhook, once.
//!
//! Queues deliver at least once; the `deliveries` table makes it once in effect. A
//! failed delivery is retried with backoff by the queue, and its attempts are kept in
//! D1 because the `worker` crate does not expose the message's attempt count.

use redress_shared::{webhook_signature, CaseNotification};
use worker::{
    Env, Fetch, Headers, Message, MessageBatch, Method, QueueRetryOptionsBuilder, Request,
    RequestInit,
};

use crate::storage::{self, Attempt};
use crate::{bindings, clock};

const WEBHOOK: &str = "webhook";
/// The queue's `max_retries` (wrangler.toml) plus the first delivery.
const MAX_ATTEMPTS: u32 = 6;
const RETRY_DELAY_SECONDS: u32 = 2;

pub async fn consume(batch: MessageBatch<String>, env: &Env) -> worker::Result<()> {
    let db = bindings::db(env).map_err(|e| worker::Error::RustError(e.message))?;
    let webhook = bindings::webhook_url(env).map(|url| Webhook {
        url,
        secret: bindings::webhook_secret(env),
    });
    for message in batch.messages()? {
        handle(&message, &db, webhook.as_ref()).await;
    }
    Ok(())
}

/// Where a store's notifications go, and the key that signs them.
struct Webhook {
    url: String,
    secret: Option<String>,
}

async fn handle(message: &Message<String>, db: &worker::D1Database, webhook: Option<&Webhook>) {
    use worker::MessageExt;
    let Ok(notification) = serde_json::from_str::<CaseNotification>(message.body()) else {
        // Not ours: retrying cannot help, and a poison message must not block the queue.
        worker::console_error!("dropping an unreadable notification message");
        message.ack();
        return;
    };
    let case_id = notification.case.id.as_str().to_owned();
    let event = notification.event.as_str();
    let Some(webhook) = webhook else {
        // No channel configured: nothing to deliver; the case stays visible to agents.
        message.ack();
        return;
    };
    let prior = match storage::delivery_state(db, &case_id, event, WEBHOOK).await {
        Ok(state) => state,
        Err(e) => {
            worker::console_error!("D1 unavailable in consumer: {e}");
            message.retry();
            return;
        }
    };
    if matches!(prior.as_deref(), Some("delivered" | "failed")) {
        // Delivered already (a redelivery), or given up on (agents see it as failed).
        message.ack();
        return;
    }
    let attempt = match post_json(webhook, message.body()).await {
        Ok(()) => Attempt::Delivered,
        Err(e) => {
            worker::console_warn!("webhook delivery of case {case_id} failed: {e}");
            let made = storage::delivery_attempts(db, &case_id, event, WEBHOOK)
                .await
                .unwrap_or(0);
            if made + 1 >= MAX_ATTEMPTS {
                Attempt::GaveUp(e)
            } else {
                Attempt::Failing(e)
            }
        }
    };
    if let Err(e) = storage::record_delivery(
        db,
        &case_id,
        event,
        WEBHOOK,
        &attempt,
        &clock::now_rfc3339(),
    )
    .await
    {
        worker::console_error!("could not record delivery of case {case_id}: {e}");
    }
    match attempt {
        Attempt::Delivered => message.ack(),
        // On its last attempt the queue moves the message to the dead-letter queue.
        Attempt::Failing(_) | Attempt::GaveUp(_) => message.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(RETRY_DELAY_SECONDS)
                .build(),
        ),
    }
}
async fn post_json(webhook: &Webhook, json: &str) -> Result<(), String> {
    let headers = Headers::new();
    match &webhook.secret {
        Some(secret) => {
            let now = (js_sys::Date::now() / 1000.0) as u64;
            let signature = webhook_signature::sign(secret.as_bytes(), now, json.as_bytes());
            headers
                .set(webhook_signature::HEADER, &signature)
                .map_err(|e| e.to_string())?;
        }
        None => worker::console_warn!("WEBHOOK_SECRET is not set: delivering unsigned"),
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
    let request = Request::new_with_init(&webhook.url, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(format!("webhook answered {status}")),
    }
}
