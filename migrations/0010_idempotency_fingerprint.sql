-- What a submission said when its Idempotency-Key was first used (shared::idempotency):
-- the same key with a different body is refused. NULL on cases filed before.
ALTER TABLE cases ADD COLUMN idempotency_fingerprint TEXT;
