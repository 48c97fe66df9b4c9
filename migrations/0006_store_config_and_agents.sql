-- Everything an operator sets for a store (see `cargo xtask store`), and the agents'
-- tokens. Only configured stores accept uploads and complaints from now on.
ALTER TABLE stores ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]'; -- JSON array
ALTER TABLE stores ADD COLUMN default_locale  TEXT NOT NULL DEFAULT 'en';
ALTER TABLE stores ADD COLUMN webhook_url     TEXT;
ALTER TABLE stores ADD COLUMN webhook_secret  TEXT;
ALTER TABLE stores ADD COLUMN chat_webhook_url TEXT;
ALTER TABLE stores ADD COLUMN email_to        TEXT;
ALTER TABLE stores ADD COLUMN updated_at      TEXT;

-- An agent's bearer token, kept only as its SHA-256: shown once when issued.
CREATE TABLE agent_tokens (
  id            TEXT PRIMARY KEY,              -- 'agt_' + hex, safe to show and log
  store_id      TEXT NOT NULL REFERENCES stores (id),
  agent         TEXT NOT NULL,                 -- who holds it, as shown in timelines
  token_sha256  TEXT NOT NULL UNIQUE,
  created_at    TEXT NOT NULL,
  revoked_at    TEXT,
  last_used_at  TEXT
);
CREATE INDEX agent_tokens_by_store ON agent_tokens (store_id);
