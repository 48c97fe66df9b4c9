-- Service levels (shared::service_level): a resolution target beside the first-response
-- one, clocks that pause while the case is not with the agents, breaches recorded once.
ALTER TABLE cases ADD COLUMN resolve_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN clock_paused_at TEXT;
ALTER TABLE cases ADD COLUMN response_breached_at TEXT;
ALTER TABLE cases ADD COLUMN resolution_breached_at TEXT;

-- A store's resolution hours (JSON of shared::deadline::PriorityHours) and business hours
-- (JSON of shared::business_hours::BusinessHours); NULL: the defaults, around the clock.
ALTER TABLE stores ADD COLUMN resolution_hours TEXT;
ALTER TABLE stores ADD COLUMN business_hours TEXT;

-- Cases filed before: due resolved by the default hours for their priority, from filing.
UPDATE cases SET resolve_by = strftime('%Y-%m-%dT%H:%M:%fZ', created_at,
  CASE priority WHEN 'urgent' THEN '+24 hours' WHEN 'high' THEN '+48 hours'
                WHEN 'low' THEN '+240 hours' ELSE '+120 hours' END);

-- Cases not with the agents paused when they last changed status.
UPDATE cases SET clock_paused_at = COALESCE((
  SELECT MAX(at) FROM case_events e
  WHERE e.case_id = cases.id AND e.kind = 'status_changed'
), created_at) WHERE status NOT IN ('new', 'in_progress');

-- The breach job's scans, and the inbox's "breached" filter.
CREATE INDEX cases_response_due ON cases (respond_by)
  WHERE response_breached_at IS NULL AND first_response_at IS NULL;
CREATE INDEX cases_resolution_due ON cases (resolve_by)
  WHERE resolution_breached_at IS NULL;
CREATE INDEX cases_breached ON cases (store_id, created_at)
  WHERE response_breached_at IS NOT NULL OR resolution_breached_at IS NOT NULL;
