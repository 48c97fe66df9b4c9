//! The queue consumer: forwards each case event to the store's channels, once each.
//!
//! Channels, per store (`stores` in D1): a generic webhook (the event's JSON, signed),
//! a chat webhook (Slack-compatible, shopper text never parsed as markup) and email
//! through the operator's provider (plain text). Queues deliver at least
//! once; the `deliveries` table (per case, event and channel) makes it once in effect.
//! A failed channel is retried with backoff by the queue while the others are left
//! alone; attempts are kept in D1 because the `worker` crate does not expose the
//! message's attempt count.

use std::collections::HashMap;

use redress_shared::chat_message::ChatMessage;
use redress_shared::email_message::EmailMessage;
use redress_shared::notification::retry_delay_seconds;
use redress_shared::{webhook_signature, CaseNotification};
use worker::{
    D1Database, Env, Fetch, Headers, Message, MessageBatch, MessageExt, Method,
    QueueRetryOptionsBuilder, Request, RequestInit,
};

use crate::bindings::EmailProvider;
use crate::storage::{self, Attempt};
use crate::stores::{self, Store};
use crate::{bindings, clock};

/// Names a webhook event for its receiver: `<case id>.<event>`.
const EVENT_ID_HEADER: &str = "Redress-Event-Id";

/// The queue's `max_retries` (wrangler.toml) plus the first delivery.
const MAX_ATTEMPTS: u32 = 6;

/// A place a store's notifications go.
enum Channel {
    /// The event's JSON, signed with `Redress-Signature` when a secret is set.
    Webhook { url: String, secret: Option<String> },
    /// A Slack-compatible incoming webhook.
    Chat { url: String },
    /// A plain-text email through the provider's HTTP API.
    Email { to: String },
}

impl Channel {
    fn name(&self) -> &'static str {
        match self {
            Channel::Webhook { .. } => "webhook",
            Channel::Chat { .. } => "chat",
            Channel::Email { .. } => "email",
        }
    }

    /// The channels a store has configured. Email needs the operator's provider too.
    fn of(store: &Store, email: Option<&EmailProvider>) -> Vec<Channel> {
        let c = &store.config.channels;
        let mut channels = Vec::new();
        if let Some(url) = &c.webhook_url {
            channels.push(Channel::Webhook {
                url: url.clone(),
                secret: store.webhook_secret.clone(),
            });
        }
        if let Some(url) = &c.chat_webhook_url {
            channels.push(Channel::Chat { url: url.clone() });
        }
        match (&c.email_to, email) {
            (Some(to), Some(_)) => channels.push(Channel::Email { to: to.clone() }),
            (Some(_), None) => worker::console_warn!(
                "store {} wants email but no provider is configured (EMAIL_API_KEY, EMAIL_FROM)",
                store.config.id
            ),
            (None, _) => {}
        }
        channels
    }
}

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

