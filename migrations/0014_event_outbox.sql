-- Every timeline entry the store hears about (shared::notification::NotificationEvent::
-- announcing: replies, status changes, the shopper's messages and evidence) waits in
-- an outbox until each of the store's channels is done with it, as a new case does in
-- cases.notify_state: 'pending' until then, NULL for entries nobody is told about.
ALTER TABLE case_events ADD COLUMN notify_state TEXT;
ALTER TABLE case_events ADD COLUMN enqueued_at TEXT;
-- The sweep's scan: pending entries, oldest first.
CREATE INDEX case_events_pending ON case_events (seq) WHERE notify_state = 'pending';

-- A case now has many events of one kind (every reply): deliveries are kept per
-- timeline entry too (seq; 0 for case.created and case.escalated, which have none).
CREATE TABLE deliveries_by_entry (
  case_id      TEXT NOT NULL REFERENCES cases (id),
  event        TEXT NOT NULL,
  seq          INTEGER NOT NULL DEFAULT 0,
  channel      TEXT NOT NULL,
  state        TEXT NOT NULL,             -- 'delivered', 'failing' or 'failed'
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (case_id, event, seq, channel)
);
INSERT INTO deliveries_by_entry (case_id, event, seq, channel, state, attempts, last_error, updated_at)
  SELECT case_id, event, 0, channel, state, attempts, last_error, updated_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_by_entry RENAME TO deliveries;

-- Which events a store's team chat and its email inbox get (JSON arrays of event codes;
-- NULL: shared::notification::NotificationEvent::ATTENTION). Its webhook gets them all.
ALTER TABLE stores ADD COLUMN chat_events TEXT;
ALTER TABLE stores ADD COLUMN email_events TEXT;
