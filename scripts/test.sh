#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the widget, then `cargo test`,
# which runs shared's unit tests and the end-to-end tests against the real worker
# under `wrangler dev` and the real widget in headless Chromium.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export WRANGLER_SEND_METRICS=false

bash scripts/install-tools.sh
bash scripts/build.sh
cargo test --locked --all-targets
