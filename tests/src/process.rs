//! Child processes started in their own process group, so that stopping one stops
//! everything it started (npx → node → workerd, chromedriver → chromium).

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

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
}

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            if self.exited().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        let _ = self.child.wait();
    }
}
