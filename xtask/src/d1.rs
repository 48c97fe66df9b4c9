//! D1 through wrangler's CLI, with SQL literals quoted here because `d1 execute` takes
//! no bound parameters.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why an operator command did not do what it was asked.
#[derive(Debug)]
pub enum Error {
    /// wrangler could not run, or reported a failure.
    Wrangler(String),
    /// wrangler answered with output we could not read.
    Unreadable(String),
    /// The configuration would break a rule (see `redress_shared::store`).
    InvalidStore(redress_shared::store::StoreConfigError),
    /// A new store needs a name.
    NameRequired,
    InvalidAgentName,
    UnknownStore(String),
    UnknownToken(String),
    /// A build or measurement step failed.
    Step(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Wrangler(why) => write!(f, "wrangler failed: {why}"),
            Error::Unreadable(why) => write!(f, "could not read wrangler's answer: {why}"),
            Error::InvalidStore(why) => write!(f, "invalid store: {why}"),
            Error::NameRequired => f.write_str("a new store needs --name"),
            Error::InvalidAgentName => {
                f.write_str("an agent's name is 1-100 characters, none of them control characters")
            }
            Error::UnknownStore(id) => write!(f, "there is no store {id:?}"),
            Error::UnknownToken(id) => write!(f, "there is no active agent token {id:?}"),
            Error::Step(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {}

/// The database a command works on.
#[derive(Debug, Clone)]
pub enum D1 {
    /// The on-disk database `wrangler dev` uses; `None` is wrangler's default folder.
    Local { persist_to: Option<PathBuf> },
    /// The deployed database (needs `wrangler login` or `CLOUDFLARE_API_TOKEN`).
    Remote,
}

impl D1 {
    /// Rows of the last statement in `sql`.
    pub fn query<T: DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>, Error> {
        let out = self.execute(sql)?;
        let json: Value =
            serde_json::from_str(&out).map_err(|e| Error::Unreadable(format!("{e}: {out}")))?;
        let results = json
            .as_array()
            .and_then(|statements| statements.last())
            .map(|last| last["results"].clone())
            .unwrap_or(Value::Array(Vec::new()));
        serde_json::from_value(results).map_err(|e| Error::Unreadable(e.to_string()))
    }

    /// Runs `sql` and returns wrangler's JSON output.
    pub fn execute(&self, sql: &str) -> Result<String, Error> {
        let mut args = vec!["d1", "execute", "DB", "--json", "--command", sql];
        let persist;
        match self {
            D1::Local { persist_to } => {
                args.push("--local");
                if let Some(dir) = persist_to {
                    persist = dir.to_string_lossy().into_owned();
                    args.extend(["--persist-to", persist.as_str()]);
                }
            }
            D1::Remote => args.push("--remote"),
        }
        run_wrangler(&args)
    }
}

/// wrangler from the project's node_modules, on the Node that lives there too.
pub fn wrangler() -> Command {
    let root = crate::repo_root();
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
        .env("WRANGLER_SEND_METRICS", "false");
    command
}

/// Applies the migrations to the local database kept in `persist_to` (a fresh folder
/// gives a fresh database, as tests want).
pub fn apply_local_migrations(persist_to: &Path) -> Result<String, Error> {
    let folder = persist_to
        .to_str()
        .ok_or_else(|| Error::Step(format!("{} is not UTF-8", persist_to.display())))?;
    run_wrangler(&[
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        folder,
    ])
}

/// Runs wrangler to completion and returns its standard output.
pub fn run_wrangler(args: &[&str]) -> Result<String, Error> {
    let out = wrangler()
        .args(args)
        .output()
        .map_err(|e| Error::Wrangler(format!("could not start it: {e}")))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(Error::Wrangler(format!(
            "{args:?} exited with {}:\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

/// A SQL string literal.
pub fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A SQL string literal, or NULL.
pub fn nullable_text(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_inside_literals_are_doubled() {
        assert_eq!(text("O'Brien's"), "'O''Brien''s'");
        assert_eq!(
            text("'); DROP TABLE cases; --"),
            "'''); DROP TABLE cases; --'"
        );
        assert_eq!(nullable_text(None), "NULL");
    }
}
