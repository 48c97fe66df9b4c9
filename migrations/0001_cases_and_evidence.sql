-- Uploaded files, before and after a complaint claims them. An upload that no case
-- claims is never evidence; a scheduled cleanup removes it and its object.
CREATE TABLE uploads (
  token        TEXT PRIMARY KEY,          -- the shopper's opaque handle (up_ + 32 hex)
  store_id     TEXT NOT NULL,
  r2_key       TEXT NOT NULL UNIQUE,      -- generated, never the shopper's file name
  kind         TEXT NOT NULL,             -- EvidenceKind, decided from the bytes
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  file_name    TEXT NOT NULL,             -- sanitised, kept as data only
  created_at   TEXT NOT NULL
);

CREATE TABLE cases (
  id              TEXT PRIMARY KEY,
  reference       TEXT NOT NULL UNIQUE,
  store_id        TEXT NOT NULL,
  status          TEXT NOT NULL,
  order_number    TEXT NOT NULL,
  email           TEXT NOT NULL,
  product_id      TEXT,
  product_url     TEXT,
  description     TEXT NOT NULL,
  resolution      TEXT NOT NULL,
  locale          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  idempotency_key TEXT,
  -- The outbox: 'pending' until the consumer has delivered to every channel.
  notify_state    TEXT NOT NULL DEFAULT 'pending',
  UNIQUE (store_id, idempotency_key)
);
CREATE INDEX cases_by_store ON cases (store_id, created_at);
CREATE INDEX cases_pending ON cases (notify_state) WHERE notify_state = 'pending';

-- One row a file a case; an upload can be evidence of one case only.
CREATE TABLE evidence (
  case_id      TEXT NOT NULL REFERENCES cases (id),
  position     INTEGER NOT NULL,
  upload_token TEXT NOT NULL UNIQUE REFERENCES uploads (token),
  r2_key       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  file_name    TEXT NOT NULL,
  PRIMARY KEY (case_id, position)
);

-- What each channel was sent for each case: redelivered queue messages consult it so
-- that a store is not notified twice.
CREATE TABLE deliveries (
  case_id      TEXT NOT NULL REFERENCES cases (id),
  channel      TEXT NOT NULL,
  state        TEXT NOT NULL,             -- 'delivered' or 'failing'
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (case_id, channel)
);
