-- Shoppers' texts in their store's working language (shared::translation). One row per
-- text and target language: a text is translated once, whichever case or store it
-- comes from again. `pending` rows are texts the provider failed, being retried.
CREATE TABLE translations (
  text_sha256 TEXT NOT NULL,
  language TEXT NOT NULL,
  source_language TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('translated', 'pending', 'unavailable')),
  text TEXT,
  reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (text_sha256, language)
) WITHOUT ROWID;

-- Characters each store had translated, per UTC day: its allowance and the operator's
-- report.
CREATE TABLE translation_usage (
  store_id TEXT NOT NULL,
  day TEXT NOT NULL,
  characters INTEGER NOT NULL,
  texts INTEGER NOT NULL,
  PRIMARY KEY (store_id, day)
) WITHOUT ROWID;

-- The language a store's agents work in, and how many characters a day it may have
-- translated.
ALTER TABLE stores ADD COLUMN working_language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE stores ADD COLUMN translation_characters_per_day INTEGER NOT NULL DEFAULT 200000;
