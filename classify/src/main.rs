//! `classify`: reads JSON lines with at least `id` and `text` on stdin and writes one
//! JSON line per input on stdout with `id`, `category`, `sub_reason`, `priority`, `lang`
//! and `safety`, using the categorizer the edge runs (`redress_shared::categorize`).
//!
//! ```sh
//! cargo run --release -q --bin classify < complaints.jsonl
//! ```
//!
//! With `--explain`, each line also carries the `signals`: the cues that decided it.
//!
//! A line that is not such an object still gets its line out, with an `error` code, so
//! that outputs and inputs stay in step.

use std::io::{self, BufRead, BufWriter, Write};

use redress_shared::categorize::classify;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    id: Value,
    text: String,
}

fn main() -> io::Result<()> {
    let explain = std::env::args().any(|a| a == "--explain");
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let verdict = match serde_json::from_str::<Input>(&line) {
            Ok(input) => {
                let c = classify(&input.text);
                let mut verdict = json!({
                    "id": input.id,
                    "category": c.assessment.category,
                    "sub_reason": c.assessment.sub_reason,
                    "priority": c.assessment.priority,
                    "lang": c.lang,
                    "safety": c.assessment.safety,
                });
                if explain {
                    verdict["signals"] = json!(c.assessment.signals);
                }
                verdict
            }
            Err(e) => {
                let id = serde_json::from_str::<Value>(&line)
                    .ok()
                    .and_then(|v| v.get("id").cloned())
                    .unwrap_or(Value::Null);
                json!({ "id": id, "error": "invalid_input", "message": e.to_string() })
            }
        };
        serde_json::to_writer(&mut out, &verdict)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
