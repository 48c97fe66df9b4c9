//! Delivering a case's events to a store's channels, once each: which channels a store
//! has, where each delivery stands, when the queue retries, and when a case leaves the
//! outbox. The queue consumer in the edge does the I/O; every decision is here.
//!
//! The outbox promise: a new case stays `pending` until *every* channel is delivered or
//! given up on. (A case once left the outbox when its chat delivered while its webhook
//! was still failing, and was lost when the queue then lost its message.)

use serde::{Deserialize, Serialize};

use crate::notification::NotificationEvent;
use crate::shopper_email::ShopperEmail;
use crate::store::Channels;

/// The queue's `max_retries` (wrangler.toml) plus the first delivery.
pub const MAX_ATTEMPTS: u32 = 6;

/// How long to wait before delivering again after `attempts_made` failed attempts:
/// doubling from one second, at most five minutes.
pub fn retry_delay_seconds(attempts_made: u32) -> u32 {
    1u32.checked_shl(attempts_made.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(300)
}

/// The kinds of place a store's notifications go, as `deliveries.channel` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Webhook,
    Chat,
    Email,
    /// The shopper's own email about their case (`shopper_email`).
    ShopperEmail,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Webhook,
        ChannelKind::Chat,
        ChannelKind::Email,
        ChannelKind::ShopperEmail,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Chat => "chat",
            ChannelKind::Email => "email",
            ChannelKind::ShopperEmail => "shopper_email",
        }
    }
}

/// One place a store's notifications go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// Every event's JSON, signed by Standard Webhooks when a secret is set.
    Webhook { url: String, secret: Option<String> },
    /// A Slack-compatible incoming webhook, for the events the store chose.
    Chat {
        url: String,
        events: Vec<NotificationEvent>,
    },
    /// A plain-text email through the operator's provider, for the events the store chose.
    Email {
        to: String,
        events: Vec<NotificationEvent>,
    },
    /// The shopper, at the address on their case, for what they hear of
    /// (`ShopperEmail::is_sent_for`), when the operator has set up their email.
    Shopper,
}

impl Channel {
    pub fn kind(&self) -> ChannelKind {
        match self {
            Channel::Webhook { .. } => ChannelKind::Webhook,
            Channel::Chat { .. } => ChannelKind::Chat,
            Channel::Email { .. } => ChannelKind::Email,
            Channel::Shopper => ChannelKind::ShopperEmail,
        }
    }

    /// Whether this channel gets `event`.
    pub fn takes(&self, event: NotificationEvent) -> bool {
        match self {
            Channel::Webhook { .. } => true,
            Channel::Chat { events, .. } | Channel::Email { events, .. } => events.contains(&event),
            Channel::Shopper => ShopperEmail::is_sent_for(event),
        }
    }

    /// The channels a store has configured (email also needs the operator's provider),
    /// and the shopper when the operator emails shoppers.
    pub fn all_of(
        channels: &Channels,
        webhook_secret: Option<&str>,
        email_provider: bool,
        shopper_email: bool,
    ) -> Vec<Channel> {
        let Channels {
            webhook_url,
            chat_webhook_url,
            email_to,
            chat_events,
            email_events,
        } = channels;
        let webhook = webhook_url.as_ref().map(|url| Channel::Webhook {
            url: url.clone(),
            secret: webhook_secret.map(str::to_owned),
        });
        let chat = chat_webhook_url.as_ref().map(|url| Channel::Chat {
            url: url.clone(),
            events: chat_events.clone(),
        });
        let email = email_to
            .as_ref()
            .filter(|_| email_provider)
            .map(|to| Channel::Email {
                to: to.clone(),
                events: email_events.clone(),
            });
        let shopper = shopper_email.then_some(Channel::Shopper);
        [webhook, chat, email, shopper]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Where delivery of one event to one channel stands (`deliveries.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Delivered,
    /// Being sent now, by the consumer that took it (until its lease ends).
    Sending,
    /// Failed so far; the queue tries again.
    Failing,
    /// Given up on after [`MAX_ATTEMPTS`]: agents see the channel as failed.
    Failed,
}

impl DeliveryState {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryState::Delivered => "delivered",
            DeliveryState::Sending => "sending",
            DeliveryState::Failing => "failing",
            DeliveryState::Failed => "failed",
        }
    }
}

/// An event's place in the outbox: a new case's (`cases.notify_state`), a timeline
/// entry's (`case_events.notify_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyState {
    /// Not yet delivered to every channel: the sweep re-enqueues it if its message is lost.
    Pending,
    Delivered,
    /// Every channel is done with, and at least one was given up on.
    Failed,
    /// The store has no channel; agents still see the case.
    NoChannel,
}

impl NotifyState {
    pub fn code(self) -> &'static str {
        match self {
            NotifyState::Pending => "pending",
            NotifyState::Delivered => "delivered",
            NotifyState::Failed => "failed",
            NotifyState::NoChannel => "no_channel",
        }
    }
}

/// What one delivery attempt came to, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Failed; the queue will try again. `attempts` made so far, this one included.
    Failing {
        error: String,
        attempts: u32,
    },
    /// Failed for the last time.
    GaveUp(String),
}

impl Attempt {
    /// A failed attempt, after `made_before` earlier ones.
    pub fn failed(error: String, made_before: u32) -> Attempt {
        let attempts = made_before + 1;
        if attempts >= MAX_ATTEMPTS {
            Attempt::GaveUp(error)
        } else {
            Attempt::Failing { error, attempts }
        }
    }

