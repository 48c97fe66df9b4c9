#!/usr/bin/env bash
# Builds the worker (wrangler's [build] command). worker-build finds its tools in these
# variables instead of downloading them, which these machines cannot do.
set -euo pipefail
# scripts/test.sh builds the worker once before its lanes of workers start.
if [ -n "${REDRESS_EDGE_BUILT:-}" ]; then
  exit 0
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$root/node_modules/.bin/wasm-opt}"
export ESBUILD_BIN="${ESBUILD_BIN:-$root/node_modules/.bin/esbuild}"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$root/edge"
# wasm-opt only pays off for what is deployed; `wrangler dev` rebuilds in seconds without it.
if [ "${WRANGLER_COMMAND:-}" = "dev" ] && [ -z "${REDRESS_OPTIMIZE:-}" ]; then
  exec worker-build --release --no-opt
fi
exec worker-build --release
