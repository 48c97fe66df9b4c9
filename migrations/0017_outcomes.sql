-- What stores did to put complaints right (shared::outcome), recorded as it happens,
-- and, for their own learning, why the problem happened and who was responsible.
CREATE TABLE outcomes (
  case_id      TEXT NOT NULL REFERENCES cases (id),
  number       INTEGER NOT NULL,   -- 1, 2, 3... on its case; the timeline's value
  kind         TEXT NOT NULL,      -- refund_issued, shipped, credit, repaired, no_action
  amount_minor INTEGER,            -- money paid or granted, for totals per currency
  currency     TEXT,
  details      TEXT NOT NULL,      -- the outcome as JSON (shared::outcome::Done)
  recorded_at  TEXT NOT NULL,
  PRIMARY KEY (case_id, number)
);

ALTER TABLE cases ADD COLUMN root_cause TEXT;       -- shared::outcome::RootCause
ALTER TABLE cases ADD COLUMN responsibility TEXT;   -- shared::outcome::Responsibility
