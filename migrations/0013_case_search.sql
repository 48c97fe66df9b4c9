-- The agents' text search (GET /v1/agent/cases?q=): an FTS5 index of descriptions with
-- the trigram tokenizer, which finds any substring of three characters or more in every
-- script we take (Chinese and Japanese have no spaces between words), case-insensitively,
-- without scanning every description. Keyed by the case id (rowids of a table with a
-- text primary key may change on VACUUM), kept in step by triggers.
CREATE VIRTUAL TABLE cases_search USING fts5(
  case_id UNINDEXED,
  description,
  tokenize = 'trigram'
);

CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_search (case_id, description) VALUES (new.id, new.description);
END;

CREATE TRIGGER cases_search_update AFTER UPDATE OF description ON cases BEGIN
  UPDATE cases_search SET description = new.description WHERE case_id = old.id;
END;

CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
  DELETE FROM cases_search WHERE case_id = old.id;
END;

INSERT INTO cases_search (case_id, description) SELECT id, description FROM cases;
