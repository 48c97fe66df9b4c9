//! The test harness: real processes on loopback, each stopped when its handle drops.
//!
//! - [`Edge`]: the worker under `wrangler dev` with fresh on-disk D1, R2 and Queue state,
//!   and what it stored, read back through wrangler's own CLI.
//! - [`Browser`]: Debian's chromedriver and headless Chromium through fantoccini.
//! - [`WebhookReceiver`]: a store's webhook endpoint that records what it receives.
//! - [`TurnstileStandIn`]: Cloudflare Turnstile's script and siteverify, on loopback.
//! - [`mailbox`]: the shoppers' emails as `wrangler dev` simulated sending them.
//! - [`standard_webhooks`]: deliveries verified by the published library, as stores do.
//! - [`TestApp`]: the worker and a client, with a method per thing a test does.

pub mod api;
mod app;
mod browser;
mod edge;
pub mod files;
pub mod load;
pub mod mailbox;
pub mod process;
pub mod standard_webhooks;
mod turnstile;
mod webhook;

pub use app::{assert_refused, field_codes, AgentClient, TestApp};
pub use browser::{Browser, Complaint, Throttling};
pub use edge::Edge;
pub use turnstile::{TurnstileStandIn, PASSING_TOKEN};
pub use webhook::{Delivery, WebhookReceiver};

use std::path::PathBuf;
use std::time::Duration;

/// The workspace root (the tests crate lives one level below it).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A port the OS says is free right now on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Polls `probe` until it yields a value or `limit` passes.
pub async fn eventually<T, F, Fut>(limit: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    redress_shared::hex(&sha2::Sha256::digest(bytes))
}

/// The case page's text for `key` in `locale` (`shared/locales/case/`).
pub fn case_words(locale: &str, key: &str) -> String {
    let path = repo_root().join(format!("shared/locales/case/{locale}.json"));
    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the catalog")).expect("JSON");
    catalog[key].as_str().expect("a text").to_owned()
}
