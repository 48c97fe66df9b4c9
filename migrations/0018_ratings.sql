-- Satisfaction (shared::rating): when the case was last resolved (the shopper may rate
-- it for 14 days after), and their rating.
ALTER TABLE cases ADD COLUMN resolved_at TEXT;
ALTER TABLE cases ADD COLUMN rating INTEGER;          -- 1 to 5
ALTER TABLE cases ADD COLUMN rating_comment TEXT;
ALTER TABLE cases ADD COLUMN rated_at TEXT;

-- Cases resolved before: when, from their timelines.
UPDATE cases SET resolved_at = (
  SELECT MAX(at) FROM case_events e
  WHERE e.case_id = cases.id AND e.kind = 'status_changed' AND e.value = 'resolved'
) WHERE status = 'resolved';

-- The inbox's "rated low" filter.
CREATE INDEX cases_by_store_rating ON cases (store_id, rating) WHERE rating IS NOT NULL;
