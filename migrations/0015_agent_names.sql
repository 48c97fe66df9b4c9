-- Whether shoppers see the name of the agent who replied (on the case page and in the
-- reply's email); by default they hear from the store alone.
ALTER TABLE stores ADD COLUMN agent_names_shown INTEGER NOT NULL DEFAULT 0;
