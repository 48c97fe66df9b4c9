//! A store's endpoints on loopback that keep every body they receive: its webhook
//! (`/hooks/redress`), its team chat (`/hooks/chat`) and the operator's email provider
//! (`/email`, standing in for Resend's API).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

const WEBHOOK_PATH: &str = "/hooks/redress";
const CHAT_PATH: &str = "/hooks/chat";
const EMAIL_PATH: &str = "/email";

/// One acknowledged delivery, as it arrived.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The path it was POSTed to (`/hooks/redress`, `/hooks/chat`).
    pub path: String,
    pub json: Value,
    pub body: String,
    /// Every header, names in lower case.
    pub headers: HashMap<String, String>,
    pub at: Instant,
}

impl Delivery {
    /// A header's value (`name` in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

pub struct WebhookReceiver {
    url: String,
    /// Deliveries the receiver acknowledged (answered 200).
    received: Arc<Mutex<Vec<Delivery>>>,
    /// How many of the next requests to refuse with a 503, as a store's endpoint that is down.
    refuse_next: Arc<AtomicUsize>,
    /// Whether the store's webhook is down: every delivery is refused with a 503.
    down: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl WebhookReceiver {
    pub fn start() -> WebhookReceiver {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind webhook receiver"));
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse_next = Arc::new(AtomicUsize::new(0));
        let down = Arc::new(AtomicBool::new(false));
        let refused = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (server, received) = (server.clone(), received.clone());
            let (refuse_next, refused) = (refuse_next.clone(), refused.clone());
            let down = down.clone();
            std::thread::spawn(move || {
                for mut request in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    // Outages are the store's webhook's; the other endpoints stay up.
                    let refuse = request.url() == WEBHOOK_PATH
                        && (down.load(Ordering::SeqCst)
                            || refuse_next
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                                    n.checked_sub(1)
                                })
                                .is_ok());
                    if refuse {
                        refused.fetch_add(1, Ordering::SeqCst);
                        let _ = request.respond(tiny_http::Response::empty(503));
                        continue;
                    }
                    if let Ok(json) = serde_json::from_str::<Value>(&body) {
                        let headers = request
                            .headers()
                            .iter()
                            .map(|h| {
                                let name = h.field.as_str().as_str().to_ascii_lowercase();
                                (name, h.value.as_str().to_owned())
                            })
                            .collect();
                        let path = request.url().to_owned();
                        received.lock().expect("receiver lock").push(Delivery {
                            path,
                            json,
                            body,
                            headers,
                            at: Instant::now(),
                        });
                    }
                    let _ = request.respond(tiny_http::Response::empty(200));
                }
            })
        };
        WebhookReceiver {
            url: format!("http://127.0.0.1:{port}{WEBHOOK_PATH}"),
            received,
            refuse_next,
            down,
            refused,
            server,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// A second endpoint on the same receiver, playing the store's team chat.
    pub fn chat_url(&self) -> String {
        self.url.replace(WEBHOOK_PATH, CHAT_PATH)
    }

    /// A third endpoint, playing the operator's email provider.
    pub fn email_api_url(&self) -> String {
        self.url.replace(WEBHOOK_PATH, EMAIL_PATH)
    }

    /// Chat messages received so far that mention `text`.
    pub fn chat_messages_mentioning(&self, text: &str) -> Vec<Value> {
        self.received_at(CHAT_PATH, text)
            .into_iter()
            .map(|d| d.json)
            .collect()
    }

    /// Emails sent through the provider so far that mention `text`.
    pub fn emails_mentioning(&self, text: &str) -> Vec<Delivery> {
        self.received_at(EMAIL_PATH, text)
    }

    fn received_at(&self, path: &str, text: &str) -> Vec<Delivery> {
        self.received
            .lock()
            .expect("receiver lock")
            .iter()
            .filter(|d| d.path == path && d.body.contains(text))
            .cloned()
            .collect()
    }

    /// Answers the next `n` webhook deliveries with 503, as an endpoint that is down.
    pub fn refuse_next(&self, n: usize) {
        self.refuse_next.store(n, Ordering::SeqCst);
    }

    /// Takes the store's webhook down (every delivery refused with 503) or back up.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Each case's `case.created` deliveries, by reference and path: the webhook's JSON
    /// names the case, the chat message mentions it.
    pub fn created_deliveries(&self) -> HashMap<(String, String), Vec<Delivery>> {
        let mut found: HashMap<(String, String), Vec<Delivery>> = HashMap::new();
        for d in self.received.lock().expect("receiver lock").iter() {
            let reference = if d.path == WEBHOOK_PATH {
                (d.json["event"] == "case.created")
                    .then(|| d.json["case"]["reference"].as_str().map(str::to_owned))
                    .flatten()
            } else if d.path == CHAT_PATH {
                first_reference(&d.body)
            } else {
                None
            };
            if let Some(reference) = reference {
                found
                    .entry((reference, d.path.clone()))
                    .or_default()
                    .push(d.clone());
            }
        }
        found
    }

    /// How many deliveries were refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    /// Every notification acknowledged so far about the case with this reference.
    pub fn notifications_for(&self, reference: &str) -> Vec<Value> {
        self.received
            .lock()
            .expect("receiver lock")
            .iter()
            .filter(|d| d.json["case"]["reference"] == reference)
            .map(|d| d.json.clone())
            .collect()
    }

    /// The raw bodies and signature headers of the deliveries about `reference`.
    pub fn deliveries_for(&self, reference: &str) -> Vec<Delivery> {
        self.received
            .lock()
            .expect("receiver lock")
            .iter()
            .filter(|d| d.json["case"]["reference"] == reference)
            .cloned()
            .collect()
    }

    /// Waits for the first notification about `reference`, then a little longer so
    /// that a duplicate would have arrived too.
    pub async fn settle_for(&self, reference: &str, limit: Duration) -> Vec<Value> {
        self.settle_for_at_least(reference, 1, limit).await
    }

    /// Waits for `count` notifications about `reference`, then a little longer so that
    /// one too many would have arrived too.
    pub async fn settle_for_at_least(
        &self,
        reference: &str,
        count: usize,
        limit: Duration,
    ) -> Vec<Value> {
        crate::eventually(limit, || async {
            (self.notifications_for(reference).len() >= count).then_some(())
        })
        .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        self.notifications_for(reference)
    }
}

/// The first case reference (`RD-XXXX-XXXX-XXXX`) in some text.
fn first_reference(text: &str) -> Option<String> {
    let start = text.find("RD-")?;
    let candidate = text.get(start..start + 17)?;
    candidate
        .bytes()
        .skip(3)
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        .then(|| candidate.to_owned())
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
