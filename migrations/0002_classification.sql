-- The edge's verdict on each case (shared::categorize), and what the shopper chose.
ALTER TABLE cases ADD COLUMN category TEXT NOT NULL DEFAULT 'other';
ALTER TABLE cases ADD COLUMN sub_reason TEXT;
ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE cases ADD COLUMN safety INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN lang TEXT NOT NULL DEFAULT 'und';
ALTER TABLE cases ADD COLUMN signals TEXT NOT NULL DEFAULT '[]';   -- JSON array of {rule, cue}
ALTER TABLE cases ADD COLUMN shopper_category TEXT;
ALTER TABLE cases ADD COLUMN order_value INTEGER;                  -- minor units

-- Repeated complaints from one email or about one order raise priority (7 days back).
CREATE INDEX cases_by_email ON cases (store_id, email, created_at);
CREATE INDEX cases_by_order ON cases (store_id, order_number, created_at);