async fn handle(message: &Message<String>, outlets: &mut Outlets) {
    let Ok(notification) = serde_json::from_str::<CaseNotification>(message.body()) else {
        // Not ours: retrying cannot help, and a poison message must not block the queue.
        worker::console_error!("dropping an unreadable notification message");
        message.ack();
        return;
    };
    let db = &outlets.db;
    let store_id = notification.case.details.store_id.clone();
    if !outlets.channels.contains_key(&store_id) {
        match stores::load(db, &store_id).await {
            Ok(store) => {
                let channels = store
                    .map(|s| Channel::of(&s, outlets.email.as_ref()))
                    .unwrap_or_default();
                outlets.channels.insert(store_id.clone(), channels);
            }
            Err(e) => {
                worker::console_error!("D1 unavailable in consumer: {}", e.message);
                message.retry();
                return;
            }
        }
    }
    let channels = outlets
        .channels
        .get(&store_id)
        .map_or(&[][..], Vec::as_slice);
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
    // The most attempts any failing channel has had: the retry waits accordingly.
    let mut retry_after = None::<u32>;
    // Whether every channel is done with (delivered, or given up on), and whether any
    // was given up on: only then does the case leave the outbox.
    let (mut settled, mut failed) = (true, false);
    for channel in channels {
        let outcome = deliver(
            db,
            outlets.email.as_ref(),
            channel,
            &notification,
            message.body(),
        );
        match outcome.await {
            Ok(ChannelState::Delivered) => {}
            Ok(ChannelState::Retrying { attempts }) => {
                retry_after = retry_after.max(Some(attempts));
                settled = false;
            }
            Ok(ChannelState::JustGaveUp) => {
                retry_after = retry_after.max(Some(MAX_ATTEMPTS));
                failed = true;
            }
            Ok(ChannelState::GaveUpEarlier) => failed = true,
            Err(e) => {
                worker::console_error!("D1 unavailable in consumer: {e}");
                retry_after = retry_after.max(Some(1));
                settled = false;
            }
        }
    }
    if settled && notification.event == CaseNotification::CASE_CREATED {
        let case_id = notification.case.id.as_str();
        let state = if failed { "failed" } else { "delivered" };
        if let Err(e) = storage::set_notify_state(db, case_id, state).await {
            // It stays in the outbox; the sweep sends it again and finds it delivered.
            worker::console_error!("could not close the outbox for case {case_id}: {e}");
        }
    }
    if let Some(attempts) = retry_after {
        // On its last attempt the queue moves the message to the dead-letter queue.
        message.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(retry_delay_seconds(attempts))
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

/// Where one channel stands with one event after this attempt.
enum ChannelState {
    Delivered,
    /// Failed; the queue retries after a delay that grows with `attempts`.
    Retrying {
        attempts: u32,
    },
    /// This was its last attempt: agents see the channel as failed.
    JustGaveUp,
    GaveUpEarlier,
}

/// One channel's delivery of one event, unless it was delivered or given up already.
async fn deliver(
    db: &D1Database,
    email: Option<&EmailProvider>,
    channel: &Channel,
    notification: &CaseNotification,
    json: &str,
) -> worker::Result<ChannelState> {
    let case_id = notification.case.id.as_str();
    let event = notification.event.as_str();
    let name = channel.name();
    match storage::delivery_state(db, case_id, event, name)
        .await?
        .as_deref()
    {
        Some("delivered") => return Ok(ChannelState::Delivered),
        // Given up on: agents see the channel as failed; nothing more to send.
        Some("failed") => return Ok(ChannelState::GaveUpEarlier),
        _ => {}
    }
    let outcome = match channel {
        Channel::Webhook { url, secret } => {
            // The same on every redelivery of this event: a store's endpoint dedupes on
            // it (a crash between its 2xx and our record can send an event twice).
            let mut headers = vec![(EVENT_ID_HEADER, format!("{case_id}.{event}"))];
            headers.extend(secret.as_deref().map(|s| webhook_signing(s, json)));
            post(url, json, &headers).await
        }
        Channel::Chat { url } => {
            let chat = ChatMessage::for_case(event, &notification.case);
            post(url, &to_json(&chat)?, &[]).await
        }
        Channel::Email { to } => match email {
            Some(provider) => {
                let mail = EmailMessage::for_case(event, &notification.case, &provider.from, to);
                let auth = ("Authorization", format!("Bearer {}", provider.api_key));
                post(&provider.url, &to_json(&mail)?, &[auth]).await
            }
            None => Err("no email provider is configured".to_owned()),
        },
    };
    let attempt = match outcome {
        Ok(()) => Attempt::Delivered,
        Err(e) => {
            worker::console_warn!("{name} delivery of {event} for case {case_id} failed: {e}");
            let made = storage::delivery_attempts(db, case_id, event, name).await?;
            if made + 1 >= MAX_ATTEMPTS {
                Attempt::GaveUp(e)
            } else {
                Attempt::Failing {
                    error: e,
                    attempts: made + 1,
                }
            }
        }
    };
    storage::record_delivery(db, case_id, event, name, &attempt, &clock::now_rfc3339()).await?;
    Ok(match attempt {
        Attempt::Delivered => ChannelState::Delivered,
        Attempt::Failing { attempts, .. } => ChannelState::Retrying { attempts },
        Attempt::GaveUp(_) => ChannelState::JustGaveUp,
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> worker::Result<String> {
    serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))
}

/// The `Redress-Signature` header for a webhook body, signed now.
fn webhook_signing(secret: &str, json: &str) -> (&'static str, String) {
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let signature = webhook_signature::sign(secret.as_bytes(), now, json.as_bytes());
    (webhook_signature::HEADER, signature)
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
