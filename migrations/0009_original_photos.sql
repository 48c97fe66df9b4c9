-- Whether the widget offers shoppers to send photos at full size with their metadata
-- (shared::photo); by default it downscales them and drops the metadata.
ALTER TABLE stores ADD COLUMN original_photos INTEGER NOT NULL DEFAULT 0;
