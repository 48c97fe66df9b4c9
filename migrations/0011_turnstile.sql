-- Cloudflare Turnstile per store (shared::turnstile): the widget shows the challenge
-- for the site key and the edge verifies its token with the secret. NULL: off.
ALTER TABLE stores ADD COLUMN turnstile_site_key TEXT;
ALTER TABLE stores ADD COLUMN turnstile_secret TEXT;
