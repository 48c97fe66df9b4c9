#!/usr/bin/env bash
# Set up and run: installs what is missing, builds, applies the D1 migrations to the
# local state and starts the edge with the demo storefront under `wrangler dev`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port="${PORT:-8787}"
export WRANGLER_SEND_METRICS=false

bash scripts/install-tools.sh
bash scripts/build.sh
npx --no-install wrangler d1 migrations apply DB --local
# Local secrets (wrangler dev reads .dev.vars): a random key that signs shoppers' status links and form tokens.
if ! grep -q '^STATUS_LINK_KEY=' .dev.vars 2>/dev/null; then
  echo "STATUS_LINK_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> .dev.vars
fi
# The demo storefront's store; WEBHOOK_URL=http://... forwards its cases there.
cargo xtask store put demo-store --name "Demo Store" ${WEBHOOK_URL:+--webhook-url "$WEBHOOK_URL"}
# Translation: TRANSLATE_URL names a provider with LibreTranslate's API; without one, a
# local stand-in (a phrasebook, not a translator: no model runs on this machine).
translate_url="${TRANSLATE_URL:-}"
if [ -z "$translate_url" ]; then
  cargo build --quiet --locked --package xtask
  target/debug/xtask translator --address 127.0.0.1:8790 &
  stand_in=$!
  trap 'kill "$stand_in" 2>/dev/null || true' EXIT
  translate_url=http://127.0.0.1:8790/translate
fi
echo
echo "  Redress is starting: open http://127.0.0.1:${port}/ (the demo storefront)."
echo "  More stores and agent tokens: cargo xtask --help"
echo
npx --no-install wrangler dev --local --ip 127.0.0.1 --port "$port" --var "TRANSLATE_URL:$translate_url"
