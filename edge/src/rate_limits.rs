//! Rate limits on the open endpoints, counted by the Workers rate-limit bindings
//! (`[[ratelimits]]` in `wrangler.toml`, where each limit's size lives).

use redress_shared::rate_limit::{client_key, RETRY_AFTER_SECONDS};
use redress_shared::{ApiError, ErrorCode};
use worker::{Env, Request};

use crate::bindings;

/// What is counted, and against whom.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    SubmissionsPerClient,
    SubmissionsPerStore,
    UploadsPerClient,
    UploadsPerStore,
    /// Only refused agent tokens count: a valid token is never throttled, so an agent
    /// behind the same address as a noisy client keeps working.
    AgentAuthFailuresPerClient,
    /// Shoppers' messages to stores, from one client and on one case.
    MessagesPerClient,
    MessagesPerCase,
}

/// Counts one request under `key`; refuses it with 429 once the limit is reached.
/// A limiter that cannot be reached lets the request through: an outage of the
/// counter must not turn shoppers away.
pub async fn count(env: &Env, limit: Limit, key: String) -> Result<(), ApiError> {
    let limiter = match bindings::rate_limiter(env, limit) {
        Ok(limiter) => limiter,
        Err(e) => {
            worker::console_error!("rate limiter {limit:?} unavailable: {e}");
            return Ok(());
        }
    };
    match limiter.limit(key).await {
        Ok(outcome) if !outcome.success => Err(ApiError::new(
            ErrorCode::RateLimited,
            format!("Too many requests; try again in {RETRY_AFTER_SECONDS} seconds."),
        )),
        Ok(_) => Ok(()),
        Err(e) => {
            worker::console_error!("rate limiter {limit:?} failed: {e}");
            Ok(())
        }
    }
}

/// The key the request's client is counted under.
pub fn client(req: &Request) -> String {
    client_key(client_address(req).as_deref())
}

/// The shopper's address as Cloudflare reports it (`CF-Connecting-IP`).
pub fn client_address(req: &Request) -> Option<String> {
    req.headers().get("CF-Connecting-IP").ok().flatten()
}
