-- A store's own evidence limits; NULL keeps the defaults in shared::evidence.
ALTER TABLE stores ADD COLUMN max_files       INTEGER;
ALTER TABLE stores ADD COLUMN max_image_bytes INTEGER;   -- images and PDFs, per file
ALTER TABLE stores ADD COLUMN max_video_bytes INTEGER;   -- per file
ALTER TABLE stores ADD COLUMN max_total_bytes INTEGER;   -- per complaint
