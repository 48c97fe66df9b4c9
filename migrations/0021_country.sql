-- Where the shopper filed from (shared::case::country_code, from Cloudflare's request
-- metadata): a dimension of trends, and in the case webhooks carry.
ALTER TABLE cases ADD COLUMN country TEXT;
