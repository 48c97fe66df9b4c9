-- What agents do with a case: who works it, what was done, and every change as an event.
ALTER TABLE cases ADD COLUMN assignee TEXT;
ALTER TABLE cases ADD COLUMN resolution_taken TEXT;       -- a TAXONOMY resolution code
-- A random id written by each agent change, so the change's events are recorded only
-- if that very change was the one applied (two agents at once: one wins, one is told).
ALTER TABLE cases ADD COLUMN last_write TEXT;

CREATE TABLE case_events (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id  TEXT NOT NULL REFERENCES cases (id),
  at       TEXT NOT NULL,
  actor    TEXT NOT NULL,    -- 'shopper', 'redress', or the agent's name
  kind     TEXT NOT NULL,    -- shared::agent_api::EventKind
  value    TEXT,             -- new status / assignee / resolution; note or reply text
  public   INTEGER NOT NULL  -- 1: shown on the shopper's status view
);
CREATE INDEX case_events_by_case ON case_events (case_id, seq);

-- Every existing case starts its timeline with its filing.
INSERT INTO case_events (case_id, at, actor, kind, value, public)
  SELECT id, created_at, 'shopper', 'created', NULL, 1 FROM cases;

CREATE INDEX cases_by_store_created ON cases (store_id, created_at);
