//! The real worker under `wrangler dev` (workerd), with D1, R2 and Queues on disk in a
//! fresh folder per run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::process::Group;
use xtask::stores::{self, StoreChanges};
use xtask::{agents, D1};

use crate::{eventually, free_port};

pub struct Edge {
    base: String,
    port: u16,
    vars: Vec<(String, String)>,
    // Fields drop in order: the process stops before its state folder is removed.
    process: Option<Group>,
    log: PathBuf,
    state: TempDir,
}

impl Edge {
    /// The key shoppers' status tokens are derived with in tests.
    pub const STATUS_LINK_KEY: &'static str = "e2e-status-link-key";

    /// Tests count rate limits over Cloudflare's shorter period (10 s, the only other
    /// it offers), so a test that fills a window waits seconds, not a minute.
    pub const RATE_LIMIT_PERIOD: Duration = Duration::from_secs(10);

    /// Each `[[ratelimits]]` binding's allowance per period in tests. Per client they
    /// are as in production (over a sixth of the time, so every test that passed the
    /// production limits passes these); uploads per client and submissions per store
    /// are smaller, so that a test can fill them within one short period.
    pub const RATE_LIMITS: [(&'static str, usize); 7] = [
        ("SUBMISSIONS_PER_CLIENT", 20),
        ("UPLOADS_PER_CLIENT", 40),
        ("SUBMISSIONS_PER_STORE", 100),
        ("UPLOADS_PER_STORE", 5000),
        ("AGENT_AUTH_FAILURES_PER_CLIENT", 10),
        ("MESSAGES_PER_CLIENT", 30),
        ("MESSAGES_PER_CASE", 10),
    ];

    /// A binding's allowance per [`Edge::RATE_LIMIT_PERIOD`] in tests.
    pub fn rate_limit(binding: &str) -> usize {
        Edge::RATE_LIMITS
            .iter()
            .find(|(name, _)| *name == binding)
            .map(|(_, limit)| *limit)
            .unwrap_or_else(|| panic!("no rate limit {binding}"))
    }

    /// Applies the migrations to fresh state and starts `wrangler dev` with the given
    /// `[vars]`. The first start also builds the worker, which can take minutes.
    pub async fn start(vars: &[(&str, &str)]) -> Edge {
        let state = tempfile::Builder::new()
            .prefix("redress-e2e-")
            .tempdir()
            .expect("state folder");
        xtask::d1::apply_local_migrations(state.path()).unwrap_or_else(|e| panic!("{e}"));
        let port = free_port();
        let mut edge = Edge {
            base: format!("http://127.0.0.1:{port}"),
            port,
            vars: vars
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            process: None,
            log: state.path().join("wrangler-dev.log"),
            state,
        };
        edge.run().await;
        edge
    }

    /// Stops the worker runtime, as a crash or a deploy would, and starts it again on
    /// the same port with the same on-disk D1 and R2 (the local queue's pending
    /// messages do not survive: the outbox is what covers them).
    pub async fn restart(&mut self) {
        self.process = None;
        self.run().await;
    }

    async fn run(&mut self) {
        let persist = self.persist().to_owned();
        let mut command = wrangler();
        command.args(["dev", "--config", config()]);
        command.args([
            "--local",
            "--ip",
            "127.0.0.1",
            "--port",
            &self.port.to_string(),
            "--persist-to",
            &persist,
            "--log-level",
            "warn",
            "--show-interactive-dev-session=false",
            // Lets tests run the cron handler on demand at /__scheduled.
            "--test-scheduled",
        ]);
        command.args([
            "--var",
            &format!("STATUS_LINK_KEY:{}", Edge::STATUS_LINK_KEY),
            "--var",
            &format!("PUBLIC_URL:{}", self.base),
        ]);
        for (name, value) in &self.vars {
            command.args(["--var", &format!("{name}:{value}")]);
        }
        let mut process = Group::spawn("wrangler dev", command, &self.log);
        let health = self.url("/v1/health");
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
            Some(Err(why)) => panic!("{} {why}:\n{}", process.name(), tail(&self.log)),
            None => panic!(
                "{} never became ready:\n{}",
                process.name(),
                tail(&self.log)
            ),
        }
        self.process = Some(process);
    }

    /// The worker runtime's processes: every `workerd` that wrangler started.
    pub fn workerd_pids(&self) -> Vec<u32> {
        self.process
            .as_ref()
            .map(|p| crate::process::members_named(p.group_id(), "workerd"))
            .unwrap_or_default()
    }

    /// Resident memory of the worker runtime, in bytes.
    pub fn workerd_rss(&self) -> u64 {
        crate::process::resident_total(&self.workerd_pids())
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

    /// The outbox sweep as its cron runs it ten minutes on: every case and timeline
    /// entry still `pending` is aged past the sweep's window (`edge/src/jobs/outbox.rs`)
    /// and re-enqueued. The local queue simulator can strand a message (a retry never
    /// redelivered); in production this sweep is what brings it back. Answers how many
    /// were pending.
    pub async fn sweep_pending_as_if_later(&self) -> u64 {
        let pending = self.count("SELECT COUNT(*) AS n FROM cases WHERE notify_state = 'pending'")
            + self.count("SELECT COUNT(*) AS n FROM case_events WHERE notify_state = 'pending'");
        let earlier = |column: &str| {
            format!("{column} = strftime('%Y-%m-%dT%H:%M:%fZ', {column}, '-15 minutes')")
        };
        for (table, written) in [("cases", "created_at"), ("case_events", "at")] {
            self.execute(&format!(
                "UPDATE {table} SET {}, {} WHERE notify_state = 'pending'",
                earlier(written),
                earlier("enqueued_at")
            ));
        }
        // Each run re-enqueues a bounded batch of each (outbox::SWEEP_LIMIT, 50).
        for _ in 0..pending.div_ceil(50).max(1) {
            self.run_scheduled().await;
        }
        pending
    }

    /// What `probe` finds within `patience`; failing that, the outbox sweep runs
    /// (`sweep_pending_as_if_later`: the local queue simulator has been seen to strand a
    /// retried message under load) and `probe` gets `patience` again.
    pub async fn eventually_or_swept<T, F, Fut>(
        &self,
        patience: Duration,
        mut probe: F,
    ) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        if let Some(found) = eventually(patience, &mut probe).await {
            return Some(found);
        }
        self.sweep_pending_as_if_later().await;
        eventually(patience, probe).await
    }

