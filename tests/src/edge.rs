//! The real worker under `wrangler dev` (workerd), with D1, R2 and Queues on disk in a
//! fresh folder per run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::process::Group;
use crate::{eventually, free_port, repo_root};

pub struct Edge {
    base: String,
    // Fields drop in order: the process stops before its state folder is removed.
    _process: Group,
    log: PathBuf,
    state: TempDir,
}

impl Edge {
    /// The key the worker signs webhook deliveries with in tests.
    pub const WEBHOOK_SECRET: &'static str = "whsec_e2e_only";

    /// Applies the migrations to fresh state and starts `wrangler dev` with the given
    /// webhook. The first start also builds the worker, which can take minutes.
    pub async fn start(webhook_url: &str, chat_url: &str) -> Edge {
        let state = tempfile::Builder::new()
            .prefix("redress-e2e-")
            .tempdir()
            .expect("state folder");
        let persist = state.path().to_str().expect("utf-8 temp path").to_owned();
        run_wrangler(&[
            "d1",
            "migrations",
            "apply",
            "DB",
            "--local",
            "--persist-to",
            &persist,
        ]);

        let port = free_port();
        let mut command = wrangler();
        command.args([
            "dev",
            "--local",
            "--ip",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--persist-to",
            &persist,
            "--var",
            &format!("WEBHOOK_URL:{webhook_url}"),
            "--var",
            &format!("WEBHOOK_SECRET:{}", Edge::WEBHOOK_SECRET),
            "--var",
            &format!("CHAT_WEBHOOK_URL:{chat_url}"),
            "--log-level",
            "warn",
            "--show-interactive-dev-session=false",
            // Lets tests run the cron handler on demand at /__scheduled.
            "--test-scheduled",
        ]);
        let log = state.path().join("wrangler-dev.log");
        let mut process = Group::spawn("wrangler dev", command, &log);
        let base = format!("http://127.0.0.1:{port}");

        let health = format!("{base}/v1/health");
        let client = reqwest::Client::new();
        let ready = eventually(Duration::from_secs(900), || {
            let exited = process.exited();
            let request = client.get(&health).timeout(Duration::from_secs(5)).send();
            async move {
                if let Some(status) = exited {
                    return Some(Err(format!("exited with {status}")));
                }
                match request.await {
                    Ok(r) if r.status().is_success() => Some(Ok(())),
                    _ => None,
                }
            }
        })
        .await;
        match ready {
            Some(Ok(())) => {}
            Some(Err(why)) => panic!("{} {why}:\n{}", process.name(), tail(&log)),
            None => panic!("{} never became ready:\n{}", process.name(), tail(&log)),
        }
        Edge {
            base,
            _process: process,
            log,
            state,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs the worker's scheduled handler now, as its cron would.
    pub async fn run_scheduled(&self) {
        let url = self.url("/__scheduled?cron=*+*+*+*+*");
        let response = reqwest::get(&url)
            .await
            .expect("trigger the scheduled handler");
        assert!(
            response.status().is_success(),
            "{url} answered {}",
            response.status()
        );
    }

    /// Writes to the local D1 behind the worker's back: for fault-injection tests.
    pub fn execute(&self, sql: &str) {
        self.d1(sql);
    }

    /// Rows of a read-only query against the local D1, through wrangler's CLI.
    pub fn query(&self, sql: &str) -> Vec<Value> {
        let out = self.d1(sql);
        let json: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("wrangler d1 execute printed no JSON ({e}):\n{out}"));
        json[0]["results"].as_array().cloned().unwrap_or_default()
    }

    /// One number from a `SELECT COUNT(*) AS n ...` query.
    pub fn count(&self, sql: &str) -> u64 {
        self.query(sql)
            .first()
            .and_then(|row| row["n"].as_u64())
            .unwrap_or_else(|| panic!("no count from {sql}"))
    }

    /// The bytes of an object in the local R2 bucket.
    pub fn object(&self, key: &str) -> Vec<u8> {
        let file = self.state.path().join("object.bin");
        run_wrangler(&[
            "r2",
            "object",
            "get",
            &format!("redress-evidence/{key}"),
            "--local",
            "--persist-to",
            self.persist(),
            "--file",
            file.to_str().expect("utf-8 temp path"),
        ]);
        std::fs::read(&file).expect("downloaded object")
    }

    /// Runs SQL on the local D1 with `wrangler d1 execute`, returning its JSON output.
    fn d1(&self, sql: &str) -> String {
        run_wrangler(&[
            "d1",
            "execute",
            "DB",
            "--local",
            "--persist-to",
            self.persist(),
            "--json",
            "--command",
            sql,
        ])
    }

    /// The end of the worker's log, for failure messages.
    pub fn log_tail(&self) -> String {
        tail(&self.log)
    }

    fn persist(&self) -> &str {
        self.state.path().to_str().expect("utf-8 temp path")
    }
}

/// wrangler from the project's node_modules, run on the Node 22 that lives there too.
fn wrangler() -> Command {
    let root = repo_root();
    let bin = root.join("node_modules/.bin");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(bin.join("wrangler"));
    command
        .current_dir(&root)
        .env("PATH", path)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "true");
    command
}

fn run_wrangler(args: &[&str]) -> String {
    let out = wrangler()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("could not run wrangler {args:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "wrangler {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
