//! The queue consumer: forwards each case event to the store's channels, once each.
//!
//! Channels, per store (`stores` in D1): a generic webhook (every event's JSON, signed by
//! Standard Webhooks), a chat webhook (Slack-compatible, shopper text never parsed as
//! markup) and email through the operator's provider (plain text), these two for the
//! events the store chose. Queues deliver at least
//! once; the `deliveries` table (per case, event and channel) makes it once in effect.
//! A failed channel is retried with backoff by the queue while the others are left
//! alone; attempts are kept in D1 because the `worker` crate does not expose the
//! message's attempt count. Every decision (channels, attempts, settling the outbox)
//! is `shared::delivery`'s; this module does the I/O.

use std::collections::HashMap;

use redress_shared::chat_message::ChatMessage;
use redress_shared::delivery::{self, Attempt, Channel, ChannelState};
use redress_shared::email_message::EmailMessage;
use redress_shared::{webhook_signature, ApiError, CaseNotification};
use worker::{
    D1Database, Env, Fetch, Headers, Message, MessageBatch, MessageExt, Method,
    QueueRetryOptionsBuilder, Request, RequestInit,
};

use crate::bindings::{self, EmailProvider};
use crate::clock;
use crate::db::{cases, deliveries, events, stores};

/// The event's id under the name the first stores deduplicate on (now `webhook-id`).
const LEGACY_EVENT_ID_HEADER: &str = "Redress-Event-Id";

/// What the consumer needs from outside for one batch.
struct Outlets {
    db: D1Database,
    /// See `bindings::consumer_fails_first`.
    fails_first: u32,
    email: Option<EmailProvider>,
    /// Each store's channels, read once per batch.
    channels: HashMap<String, Vec<Channel>>,
}

pub async fn consume(batch: MessageBatch<String>, env: &Env) -> worker::Result<()> {
    let mut outlets = Outlets {
        db: bindings::db(env).map_err(bindings::into_worker_error)?,
        fails_first: bindings::consumer_fails_first(env),
        email: bindings::email_provider(env),
        channels: HashMap::new(),
    };
    for message in batch.messages()? {
        handle(&message, &mut outlets).await;
    }
    Ok(())
}

/// The store's channels, from D1 the first time in a batch.
async fn channels_of<'a>(
    outlets: &'a mut Outlets,
    store_id: &str,
) -> Result<&'a [Channel], ApiError> {
    if !outlets.channels.contains_key(store_id) {
        let store = stores::load(&outlets.db, store_id).await?;
        let channels = store.map_or_else(Vec::new, |store| {
            if store.config.channels.email_to.is_some() && outlets.email.is_none() {
                worker::console_warn!(
                    "store {store_id} wants email but no provider is configured (EMAIL_API_KEY, EMAIL_FROM)"
                );
            }
            Channel::all_of(
                &store.config.channels,
                store.webhook_secret.as_deref(),
                outlets.email.is_some(),
            )
        });
        outlets.channels.insert(store_id.to_owned(), channels);
    }
    Ok(outlets
        .channels
        .get(store_id)
        .map_or(&[][..], Vec::as_slice))
}

async fn handle(message: &Message<String>, outlets: &mut Outlets) {
    let Ok(notification) = serde_json::from_str::<CaseNotification>(message.body()) else {
        // Not ours: retrying cannot help, and a poison message must not block the queue.
        worker::console_error!("dropping an unreadable notification message");
        message.ack();
        return;
    };
    let store_id = notification.case.details.store_id.clone();
    let channels = match channels_of(outlets, &store_id).await {
        Ok(channels) => channels.to_vec(),
        Err(e) => {
            worker::console_error!("D1 unavailable in consumer: {}", e.message);
            message.retry();
            return;
        }
    };
    let mut states = Vec::with_capacity(channels.len());
    for channel in channels.iter().filter(|c| c.takes(notification.event)) {
        let state = deliver(
            &outlets.db,
            outlets.email.as_ref(),
            channel,
            &notification,
            message.body(),
        );
        states.push(state.await.unwrap_or_else(|e| {
            worker::console_error!("D1 unavailable in consumer: {}", e.message);
            ChannelState::Unknown
        }));
    }
    let settlement = delivery::settle(notification.event, &states);
    if let Some(state) = settlement.notify_state {
        let case_id = notification.case.id.as_str();
        let settled = match &notification.activity {
            Some(activity) => {
                events::set_notify_state(&outlets.db, case_id, activity.seq, state).await
            }
            None => cases::set_notify_state(&outlets.db, case_id, state).await,
        };
        if let Err(e) = settled {
            // It stays in the outbox; the sweep sends it again and finds it delivered.
            worker::console_error!(
                "could not close the outbox for case {case_id}: {}",
                e.message
            );
        }
    }
    if let Some(delay) = settlement.retry_after_seconds {
        // On its last attempt the queue moves the message to the dead-letter queue.
        message.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(delay)
                .build(),
        );
    } else if injected_failure(message, outlets.fails_first) {
        message.retry();
    } else {
        message.ack();
    }
}

