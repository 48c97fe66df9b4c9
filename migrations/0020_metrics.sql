-- The store's metrics (shared::metrics, edge db/metrics.rs) over 100,000 cases without
-- touching the wide case rows: a covering index of what they read, how often each case
-- was reopened, and refunds that carry their case's store and filing time.
ALTER TABLE cases ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;

-- Cases reopened before: a resolution (or closing) followed by going back to work.
UPDATE cases SET reopened = (
  SELECT COUNT(*) FROM case_events o
  WHERE o.case_id = cases.id AND o.kind = 'status_changed' AND o.value = 'in_progress'
    AND EXISTS (SELECT 1 FROM case_events r
                WHERE r.case_id = o.case_id AND r.seq < o.seq AND r.kind = 'status_changed'
                  AND r.value IN ('resolved', 'closed'))
);

CREATE INDEX cases_metrics ON cases (
  store_id, created_at, priority, category, assignee, status, first_response_at, resolved_at,
  rating, response_breached_at, resolution_breached_at, resolution_taken, reopened
);

ALTER TABLE outcomes ADD COLUMN store_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outcomes ADD COLUMN case_created_at TEXT NOT NULL DEFAULT '';
UPDATE outcomes SET
  store_id = (SELECT c.store_id FROM cases c WHERE c.id = outcomes.case_id),
  case_created_at = (SELECT c.created_at FROM cases c WHERE c.id = outcomes.case_id);
CREATE INDEX outcomes_by_store ON outcomes (
  store_id, case_created_at, kind, currency, amount_minor, case_id
);
