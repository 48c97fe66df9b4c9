-- A store's policy. A store without a row gets the defaults (shared::deadline).
CREATE TABLE stores (
  id                     TEXT PRIMARY KEY,
  name                   TEXT NOT NULL,
  urgent_hours           INTEGER NOT NULL DEFAULT 2,
  high_hours             INTEGER NOT NULL DEFAULT 12,
  normal_hours           INTEGER NOT NULL DEFAULT 24,
  low_hours              INTEGER NOT NULL DEFAULT 72,
  high_value_order_minor INTEGER,            -- orders at least this valuable are 'high'
  created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- When the store promised to answer; the escalation sweep reads cases by it.
ALTER TABLE cases ADD COLUMN respond_by TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_by_deadline ON cases (store_id, respond_by);
