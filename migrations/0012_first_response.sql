-- The store's promise is a first response by respond_by (shared::deadline): the first
-- reply to the shopper, or resolving the case, meets it. Overdue and escalation apply
-- only to cases not yet answered.
ALTER TABLE cases ADD COLUMN first_response_at TEXT;

-- Cases answered before this column existed (shared::deadline::is_response, once in SQL).
UPDATE cases SET first_response_at = (
  SELECT MIN(e.at) FROM case_events e
  WHERE e.case_id = cases.id
    AND (e.kind = 'reply' OR (e.kind = 'status_changed' AND e.value = 'resolved'))
);

-- The escalation job's scan: unanswered cases not yet escalated, by deadline.
CREATE INDEX cases_awaiting_response ON cases (respond_by)
  WHERE first_response_at IS NULL AND escalated_at IS NULL;
