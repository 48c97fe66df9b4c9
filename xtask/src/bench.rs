//! `cargo xtask bench`: one command for every figure. It builds what a storefront and
//! the edge get in release mode, then runs the categorizer's benchmark and the
//! end-to-end one (`redress-bench`), which prints the table and writes
//! `target/bench/latest.json`.

use std::process::Command;

use crate::{repo_root, Error};

pub fn run() -> Result<(), Error> {
    let root = repo_root();
    let step = |what: &str, program: &str, args: &[&str]| -> Result<(), Error> {
        eprintln!("[bench] {what}");
        let status = Command::new(program)
            .args(args)
            .current_dir(&root)
            .status()
            .map_err(|e| Error::Step(format!("could not start {program}: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::Step(format!("{what} failed: {status}")))
        }
    };
    step("tools", "bash", &["scripts/install-tools.sh"])?;
    step(
        "widget, inbox and site (release)",
        "bash",
        &["scripts/build.sh"],
    )?;
    for (what, package, bin) in [
        ("categorizer", "redress-classify", "classify-bench"),
        (
            "edge, browser, peers and uploads",
            "redress-e2e",
            "redress-bench",
        ),
    ] {
        let args = [
            "run",
            "--release",
            "--locked",
            "-q",
            "-p",
            package,
            "--bin",
            bin,
        ];
        step(what, "cargo", &args)?;
    }
    Ok(())
}
