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
use redress_shared::money::Money;
use redress_shared::rating::RATING_DAYS;
use redress_shared::shopper_email::{self, Figures, ShopperEmail};
use redress_shared::time::{rfc3339, MS_PER_DAY};
use redress_shared::translation::TranslationSettings;
use redress_shared::{webhook_signature, ApiError, CaseNotification};
use wasm_bindgen::JsCast;
use worker::{
    D1Database, EmailAddress, Env, Message, MessageBatch, MessageExt, QueueRetryOptionsBuilder,
    SendEmailBuilder,
};

use crate::bindings::{self, EmailProvider, ShopperMailer};
use crate::db::{cases, deliveries, events, stores};
use crate::jobs::translate::{self, Step, Translator};
use crate::{clock, http};

/// The event's id under the name the first stores deduplicate on (now `webhook-id`).
const LEGACY_EVENT_ID_HEADER: &str = "Redress-Event-Id";

/// What the consumer needs from outside for one batch.
struct Outlets {
    db: D1Database,
    /// See `bindings::consumer_fails_first`.
    fails_first: u32,
    email: Option<EmailProvider>,
    shopper: Option<ShopperMailer>,
    /// Where the shopper's case page is, and the key of its links.
    case_pages: Option<CasePages>,
    /// Each store's name and channels, read once per batch.
    stores: HashMap<String, StoreOutlets>,
    translator: Option<Translator>,
}

#[derive(Debug, Clone)]
struct StoreOutlets {
    name: String,
    channels: Vec<Channel>,
    agent_names_shown: bool,
    translation: TranslationSettings,
}

/// What one delivery may send through.
struct Senders<'a> {
    email: Option<&'a EmailProvider>,
    shopper: Option<&'a ShopperMailer>,
    case_pages: Option<&'a CasePages>,
    store_name: &'a str,
    agent_names_shown: bool,
}

/// The shoppers' case page: `{public_url}/case/#{reference}.{status token}`, and their
/// cases' reply addresses when replies by email are on.
struct CasePages {
    public_url: String,
    key: String,
    reply_domain: Option<String>,
}

impl CasePages {
    fn link(&self, case: &redress_shared::Case) -> String {
        let token =
            redress_shared::credentials::status_token(self.key.as_bytes(), case.id.as_str());
        format!(
            "{}{}#{}.{token}",
            self.public_url,
            redress_shared::routes::CASE_PAGE,
            case.reference.as_str()
        )
    }
}

pub async fn consume(batch: MessageBatch<String>, env: &Env) -> worker::Result<()> {
    let mut outlets = Outlets {
        db: bindings::db(env).map_err(bindings::into_worker_error)?,
        fails_first: bindings::consumer_fails_first(env),
        email: bindings::email_provider(env),
        shopper: bindings::shopper_mailer(env),
        case_pages: bindings::public_url(env)
            .zip(bindings::signing_key(env))
            .map(|(public_url, key)| CasePages {
                public_url,
                key,
                reply_domain: bindings::reply_domain(env),
            }),
        stores: HashMap::new(),
        translator: bindings::translator(env),
    };
    for message in batch.messages()? {
        handle(&message, &mut outlets).await;
    }
    Ok(())
}

/// The store's name and channels, from D1 the first time in a batch.
async fn store_outlets(outlets: &mut Outlets, store_id: &str) -> Result<StoreOutlets, ApiError> {
    if !outlets.stores.contains_key(store_id) {
        let store = stores::load(&outlets.db, store_id).await?;
        let found = store.map_or_else(
            || StoreOutlets {
                name: store_id.to_owned(),
                channels: Vec::new(),
                agent_names_shown: false,
                translation: TranslationSettings::default(),
            },
            |store| {
                if store.config.channels.email_to.is_some() && outlets.email.is_none() {
                    worker::console_warn!(
                        "store {store_id} wants email but no provider is configured (EMAIL_API_KEY, EMAIL_FROM)"
                    );
                }
                StoreOutlets {
                    channels: Channel::all_of(
                        &store.config.channels,
                        store.webhook_secret.as_deref(),
                        outlets.email.is_some(),
                        outlets.shopper.is_some(),
                    ),
                    name: store.config.name,
                    agent_names_shown: store.config.agent_names_shown,
                    translation: store.config.translation,
                }
            },
        );
        outlets.stores.insert(store_id.to_owned(), found);
    }
    Ok(outlets
        .stores
        .get(store_id)
        .cloned()
        .unwrap_or_else(|| unreachable!("inserted above")))
}

