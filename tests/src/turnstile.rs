//! A local stand-in for Cloudflare Turnstile, which these machines cannot reach: its
//! script (`api.js`, drawing a "challenge" that passes at once, the way Cloudflare's
//! always-passing test keys do) and its siteverify API, which accepts only the token
//! that script hands out, for the secret it was given, and records every question.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::{json, Value};

/// The token the stand-in's challenge hands out.
pub const PASSING_TOKEN: &str = "stand-in-turnstile-pass";

/// Like Cloudflare's explicit rendering: `turnstile.render(container, {sitekey})`
/// puts the token in a hidden `cf-turnstile-response` input inside the container.
const SCRIPT: &str = r#"window.turnstile = {
  render(container, options) {
    const box = document.createElement("p");
    box.textContent = "Verified (" + options.sitekey + ")";
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "cf-turnstile-response";
    input.value = "stand-in-turnstile-pass";
    container.append(box, input);
    return "stand-in-widget";
  },
  reset() {},
};"#;

pub struct TurnstileStandIn {
    base: String,
    secret: String,
    /// The JSON bodies siteverify received.
    asked: Arc<Mutex<Vec<Value>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl TurnstileStandIn {
    /// Answers for a store whose Turnstile secret is `secret`; the challenge is solved
    /// on `hostname`.
    pub fn start(secret: &str, hostname: &str) -> TurnstileStandIn {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind stand-in"));
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (server, asked) = (server.clone(), asked.clone());
            let (secret, hostname) = (secret.to_owned(), hostname.to_owned());
            std::thread::spawn(move || {
                for mut request in server.incoming_requests() {
                    if request.url().starts_with("/turnstile/v0/api.js") {
                        let header = "Content-Type: text/javascript"
                            .parse::<tiny_http::Header>()
                            .expect("header");
                        let _ = request
                            .respond(tiny_http::Response::from_string(SCRIPT).with_header(header));
                        continue;
                    }
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let question: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    let answer = if question["secret"] != secret.as_str() {
                        json!({"success": false, "error-codes": ["invalid-input-secret"]})
                    } else if question["response"] != PASSING_TOKEN {
                        json!({"success": false, "error-codes": ["invalid-input-response"]})
                    } else {
                        json!({"success": true, "hostname": hostname, "error-codes": [],
                               "challenge_ts": "2026-11-23T08:00:00.000Z"})
                    };
                    asked.lock().expect("stand-in lock").push(question);
                    let header = "Content-Type: application/json"
                        .parse::<tiny_http::Header>()
                        .expect("header");
                    let _ = request.respond(
                        tiny_http::Response::from_string(answer.to_string()).with_header(header),
                    );
                }
            })
        };
        TurnstileStandIn {
            base: format!("http://127.0.0.1:{port}"),
            secret: secret.to_owned(),
            asked,
            server,
            thread: Some(thread),
        }
    }

    /// For the edge's `TURNSTILE_VERIFY_URL`.
    pub fn verify_url(&self) -> String {
        format!("{}/turnstile/v0/siteverify", self.base)
    }

    /// For the edge's `TURNSTILE_SCRIPT_URL`.
    pub fn script_url(&self) -> String {
        format!("{}/turnstile/v0/api.js?render=explicit", self.base)
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// What siteverify was asked so far.
    pub fn questions(&self) -> Vec<Value> {
        self.asked.lock().expect("stand-in lock").clone()
    }
}

impl Drop for TurnstileStandIn {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
