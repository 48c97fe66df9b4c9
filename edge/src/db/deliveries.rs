//! `deliveries`: how each event of a case fared on each of its store's channels, so a
//! redelivered queue message notifies no channel twice.

use redress_shared::delivery::{Attempt, ChannelKind, DeliveryState};
use redress_shared::NotificationEvent;
use serde::Deserialize;
use worker::{query, D1Database};

use super::{Result, Statement};

/// Where one event stands on one channel, once attempted.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Recorded {
    pub state: DeliveryState,
    pub attempts: u32,
}

/// One event of a case: its kind and the timeline entry it announces (0 for none).
pub type EventOf = (NotificationEvent, u64);

pub async fn recorded(
    db: &D1Database,
    case_id: &str,
    (event, seq): EventOf,
    channel: ChannelKind,
) -> Result<Option<Recorded>> {
    super::first(query!(
        db,
        "SELECT state, attempts FROM deliveries
         WHERE case_id = ?1 AND event = ?2 AND seq = ?3 AND channel = ?4",
        case_id,
        event,
        seq,
        channel
    ))
    .await
}

/// Records one attempt. (The case leaves the outbox only once every channel is done
/// with: `shared::delivery::settle` decides that.)
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
               last_error = excluded.last_error, updated_at = excluded.updated_at",
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
