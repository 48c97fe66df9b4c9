#!/usr/bin/env bash
# Installs every tool Redress needs, idempotently: a reused machine keeps them in
# ~/.cargo/bin and the system, so a second run costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.129
WORKER_BUILD_VERSION=0.8.7
TRUNK_VERSION=0.21.14

log() { printf '[install] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# `cargo install --version X` is a no-op when that version is already installed.
cargo_tool() { # crate version binary
  if ! "$HOME/.cargo/bin/$3" --version 2>/dev/null | grep -q "$2"; then
    log "cargo install $1 $2"
    cargo install "$1" --version "$2" --locked
  fi
}
cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build
cargo_tool trunk "$TRUNK_VERSION" trunk

# Chromium, and fonts for Chinese, Japanese and Korean: shoppers write in them, and the
# browser tests read and screenshot what they wrote.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
  || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  log "installing Debian's chromium, chromium-driver and fonts-noto-cjk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi

# wrangler, Node 22 for it, binaryen's wasm-opt and esbuild, exactly as package-lock.json
# pins them: `npm ci` installs the lock and never rewrites it. A stamp of the lock it
# installed skips it next time, until the lock changes.
stamp=node_modules/.redress-lock.sha256
if ! sha256sum --check --status "$stamp" 2>/dev/null; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json >"$stamp"
fi
log "tools ready"
