-- Offers: what a store proposes to put a complaint right, and the shopper's answer
-- (shared::offer). Money in the currency's minor units, never floats.
CREATE TABLE offers (
  case_id      TEXT NOT NULL REFERENCES cases (id),
  number       INTEGER NOT NULL,   -- 1, 2, 3... on its case; the timeline's value
  kind         TEXT NOT NULL,      -- a TAXONOMY resolution code
  amount_minor INTEGER,            -- NULL where no money moves
  currency     TEXT,               -- ISO 4217, with amount_minor
  terms        TEXT NOT NULL,
  state        TEXT NOT NULL,      -- offered, accepted, declined, countered, expired, withdrawn
  made_at      TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  answered_at  TEXT,
  PRIMARY KEY (case_id, number)
);
-- The sweep finds open offers past their time without walking the rest.
CREATE INDEX offers_open_by_expiry ON offers (expires_at) WHERE state = 'offered';

-- The currencies a store's offers may be in (main first) and how long they stay open.
ALTER TABLE stores ADD COLUMN currencies TEXT NOT NULL DEFAULT '["USD"]';
ALTER TABLE stores ADD COLUMN offer_days INTEGER NOT NULL DEFAULT 7;
