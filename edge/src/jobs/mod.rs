//! What runs off the request path: the queue consumer and the cron jobs.

pub mod email_in;
pub mod notify;
pub mod outbox;
pub mod translate;
pub mod upload_cleanup;
