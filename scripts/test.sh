#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the widget and the worker, then
# shared's unit tests and the end-to-end tests against the real worker under
# `wrangler dev` and the real widget in headless Chromium.
#
# The end-to-end files wait on a runtime, a browser and the network more than on a
# core: each starts its own worker (fresh state, its own port), so they run in
# REDRESS_TEST_LANES lanes (default 2), slowest first. Each file's output is printed
# whole when it ends.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export WRANGLER_SEND_METRICS=false

bash scripts/install-tools.sh
bash scripts/build.sh
# Everything is compiled once, before any lane starts: one build at a time.
cargo test --locked --all-targets --no-run
# The worker too, as `wrangler dev` builds it; every worker the tests start then uses
# this build rather than rewriting edge/build/ under another lane's running worker.
WRANGLER_COMMAND=dev bash scripts/build-edge.sh
export REDRESS_EDGE_BUILT=1

cargo test --locked --all-targets --workspace --exclude redress-e2e
cargo test --locked -p redress-e2e --lib --bins

# Slowest first, so that the lanes end together; a file not named here runs last.
slowest=(load abuse e2e evidence metrics agent_api case_page regression resolution
  translation widget_access service_levels widget_languages)
files=("${slowest[@]}")
for path in tests/tests/*.rs; do
  name=$(basename "$path" .rs)
  [[ " ${slowest[*]} " == *" $name "* ]] || files+=("$name")
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
run_file() {
  local name=$1 log="$2/$1.log" status=0
  local started=$SECONDS
  cargo test --locked -p redress-e2e --test "$name" >"$log" 2>&1 || status=$?
  echo "=== tests/tests/$name.rs: $([ $status = 0 ] && echo passed || echo FAILED) in $((SECONDS - started)) s"
  cat "$log"
  return $((status == 0 ? 0 : 1))
}
export -f run_file
printf '%s\n' "${files[@]}" |
  xargs -P "${REDRESS_TEST_LANES:-2}" -I{} bash -c 'run_file "$1" "$2"' _ {} "$logs"
