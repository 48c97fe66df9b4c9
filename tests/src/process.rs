//! Child processes started in their own process group, so that stopping one stops
//! everything it started (npx → node → workerd, chromedriver → chromium).

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The groups started and not yet stopped, for `stop_all_on_panic`.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

pub struct Group {
    name: String,
    child: Child,
}

impl Group {
    pub fn spawn(name: &str, mut command: Command, log: &std::path::Path) -> Group {
        let out = std::fs::File::create(log).expect("create log file");
        let err = out.try_clone().expect("clone log handle");
        command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(child.id());
        Group {
            name: name.to_owned(),
            child,
        }
    }

    /// Whether the process has exited already (it should not have).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process group: the child and everything it started.
    pub fn group_id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let id = self.child.id();
        for signal in ["-TERM", "-KILL"] {
            signal_group(id, signal);
            if self.exited().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        let _ = self.child.wait();
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|running| *running != id);
    }
}

fn signal_group(group: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status();
}

/// Stops every group still running when the process panics. A release build (the
/// bench) aborts on panic without dropping anything: a Chromium left behind would
/// keep polling its page and skew every figure measured after it.
pub fn stop_all_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for group in running {
            signal_group(group, "-KILL");
        }
    }));
}

/// The processes of `group` whose command name starts with `name`.
pub fn members_named(group: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let group = group.to_string();
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split at ')'.
            let (head, rest) = stat.rsplit_once(')')?;
            let comm = head.split_once('(')?.1;
            let pgrp = rest.split_whitespace().nth(2)?;
            (comm.starts_with(name) && pgrp == group).then_some(pid)
        })
        .collect()
}

/// The resident memory of these processes together, in bytes.
pub fn resident_total(pids: &[u32]) -> u64 {
    pids.iter().copied().map(resident_bytes).sum()
}

/// A process's resident memory in bytes (0 once it is gone).
pub fn resident_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bench (a release build, `panic = "abort"`) once left a Chromium polling its
    /// page after a panic, and the next run's figures were 30% slower.
    #[test]
    fn a_panic_stops_every_group_still_running() {
        let log = tempfile::NamedTempFile::new().expect("log file");
        let mut command = Command::new("sleep");
        command.arg("600");
        let mut group = Group::spawn("sleep", command, log.path());
        stop_all_on_panic();
        let _ = std::panic::catch_unwind(|| panic!("a failed measurement"));
        let stopped = (0..50).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            group.exited().is_some()
        });
        assert!(stopped, "the group outlived the panic");
    }
}
