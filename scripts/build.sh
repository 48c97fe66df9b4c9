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
# Cached for good: the app's files move into a folder named by their digest, which the
# loader (short-lived) is written to name; _headers makes the folder immutable. A
# returning shopper fetches the loader's revalidation and the store's settings only.
# Short names in the folder keep the loader within its 2 KB.
version=$(cd dist/site/widget && cat redress-widget.js redress-widget_bg.wasm cues.tsv | sha256sum | cut -c1-16)
app="dist/site/widget/$version"
mkdir -p "$app"
mv dist/site/widget/redress-widget.js "$app/app.js"
mv dist/site/widget/redress-widget_bg.wasm "$app/app.wasm"
mv dist/site/widget/cues.tsv "$app/cues.tsv"
sed -i "s|@widget@|$version|" dist/site/embed.js
grep -q "/widget/$version\"" dist/site/embed.js
cp site/_headers dist/site/_headers
echo "[build] widget, inbox, case page and site ready in dist/site" >&2
