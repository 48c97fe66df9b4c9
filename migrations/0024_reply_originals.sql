-- A reply the shopper received translated keeps what the agent wrote and its language
-- (shared::translation::Original): agents read it as the authority, the shopper on
-- request. NULL for every other entry.
ALTER TABLE case_events ADD COLUMN original TEXT;
ALTER TABLE case_events ADD COLUMN original_language TEXT;
