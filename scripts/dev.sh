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
echo
echo "  Redress is starting: open http://127.0.0.1:${port}/ (the demo storefront)."
echo "  Set WEBHOOK_URL to receive new cases: WEBHOOK_URL=http://... bash scripts/dev.sh"
echo
exec npx --no-install wrangler dev --local --ip 127.0.0.1 --port "$port" \
  ${WEBHOOK_URL:+--var "WEBHOOK_URL:$WEBHOOK_URL"}
