-- Deliveries are per event: a case is announced once ('case.created') and escalated
-- once when its deadline nears ('case.escalated'), each to every channel.
CREATE TABLE deliveries_by_event (
  case_id      TEXT NOT NULL REFERENCES cases (id),
  event        TEXT NOT NULL,
  channel      TEXT NOT NULL,
  state        TEXT NOT NULL,             -- 'delivered', 'failing' or 'failed'
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (case_id, event, channel)
);
INSERT INTO deliveries_by_event (case_id, event, channel, state, attempts, last_error, updated_at)
  SELECT case_id, 'case.created', channel, state, attempts, last_error, updated_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_by_event RENAME TO deliveries;

-- When the case was escalated for nearing (or passing) its deadline.
ALTER TABLE cases ADD COLUMN escalated_at TEXT;
