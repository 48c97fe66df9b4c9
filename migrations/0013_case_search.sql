-- The agents' text search (GET /v1/agent/cases?q=): an FTS5 index of descriptions with
-- the trigram tokenizer, which finds any substring of three characters or more in every
-- script we take (Chinese and Japanese have no spaces between words), case-insensitively,
-- without scanning every description. Descriptions never change once filed.
CREATE VIRTUAL TABLE cases_search USING fts5(
  description,
  content = 'cases',
  content_rowid = 'rowid',
  tokenize = 'trigram'
);

CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_search (rowid, description) VALUES (new.rowid, new.description);
END;

CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
  INSERT INTO cases_search (cases_search, rowid, description)
    VALUES ('delete', old.rowid, old.description);
END;

INSERT INTO cases_search (cases_search) VALUES ('rebuild');