/// Whether this attempt at `message` is one the fault injection fails (after its
/// deliveries, before its acknowledgement: the redelivery must send nothing twice).
fn injected_failure(message: &Message<String>, fails_first: u32) -> bool {
    thread_local! {
        static FAILED: std::cell::RefCell<HashMap<String, u32>> = Default::default();
    }
    fails_first > 0
        && FAILED.with_borrow_mut(|failed| {
            let count = failed.entry(message.id()).or_default();
            *count += 1;
            *count <= fails_first
        })
}

/// One channel's delivery of one event, unless it was delivered or given up already.
async fn deliver(
    db: &D1Database,
    email: Option<&EmailProvider>,
    channel: &Channel,
    notification: &CaseNotification,
    json: &str,
) -> Result<ChannelState, ApiError> {
    let case_id = notification.case.id.as_str();
    let (event, seq, kind) = (notification.event, notification.seq(), channel.kind());
    let recorded = deliveries::recorded(db, case_id, (event, seq), kind).await?;
    if let Some(state) = ChannelState::already(recorded.map(|r| r.state)) {
        return Ok(state);
    }
    let outcome = match channel {
        Channel::Webhook { url, secret } => match webhook_headers(notification, secret, json) {
            Ok(headers) => post(url, json, &headers).await,
            Err(e) => Err(e),
        },
        Channel::Chat { url, .. } => {
            let chat = ChatMessage::for_case(notification);
            post(url, &to_json(&chat)?, &[]).await
        }
        Channel::Email { to, .. } => match email {
            Some(provider) => {
                let mail = EmailMessage::for_case(notification, &provider.from, to);
                let auth = ("Authorization", format!("Bearer {}", provider.api_key));
                post(&provider.url, &to_json(&mail)?, &[auth]).await
            }
            None => Err("no email provider is configured".to_owned()),
        },
    };
    let attempt = match outcome {
        Ok(()) => Attempt::Delivered,
        Err(e) => {
            let name = kind.code();
            let event = event.code();
            worker::console_warn!("{name} delivery of {event} for case {case_id} failed: {e}");
            Attempt::failed(e, recorded.map_or(0, |r| r.attempts))
        }
    };
    deliveries::record(
        db,
        case_id,
        (event, seq),
        kind,
        &attempt,
        &clock::now_rfc3339(),
    )
    .await?;
    Ok(ChannelState::after(&attempt))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value)
        .map_err(|e| ApiError::new(redress_shared::ErrorCode::Internal, e.to_string()))
}

/// A webhook delivery's headers: its id, the same on every redelivery so a store's
/// endpoint can drop a copy (a crash between its 2xx and our record can send an event
/// twice), and with a secret the Standard Webhooks signature made now, with the legacy
/// one beside it.
fn webhook_headers(
    notification: &CaseNotification,
    secret: &Option<String>,
    json: &str,
) -> Result<Vec<(&'static str, String)>, String> {
    let id = notification.webhook_id();
    let mut headers = vec![
        (webhook_signature::ID_HEADER, id.clone()),
        (LEGACY_EVENT_ID_HEADER, id.clone()),
    ];
    if let Some(secret) = secret {
        let now = (clock::now_ms() / 1000) as u64;
        let signature = webhook_signature::sign(secret, &id, now, json.as_bytes())
            .map_err(|_| "the store's webhook secret is not a whsec_ secret".to_owned())?;
        headers.extend([
            (webhook_signature::TIMESTAMP_HEADER, now.to_string()),
            (webhook_signature::SIGNATURE_HEADER, signature),
            (
                webhook_signature::LEGACY_HEADER,
                webhook_signature::sign_legacy(secret, now, json.as_bytes()),
            ),
        ]);
    }
    Ok(headers)
}

/// POSTs JSON with extra headers (an event id, a signature, a provider key); any 2xx is an
/// acknowledgement.
async fn post(url: &str, json: &str, extra: &[(&str, String)]) -> Result<(), String> {
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| e.to_string());
    for (name, value) in extra {
        set(name, value)?;
    }
    set("Content-Type", "application/json")?;
    set("User-Agent", "Redress-Webhook/1")?;
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
