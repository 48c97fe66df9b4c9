#!/usr/bin/env bash
# Fuzzes the parsers in `shared` that face the open internet (fuzz/fuzz_targets): a
# submission's JSON and its validation, the first bytes of an upload, complaint text.
# Not part of CI: it needs the nightly toolchain and cargo-fuzz, and takes a while.
#   bash scripts/fuzz.sh            # 60 s per target
#   bash scripts/fuzz.sh 600 sniff  # 10 minutes, one target
# The committed corpus (fuzz/corpus/<target>) seeds each run; what a run discovers goes
# to target/fuzz-corpus/<target>, and a crash to fuzz/artifacts/<target>.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(submission sniff categorize)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] installing cargo-fuzz 0.13.2" >&2
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
for target in "${targets[@]}"; do
  work="$root/target/fuzz-corpus/$target"
  mkdir -p "$work"
  echo "[fuzz] $target for ${seconds}s" >&2
  cargo +nightly fuzz run "$target" "$work" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096
done