    /// Writes to the local D1 behind the worker's back: for fault-injection tests.
    pub fn execute(&self, sql: &str) {
        self.d1()
            .execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Rows of a read-only query against the local D1, through wrangler's CLI.
    pub fn query(&self, sql: &str) -> Vec<Value> {
        self.d1()
            .query(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The worker's database, as the operator command reaches it.
    pub fn d1(&self) -> D1 {
        D1::Local {
            persist_to: Some(self.state.path().to_path_buf()),
        }
    }

    /// Creates or changes a store with the operator command.
    pub fn put_store(&self, id: &str, changes: StoreChanges) -> stores::Put {
        stores::put(&self.d1(), id, changes).unwrap_or_else(|e| panic!("store put {id}: {e}"))
    }

    /// A store with a name and the defaults, as the operator command creates it.
    pub fn create_store(&self, id: &str, name: &str) -> stores::Put {
        self.put_store(
            id,
            StoreChanges {
                name: Some(name.to_owned()),
                ..StoreChanges::default()
            },
        )
    }

    /// Issues an agent token with the operator command.
    pub fn issue_agent_token(&self, store_id: &str, agent: &str) -> agents::Issued {
        agents::issue(&self.d1(), store_id, agent)
            .unwrap_or_else(|e| panic!("agent issue {store_id}: {e}"))
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
        self.try_object(key)
            .unwrap_or_else(|| panic!("no object {key} in the local bucket"))
    }

    /// Whether the local R2 bucket holds an object under `key`.
    pub fn object_exists(&self, key: &str) -> bool {
        self.try_object(key).is_some()
    }

    fn try_object(&self, key: &str) -> Option<Vec<u8>> {
        let file = self.state.path().join("object.bin");
        let _ = std::fs::remove_file(&file);
        xtask::d1::run_wrangler(&[
            "r2",
            "object",
            "get",
            &format!("redress-evidence/{key}"),
            "--local",
            "--persist-to",
            self.persist(),
            "--file",
            file.to_str().expect("utf-8 temp path"),
        ])
        .ok()?;
        std::fs::read(&file).ok()
    }

    /// How many blobs the local R2 bucket keeps on disk: what any upload would add to.
    pub fn r2_blob_count(&self) -> usize {
        let blobs = self.state.path().join("v3/r2/redress-evidence/blobs");
        std::fs::read_dir(blobs).map_or(0, |entries| entries.count())
    }

    /// The end of the worker's log, for failure messages.
    pub fn log_tail(&self) -> String {
        tail(&self.log)
    }

    fn persist(&self) -> &str {
        self.state.path().to_str().expect("utf-8 temp path")
    }
}

/// The worker's configuration: `wrangler.toml` with the tests' rate limits, unless
/// `REDRESS_RATE_LIMITS=production` (the bench, which measures the worker as deployed).
fn config() -> &'static str {
    match std::env::var("REDRESS_RATE_LIMITS").as_deref() {
        Ok("production") => "wrangler.toml",
        _ => test_config(),
    }
}

/// `wrangler.toml` with the tests' rate limits (`Edge::RATE_LIMITS`), written beside it
/// (git ignores it) so that its relative paths hold.
fn test_config() -> &'static str {
    static WRITTEN: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    const NAME: &str = "wrangler.test.toml";
    WRITTEN.get_or_init(|| {
        let root = xtask::repo_root();
        let production =
            std::fs::read_to_string(root.join("wrangler.toml")).expect("wrangler.toml");
        let config = with_rate_limits(&production, &Edge::RATE_LIMITS, Edge::RATE_LIMIT_PERIOD);
        // Written whole, then renamed: a test binary starting meanwhile reads either.
        let temporary = root.join(format!("{NAME}.{}", std::process::id()));
        std::fs::write(&temporary, config).expect("write the test config");
        std::fs::rename(&temporary, root.join(NAME)).expect("place the test config");
    });
    NAME
}

/// `config` with each named `[[ratelimits]]` binding's `simple = { ... }` set to its
/// test limit and period.
fn with_rate_limits(config: &str, limits: &[(&str, usize)], period: Duration) -> String {
    let mut binding = None;
    let mut replaced = 0;
    let lines: Vec<String> = config
        .lines()
        .map(|line| {
            if let Some(name) = line.strip_prefix("name = ") {
                binding = limits
                    .iter()
                    .find(|(limit, _)| name.trim_matches('"') == *limit)
                    .map(|(_, n)| *n);
            }
            match binding.take_if(|_| line.starts_with("simple = ")) {
                Some(limit) => {
                    replaced += 1;
                    format!(
                        "simple = {{ limit = {limit}, period = {} }}",
                        period.as_secs()
                    )
                }
                None => line.to_owned(),
            }
        })
        .collect();
    assert_eq!(
        replaced,
        limits.len(),
        "every rate limit is in wrangler.toml"
    );
    lines.join("\n") + "\n"
}

fn wrangler() -> Command {
    let mut command = xtask::d1::wrangler();
    command.env("CI", "true");
    command
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
