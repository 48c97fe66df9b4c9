#!/usr/bin/env bash
# Builds the static side: the widget's, the agents' inbox's and the shoppers' case page's
# WebAssembly apps (Trunk, release, wasm-opt -Oz), the loader and the demo storefront,
# into dist/site, which the worker serves as assets. The worker itself is built by wrangler through scripts/build-edge.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Trunk runs offline: it takes wasm-bindgen and wasm-opt from PATH and never downloads.
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

cargo fetch --locked --target wasm32-unknown-unknown >/dev/null
trunk build --release
# The agents' inbox, served at /agent/ (same Trunk.toml, its own entry and folder).
trunk build inbox/index.html --release true --dist dist/site/agent --public-url /agent/
# The shoppers' case page, served at /case/, with its words in every language beside it.
trunk build case/index.html --release true --dist dist/site/case --public-url /case/
mkdir -p dist/site/case/text
cp shared/locales/case/*.json dist/site/case/text/
# Trunk's own minifier cannot parse current wasm-bindgen glue; esbuild can.
glue=dist/site/widget/redress-widget.js
esbuild "$glue" --minify --format=esm --log-level=warning --outfile="$glue" --allow-overwrite
esbuild site/embed.js --minify --legal-comments=none --log-level=warning --outfile=dist/site/embed.js
cp site/index.html site/strict-csp.html dist/site/
# The categorizer's lexicon: the widget fetches it when the shopper starts typing.
cp shared/lexicon/cues.tsv dist/site/widget/cues.tsv
echo "[build] widget, inbox, case page and site ready in dist/site" >&2
