-- When a case's notification was last put on the queue. The scheduled sweep re-enqueues
-- cases still 'pending' whose enqueue failed or whose message was lost (a restart).
ALTER TABLE cases ADD COLUMN enqueued_at TEXT;