    pub fn state(&self) -> DeliveryState {
        match self {
            Attempt::Delivered => DeliveryState::Delivered,
            Attempt::Failing { .. } => DeliveryState::Failing,
            Attempt::GaveUp(_) => DeliveryState::Failed,
        }
    }

    pub fn error(&self) -> Option<&str> {
        match self {
            Attempt::Delivered => None,
            Attempt::Failing { error, .. } | Attempt::GaveUp(error) => Some(error),
        }
    }
}

/// Where one channel stands with one event after this message's turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelState {
    Delivered,
    /// Failed; the queue retries after a delay that grows with `attempts`.
    Retrying {
        attempts: u32,
    },
    /// This was its last attempt.
    JustGaveUp,
    GaveUpEarlier,
    /// Its record could not be read or written: try the whole message again soon.
    Unknown,
    /// Another consumer is sending it (a second message of the same event: a sweep's
    /// while the first was slow, or a redelivery): ask again once its lease ends, in
    /// this many seconds.
    Busy {
        seconds: u32,
    },
}

/// How long a consumer holds the sending of one event on one channel: a second message
/// of the event sends nothing on that channel until then, so a channel hears an event
/// once even when two consumers hold it. Longer than any send takes.
pub const SENDING_LEASE_SECONDS: u32 = 30;

impl ChannelState {
    /// When the sending could not be taken: delivered or given up on already, or being
    /// sent by another consumer whose lease ends at `held_until` (RFC 3339).
    pub fn not_taken(
        recorded: Option<DeliveryState>,
        held_until: Option<&str>,
        now_ms: i64,
    ) -> ChannelState {
        match recorded {
            Some(DeliveryState::Delivered) => ChannelState::Delivered,
            Some(DeliveryState::Failed) => ChannelState::GaveUpEarlier,
            Some(DeliveryState::Sending | DeliveryState::Failing) | None => {
                let left_ms = held_until
                    .and_then(crate::time::parse_rfc3339)
                    .map_or(0, |until| until - now_ms);
                let seconds = u32::try_from(left_ms.div_euclid(1000) + 1).unwrap_or(1);
                ChannelState::Busy {
                    seconds: seconds.clamp(1, SENDING_LEASE_SECONDS),
                }
            }
        }
    }

    pub fn after(attempt: &Attempt) -> ChannelState {
        match attempt {
            Attempt::Delivered => ChannelState::Delivered,
            Attempt::Failing { attempts, .. } => ChannelState::Retrying {
                attempts: *attempts,
            },
            Attempt::GaveUp(_) => ChannelState::JustGaveUp,
        }
    }
}

/// What the consumer does with a message once every channel had its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The case's new outbox state, when this message settles it.
    pub notify_state: Option<NotifyState>,
    /// Retry the message after this many seconds (on its last attempt the queue moves
    /// it to the dead-letter queue); `None`: acknowledge it.
    pub retry_after_seconds: Option<u32>,
}

