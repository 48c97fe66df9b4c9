-- Who is sending an event on a channel, until when (shared::delivery::
-- SENDING_LEASE_SECONDS): a second message of the same event (the sweep's, while the
-- first was slow) sends nothing on that channel meanwhile. state is 'sending' then.
ALTER TABLE deliveries ADD COLUMN sending_until TEXT;