async fn handle(message: &Message<String>, outlets: &mut Outlets) {
    let Ok(mut notification) = serde_json::from_str::<CaseNotification>(message.body()) else {
        // Not ours: retrying cannot help, and a poison message must not block the queue.
        worker::console_error!("dropping an unreadable notification message");
        message.ack();
        return;
    };
    let store_id = notification.case.details.store_id.clone();
    let store = match store_outlets(outlets, &store_id).await {
        Ok(store) => store,
        Err(e) => {
            worker::console_error!("D1 unavailable in consumer: {}", e.message);
            message.retry();
            return;
        }
    };
    // The shopper's text in the store's language, before any channel hears of it.
    let step = translate::step(
        &outlets.db,
        outlets.translator.as_ref(),
        &store_id,
        &store.translation,
        &notification,
    );
    match step.await {
        Ok(Step::Deliver) => {}
        Ok(Step::Attach(translation)) => notification.translation = Some(translation),
        Ok(Step::RetryIn(seconds)) => {
            message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(seconds)
                    .build(),
            );
            return;
        }
        Err(e) => {
            worker::console_error!("D1 unavailable in consumer: {}", e.message);
            message.retry();
            return;
        }
    }
    let json = match notification.translation {
        Some(_) => to_json(&notification).unwrap_or_else(|_| message.body().to_owned()),
        None => message.body().to_owned(),
    };
    let senders = Senders {
        email: outlets.email.as_ref(),
        shopper: outlets.shopper.as_ref(),
        case_pages: outlets.case_pages.as_ref(),
        store_name: &store.name,
        agent_names_shown: store.agent_names_shown,
    };
    let mut states = Vec::with_capacity(store.channels.len());
    for channel in store
        .channels
        .iter()
        .filter(|c| c.takes(notification.event))
    {
        let state = deliver(&outlets.db, &senders, channel, &notification, &json);
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

/// One channel's delivery of one event, unless it was delivered or given up already
/// or another consumer is sending it.
async fn deliver(
    db: &D1Database,
    senders: &Senders<'_>,
    channel: &Channel,
    notification: &CaseNotification,
    json: &str,
) -> Result<ChannelState, ApiError> {
    let case_id = notification.case.id.as_str();
    let (event, seq, kind) = (notification.event, notification.seq(), channel.kind());
    let now = clock::now_ms();
    let until = rfc3339(now + i64::from(delivery::SENDING_LEASE_SECONDS) * 1000);
    let taken = deliveries::take(db, case_id, (event, seq), kind, (&rfc3339(now), &until)).await?;
    let Some(made_before) = taken else {
        let recorded = deliveries::recorded(db, case_id, (event, seq), kind).await?;
        let (state, held_until) = recorded.map(|r| (r.state, r.sending_until)).unzip();
        return Ok(ChannelState::not_taken(
            state,
            held_until.flatten().as_deref(),
            now,
        ));
    };
    let outcome = match channel {
        Channel::Webhook { url, secret } => match webhook_headers(notification, secret, json) {
            Ok(headers) => post(url, json, &headers).await,
            Err(e) => Err(e),
        },
        Channel::Chat { url, .. } => {
            let chat = ChatMessage::for_case(notification);
            post(url, &to_json(&chat)?, &[]).await
        }
        Channel::Email { to, .. } => match senders.email {
            Some(provider) => {
                let mail = EmailMessage::for_case(notification, &provider.from, to);
                let auth = ("Authorization", format!("Bearer {}", provider.api_key));
                post(&provider.url, &to_json(&mail)?, &[auth]).await
            }
            None => Err("no email provider is configured".to_owned()),
        },
        Channel::Shopper => match senders.shopper {
            Some(mailer) => email_shopper(mailer, senders, notification).await,
            None => Err("shoppers are not emailed: no SHOPPER_EMAIL_FROM".to_owned()),
        },
    };
    let attempt = match outcome {
        Ok(()) => Attempt::Delivered,
        Err(e) => {
            let name = kind.code();
            let event = event.code();
            worker::console_warn!("{name} delivery of {event} for case {case_id} failed: {e}");
            Attempt::failed(e, made_before)
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

/// The shopper's email about `notification`, in the case's language, through the
/// operator's mail service. Nothing to say is as good as delivered.
async fn email_shopper(
    mailer: &ShopperMailer,
    senders: &Senders<'_>,
    notification: &CaseNotification,
) -> Result<(), String> {
    let (case, store_name) = (&notification.case, senders.store_name);
    let case_link = senders.case_pages.map(|pages| pages.link(case));
    let reply_to = senders.case_pages.and_then(|pages| {
        let domain = pages.reply_domain.as_deref()?;
        Some(redress_shared::email_reply::reply_address(
            pages.key.as_bytes(),
            case.id.as_str(),
            domain,
        ))
    });
    let from = mailer.from();
    let locale = case.details.locale.as_str();
    let respond_by = local_date_time(&case.respond_by, locale);
    // The money the event carries (an offer's or an outcome's) and an offer's expiry.
    let attached = &notification.attached;
    let money = attached
        .offer
        .as_ref()
        .and_then(|offer| offer.amount.as_ref())
        .or_else(|| attached.outcome.as_ref().and_then(|o| o.done.amount()));
    let amount = money.map(|money| local_money(money, locale));
    let expires_at = attached
        .offer
        .as_ref()
        .map(|offer| local_date_time(&offer.expires_at, locale));
    // Resolving opens the rating for its days, from when the case was resolved.
    let resolved = notification.event == redress_shared::NotificationEvent::CaseResolved;
    let rate_until = notification
        .activity
        .as_ref()
        .filter(|_| resolved)
        .map(|activity| {
            let resolved_ms = js_sys::Date::parse(&activity.entry.at) as i64;
            let until = rfc3339(resolved_ms + RATING_DAYS * MS_PER_DAY);
            local_date_time(&until, locale)
        });
    let context = shopper_email::Context {
        store_name,
        sender_domain: from.rsplit_once('@').map_or(from, |(_, domain)| domain),
        respond_by: &respond_by,
        case_link: case_link.as_deref(),
        reply_to: reply_to.as_deref(),
        agent_names_shown: senders.agent_names_shown,
        figures: Figures {
            amount: amount.as_deref(),
            expires_at: expires_at.as_deref(),
            rate_until: rate_until.as_deref(),
        },
    };
    let Some(mail) = ShopperEmail::for_notification(notification, &context) else {
        return Ok(());
    };
    match mailer {
        ShopperMailer::Binding { binding, from } => {
            let headers = js_sys::Object::new();
            for (name, value) in &mail.headers {
                js_sys::Reflect::set(&headers, &(*name).into(), &value.into())
                    .map_err(|_| "could not set a header".to_owned())?;
            }
            let mut message = SendEmailBuilder::builder_with_email_address_and_str(
                &EmailAddress::new(store_name, from),
                &mail.to,
                &mail.subject,
            )
            .text(&mail.text)
            .html(&mail.html)
            .headers(headers.unchecked_ref());
            if let Some(reply_to) = &mail.reply_to {
                message = message.reply_to(reply_to);
            }
            let message = message.build();
            binding
                .send_with_builder(&message)
                .await
                .map(|_| ())
                .map_err(|e| String::from(e.message()))
        }
        ShopperMailer::Http(provider) => {
            let body = serde_json::json!({
                "from": format!("{store_name} <{}>", provider.from),
                "to": [mail.to],
                "subject": mail.subject,
                "text": mail.text,
                "html": mail.html,
                "headers": mail.headers.iter().cloned().collect::<HashMap<_, _>>(),
                "reply_to": mail.reply_to,
            });
            let auth = ("Authorization", format!("Bearer {}", provider.api_key));
            post(&provider.url, &body.to_string(), &[auth]).await
        }
    }
}

/// An RFC 3339 instant as the shopper's locale writes a date and time, in UTC (the
/// edge does not know their time zone, so it says which it used).
fn local_date_time(instant: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&instant.into());
    let options = js_sys::Object::new();
    for (name, value) in [
        ("dateStyle", "long"),
        ("timeStyle", "short"),
        ("timeZone", "UTC"),
    ] {
        let _ = js_sys::Reflect::set(&options, &name.into(), &value.into());
    }
    let locales = js_sys::Array::of1(&locale.into());
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
    let text = format
        .call1(&wasm_bindgen::JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| instant.to_owned());
    format!("{text} UTC")
}

/// An amount as the shopper's locale writes it (`12,30 €`), from its exact decimal.
fn local_money(money: &Money, locale: &str) -> String {
    let options = js_sys::Object::new();
    for (name, value) in [("style", "currency"), ("currency", money.currency.as_str())] {
        let _ = js_sys::Reflect::set(&options, &name.into(), &value.into());
    }
    let locales = js_sys::Array::of1(&locale.into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &options).format();
    format
        .call1(&wasm_bindgen::JsValue::UNDEFINED, &money.decimal().into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{} {}", money.decimal(), money.currency))
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
    let mut headers: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, v.as_str())).collect();
    headers.push(("User-Agent", "Redress-Webhook/1"));
    http::post_json(url, json.to_owned(), &headers)
        .await
        .map(|_| ())
}
