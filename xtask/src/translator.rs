//! A stand-in for the HTTP translation provider (LibreTranslate's `POST /translate`), for
//! `scripts/dev.sh` and the tests: no translation model can run on these machines.
//!
//! It translates what its phrasebook (`xtask/phrasebook.json`) holds, sentence by
//! sentence, and marks anything else as untranslated (`[ko→en] …`), so nobody mistakes
//! it for a translator. It can be taken down (every request answered 503) to play an
//! outage, and counts what it was asked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use redress_shared::translation::{ProviderAnswer, ProviderRequest};

/// The phrasebook: each entry is one sentence in several languages (ISO 639-1 codes).
const PHRASEBOOK: &str = include_str!("../phrasebook.json");

pub struct StandIn {
    url: String,
    down: Arc<AtomicBool>,
    asked: Arc<Mutex<Vec<ProviderRequest>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Serves on `address` (`127.0.0.1:0` for any free port).
    pub fn start(address: &str) -> std::io::Result<StandIn> {
        let server = Arc::new(tiny_http::Server::http(address).map_err(std::io::Error::other)?);
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| std::io::Error::other("not an IP listener"))?;
        let phrasebook = Phrasebook::parse(PHRASEBOOK);
        let down = Arc::new(AtomicBool::new(false));
        let asked: Arc<Mutex<Vec<ProviderRequest>>> = Arc::default();
        let thread = {
            let (server, down, asked) = (server.clone(), down.clone(), Arc::clone(&asked));
            std::thread::spawn(move || {
                for mut request in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let (status, answer) = if down.load(Ordering::SeqCst) {
                        (503, r#"{"error":"the stand-in is down"}"#.to_owned())
                    } else {
                        match serde_json::from_str::<ProviderRequest>(&body) {
                            Ok(asked_for) if request.url() == "/translate" => {
                                let answer = ProviderAnswer {
                                    translated_text: phrasebook.translate(&asked_for),
                                };
                                asked.lock().expect("stand-in lock").push(asked_for);
                                (200, serde_json::to_string(&answer).expect("json"))
                            }
                            Ok(_) => (404, r#"{"error":"POST /translate"}"#.to_owned()),
                            Err(e) => (
                                400,
                                serde_json::json!({ "error": e.to_string() }).to_string(),
                            ),
                        }
                    };
                    let json = tiny_http::Header::from_bytes("Content-Type", "application/json")
                        .expect("a header");
                    let response = tiny_http::Response::from_string(answer)
                        .with_status_code(status)
                        .with_header(json);
                    let _ = request.respond(response);
                }
            })
        };
        Ok(StandIn {
            url: format!("http://127.0.0.1:{port}/translate"),
            down,
            asked,
            server,
            thread: Some(thread),
        })
    }

    /// The provider URL to give the worker (`TRANSLATE_URL`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Takes the stand-in down (every request answered 503) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Every request it translated, in order.
    pub fn asked(&self) -> Vec<ProviderRequest> {
        self.asked.lock().expect("stand-in lock").clone()
    }

    /// Serves until the process ends.
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sentences by language, and the entry each belongs to.
struct Phrasebook {
    entries: Vec<HashMap<String, String>>,
}

impl Phrasebook {
    fn parse(json: &str) -> Phrasebook {
        Phrasebook {
            entries: serde_json::from_str(json).expect("xtask/phrasebook.json is a list of maps"),
        }
    }

    /// `request.q`, each line and sentence the phrasebook knows put in the target language,
    /// anything else marked as not translated.
    fn translate(&self, request: &ProviderRequest) -> String {
        request
            .q
            .lines()
            .map(|line| {
                let line = line.trim();
                if line.is_empty() {
                    return String::new();
                }
                self.entries
                    .iter()
                    .find(|entry| entry.get(&request.source).is_some_and(|s| s == line))
                    .and_then(|entry| entry.get(&request.target))
                    .cloned()
                    .unwrap_or_else(|| format!("[{}→{}] {line}", request.source, request.target))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(q: &str, source: &str, target: &str) -> ProviderRequest {
        ProviderRequest {
            q: q.to_owned(),
            source: source.to_owned(),
            target: target.to_owned(),
            format: "text".to_owned(),
            api_key: None,
        }
    }

    #[test]
    fn the_phrasebook_translates_the_lines_it_knows_and_marks_the_others() {
        let book = Phrasebook::parse(
            r#"[{"ko": "램프가 깨져서 왔어요.", "en": "The lamp arrived broken."}]"#,
        );
        assert_eq!(
            book.translate(&asked("램프가 깨져서 왔어요.\n환불해 주세요.", "ko", "en")),
            "The lamp arrived broken.\n[ko→en] 환불해 주세요."
        );
        assert_eq!(
            book.translate(&asked("The lamp arrived broken.", "en", "ko")),
            "램프가 깨져서 왔어요."
        );
    }

    #[test]
    fn the_committed_phrasebook_reads() {
        assert!(!Phrasebook::parse(PHRASEBOOK).entries.is_empty());
    }
}
