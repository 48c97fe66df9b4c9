-- The language an agent reads and writes in, when it is not their store's working
-- language: shoppers' texts are shown to them translated into it. NULL: the store's.
ALTER TABLE agent_tokens ADD COLUMN working_language TEXT;
