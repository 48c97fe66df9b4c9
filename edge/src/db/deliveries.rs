//! `deliveries`: how each event of a case fared on each of its store's channels, so a
//! redelivered queue message notifies no channel twice.

use redress_shared::delivery::{Attempt, ChannelKind, DeliveryState};
use redress_shared::NotificationEvent;
use serde::Deserialize;
use worker::{query, D1Database};

use super::{Result, Statement};

/// One event of a case: its kind and the timeline entry it announces (0 for none).
pub type EventOf = (NotificationEvent, u64);

/// Where one event stands on one channel, once attempted, and until when a consumer
/// holds its sending.
#[derive(Debug, Deserialize)]
pub struct Recorded {
    pub state: DeliveryState,
    pub sending_until: Option<String>,
}

pub async fn recorded(
    db: &D1Database,
    case_id: &str,
    (event, seq): EventOf,
    channel: ChannelKind,
) -> Result<Option<Recorded>> {
    super::first(query!(
        db,
        "SELECT state, sending_until FROM deliveries
         WHERE case_id = ?1 AND event = ?2 AND seq = ?3 AND channel = ?4",
        case_id,
        event,
        seq,
        channel
    ))
    .await
}

/// Takes the sending of one event on one channel until `until`, unless it was
/// delivered or given up on, or another consumer's lease on it has not ended: the
/// attempts made so far when taken, `None` when not.
pub async fn take(
    db: &D1Database,
    case_id: &str,
    (event, seq): EventOf,
    channel: ChannelKind,
    (now, until): (&str, &str),
) -> Result<Option<u32>> {
    #[derive(Deserialize)]
    struct Taken {
        attempts: u32,
    }
    let taken: Option<Taken> = super::first(query!(
        db,
        "INSERT INTO deliveries (case_id, event, seq, channel, state, attempts, updated_at,
                                 sending_until)
         VALUES (?1, ?2, ?3, ?4, 'sending', 0, ?5, ?6)
         ON CONFLICT (case_id, event, seq, channel) DO UPDATE
           SET state = 'sending', sending_until = excluded.sending_until,
               updated_at = excluded.updated_at
           WHERE deliveries.state IN ('failing', 'sending')
             AND (deliveries.sending_until IS NULL OR deliveries.sending_until < ?5)
         RETURNING attempts",
        case_id,
        event,
        seq,
        channel,
        now,
        until
    ))
    .await?;
    Ok(taken.map(|t| t.attempts))
}

/// Records one attempt, and lets the sending go. (The case leaves the outbox only once
/// every channel is done with: `shared::delivery::settle` decides that.)
pub async fn record(
    db: &D1Database,
    case_id: &str,
    (event, seq): EventOf,
    channel: ChannelKind,
    attempt: &Attempt,
    at: &str,
) -> Result<()> {
    super::run(query!(
        db,
        "INSERT INTO deliveries (case_id, event, seq, channel, state, attempts, last_error,
                                 updated_at)
         VALUES (?1, ?2, ?7, ?3, ?4, 1, ?5, ?6)
         ON CONFLICT (case_id, event, seq, channel) DO UPDATE
           SET state = excluded.state, attempts = deliveries.attempts + 1,
               last_error = excluded.last_error, updated_at = excluded.updated_at,
               sending_until = NULL",
        case_id,
        event,
        channel,
        attempt.state(),
        attempt.error(),
        at,
        seq
    ))
    .await
}

/// A case's deliveries as agents see them (`DeliveryRecord`).
pub fn of_case(db: &D1Database, case_id: &str) -> Statement {
    query!(
        db,
        "SELECT event, seq, channel, state, attempts, last_error, updated_at FROM deliveries
         WHERE case_id = ?1 ORDER BY updated_at",
        case_id
    )
}
