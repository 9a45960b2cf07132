#!/usr/bin/env bash
# A bounded smoke run of every fuzz target, as CI runs it: each target for
# SECONDS (default 15) from its seeds, failing on the first crash. Built
# with `--dev`, which builds in about two thirds of `-O`'s time (README.md).
# Installs cargo-fuzz from crates.io when it is missing; cargo-fuzz passes
# nightly flags, which RUSTC_BOOTSTRAP lets the stable toolchain take.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}

command -v cargo-fuzz >/dev/null || cargo install --quiet --locked cargo-fuzz@0.13.2
export RUSTC_BOOTSTRAP=1
cargo fuzz build --dev
for target in verdicts decode guest extrinsic rpc; do
  corpus=$(mktemp -d)
  log=$(mktemp)
  seeds=()
  [[ -d fuzz/seeds/$target ]] && seeds=("fuzz/seeds/$target")
  status=0
  cargo fuzz run --dev "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    tail -n 40 "$log" >&2
    echo "fuzz: $target failed (exit $status; the input is in fuzz/artifacts/$target)" >&2
    exit "$status"
  fi
  echo "fuzz: $target: $(grep -E '^Done' "$log")" >&2
  rm -rf "$corpus" "$log"
done