/// Settles one message of `event` from its channels' states.
pub fn settle(event: NotificationEvent, states: &[ChannelState]) -> Settlement {
    // The retry waits as the most tried unsettled channel wants, or for another
    // consumer's lease to end.
    let retry_after_seconds = states
        .iter()
        .filter_map(|state| match state {
            ChannelState::Retrying { attempts } => Some(retry_delay_seconds(*attempts)),
            ChannelState::JustGaveUp => Some(retry_delay_seconds(MAX_ATTEMPTS)),
            ChannelState::Unknown => Some(retry_delay_seconds(1)),
            ChannelState::Busy { seconds } => Some(*seconds),
            ChannelState::Delivered | ChannelState::GaveUpEarlier => None,
        })
        .max();
    let done = |s: &ChannelState| {
        matches!(
            s,
            ChannelState::Delivered | ChannelState::JustGaveUp | ChannelState::GaveUpEarlier
        )
    };
    let gave_up =
        |s: &ChannelState| matches!(s, ChannelState::JustGaveUp | ChannelState::GaveUpEarlier);
    let notify_state = if !event.is_outboxed() || !states.iter().all(done) {
        None
    } else if states.is_empty() {
        Some(NotifyState::NoChannel)
    } else if states.iter().any(gave_up) {
        Some(NotifyState::Failed)
    } else {
        Some(NotifyState::Delivered)
    };
    Settlement {
        notify_state,
        retry_after_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChannelState::*;
    use NotificationEvent::*;

    #[test]
    fn retries_back_off_by_doubling_up_to_five_minutes() {
        let delays: Vec<u32> = (1..=6).map(retry_delay_seconds).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32]);
        assert_eq!(retry_delay_seconds(0), 1);
        assert_eq!(retry_delay_seconds(40), 300);
    }

    #[test]
    fn a_store_has_the_channels_it_configured_and_email_needs_a_provider() {
        let all = Channels {
            webhook_url: Some("https://shop.example/hook".into()),
            chat_webhook_url: Some("https://chat.example/hook".into()),
            email_to: Some("care@shop.example".into()),
            ..Channels::default()
        };
        let kinds = |provider| -> Vec<ChannelKind> {
            Channel::all_of(&all, Some("s3cret"), provider, false)
                .iter()
                .map(Channel::kind)
                .collect()
        };
        assert_eq!(
            kinds(true),
            [ChannelKind::Webhook, ChannelKind::Chat, ChannelKind::Email]
        );
        assert_eq!(kinds(false), [ChannelKind::Webhook, ChannelKind::Chat]);
        assert_eq!(
            Channel::all_of(&all, Some("s3cret"), false, false)[0],
            Channel::Webhook {
                url: "https://shop.example/hook".into(),
                secret: Some("s3cret".into())
            }
        );
        assert!(Channel::all_of(&Channels::default(), None, true, false).is_empty());
        assert_eq!(
            Channel::all_of(&Channels::default(), None, false, true),
            [Channel::Shopper],
            "the shopper hears even from a store without channels"
        );
    }

    #[test]
    fn the_webhook_gets_every_event_and_the_chat_and_email_what_the_store_chose() {
        let channels = Channels {
            webhook_url: Some("https://shop.example/hook".into()),
            chat_webhook_url: Some("https://chat.example/hook".into()),
            email_to: Some("care@shop.example".into()),
            chat_events: vec![CaseShopperReplied],
            email_events: Vec::new(),
        };
        let [webhook, chat, email] =
            <[Channel; 3]>::try_from(Channel::all_of(&channels, None, true, false))
                .expect("three channels");
        for event in NotificationEvent::ALL {
            assert!(webhook.takes(event), "{event:?}");
            assert_eq!(chat.takes(event), event == CaseShopperReplied, "{event:?}");
            assert!(!email.takes(event), "{event:?}");
        }
        let defaults = Channel::all_of(
            &Channels {
                chat_webhook_url: Some("https://chat.example/hook".into()),
                ..Channels::default()
            },
            None,
            false,
            false,
        );
        assert!(defaults[0].takes(CaseCreated) && defaults[0].takes(CaseEscalated));
        assert!(
            !defaults[0].takes(CaseStatusChanged),
            "not every step in chat"
        );
    }

    #[test]
    fn the_sixth_failure_gives_up() {
        let e = || "answered 503".to_owned();
        assert_eq!(
            Attempt::failed(e(), 0),
            Attempt::Failing {
                error: e(),
                attempts: 1
            }
        );
        assert_eq!(
            Attempt::failed(e(), MAX_ATTEMPTS - 2).state(),
            DeliveryState::Failing
        );
        assert_eq!(Attempt::failed(e(), MAX_ATTEMPTS - 1), Attempt::GaveUp(e()));
    }

    #[test]
    fn a_channel_not_taken_was_delivered_or_given_up_or_is_being_sent_elsewhere() {
        let now = crate::time::parse_rfc3339("2026-12-03T10:00:00.000Z").expect("a time");
        let not_taken = |state, until| ChannelState::not_taken(Some(state), until, now);
        assert_eq!(not_taken(DeliveryState::Delivered, None), Delivered);
        assert_eq!(not_taken(DeliveryState::Failed, None), GaveUpEarlier);
        // Asked again as the other consumer's lease ends.
        let held = Some("2026-12-03T10:00:12.500Z");
        assert_eq!(
            not_taken(DeliveryState::Sending, held),
            Busy { seconds: 13 }
        );
        assert_eq!(
            not_taken(DeliveryState::Failing, held),
            Busy { seconds: 13 }
        );
        let far = Some("2026-12-03T11:00:00.000Z");
        assert_eq!(
            not_taken(DeliveryState::Sending, far),
            Busy {
                seconds: SENDING_LEASE_SECONDS
            }
        );
        assert_eq!(not_taken(DeliveryState::Sending, None), Busy { seconds: 1 });
    }

    /// Regression: a second message of one event (the sweep's, while the first was
    /// slow) sent it again, and the chat heard it twice (CI rehearsal of b588aad).
    #[test]
    fn a_second_message_of_an_event_being_sent_waits_for_the_first() {
        let settled = settle(CaseCreated, &[Busy { seconds: 13 }, Delivered]);
        assert_eq!(settled.notify_state, None, "the case stays in the outbox");
        assert_eq!(settled.retry_after_seconds, Some(13));
    }

    #[test]
    fn a_case_leaves_the_outbox_only_when_every_channel_is_done_with() {
        // The load test's bug: the chat delivered while the webhook kept failing.
        let partly = settle(CaseCreated, &[Retrying { attempts: 2 }, Delivered]);
        assert_eq!(partly.notify_state, None);
        assert_eq!(partly.retry_after_seconds, Some(2));

        let delivered = settle(CaseCreated, &[Delivered, Delivered]);
        assert_eq!(delivered.notify_state, Some(NotifyState::Delivered));
        assert_eq!(delivered.retry_after_seconds, None);

        let one_failed = settle(CaseCreated, &[GaveUpEarlier, Delivered]);
        assert_eq!(one_failed.notify_state, Some(NotifyState::Failed));
        assert_eq!(one_failed.retry_after_seconds, None);
    }

    #[test]
    fn a_channel_that_just_gave_up_sends_the_message_to_the_dead_letter_queue() {
        let settled = settle(CaseCreated, &[JustGaveUp, Delivered]);
        assert_eq!(settled.notify_state, Some(NotifyState::Failed));
        assert_eq!(
            settled.retry_after_seconds,
            Some(retry_delay_seconds(MAX_ATTEMPTS))
        );
    }

    #[test]
    fn unreadable_records_retry_soon_and_keep_the_case_pending() {
        let settled = settle(CaseCreated, &[Delivered, Unknown]);
        assert_eq!(settled.notify_state, None);
        assert_eq!(settled.retry_after_seconds, Some(1));
    }

    #[test]
    fn a_store_without_channels_lets_the_case_out_of_the_outbox_at_once() {
        let settled = settle(CaseCreated, &[]);
        assert_eq!(settled.notify_state, Some(NotifyState::NoChannel));
        assert_eq!(settled.retry_after_seconds, None);
    }

    #[test]
    fn escalations_never_touch_the_outbox() {
        for states in [&[][..], &[Delivered], &[GaveUpEarlier]] {
            assert_eq!(settle(CaseEscalated, states).notify_state, None);
        }
    }

    #[test]
    fn states_are_spelt_as_stored() {
        for (state, code) in [
            (DeliveryState::Delivered, "\"delivered\""),
            (DeliveryState::Sending, "\"sending\""),
            (DeliveryState::Failing, "\"failing\""),
            (DeliveryState::Failed, "\"failed\""),
        ] {
            assert_eq!(serde_json::to_string(&state).expect("json"), code);
            assert_eq!(format!("\"{}\"", state.code()), code);
        }
        for state in [
            NotifyState::Pending,
            NotifyState::Delivered,
            NotifyState::Failed,
            NotifyState::NoChannel,
        ] {
            let json = serde_json::to_string(&state).expect("json");
            assert_eq!(json, format!("\"{}\"", state.code()));
        }
        for kind in ChannelKind::ALL {
            let json = serde_json::to_string(&kind).expect("json");
            assert_eq!(json, format!("\"{}\"", kind.code()));
        }
    }
}
