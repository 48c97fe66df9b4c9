//! Operator commands behind `cargo xtask`, as a library so the end-to-end tests set up
//! stores and agents exactly the way operators do.
//!
//! Everything goes through `wrangler d1 execute` against the same database the worker
//! uses: the local on-disk one under `wrangler dev`, or the deployed one (`--remote`).

pub mod agents;
pub mod bench;
pub mod d1;
pub mod stores;
pub mod translator;

pub use d1::{Error, D1};

/// The workspace root (xtask lives one level below it).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}

/// Random bytes from the OS, for tokens and secrets.
fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the OS random source");
    bytes
}
