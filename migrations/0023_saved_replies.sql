-- Each store's saved replies (shared::saved_reply): a name, the category they suit
-- (NULL: any) and the reply per language, as a JSON object. Redress's starter set is
-- not stored: it ships with the worker.
CREATE TABLE saved_replies (
  store_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  category TEXT,
  variants TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (store_id, id)
) WITHOUT ROWID;
