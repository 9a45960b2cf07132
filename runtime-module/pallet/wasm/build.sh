#!/usr/bin/env bash
# Builds the example runtime (runtime/) for wasm32v1-none into
# target/NAME.wasm, with the given features, using Debian's Rust toolchain
# (scripts/debian-rust.sh installs it when missing) and FRAME's
# `substrate_runtime` cfg, as substrate-wasm-builder would.
#
#   runtime-module/pallet/wasm/build.sh NAME [FEATURE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
name=$1
shift
features=()
[[ $# -gt 0 ]] && features=(--features "$*")
out="$here/target"
mkdir -p "$out"

"$root/scripts/debian-rust.sh"
(
  cd "$here"
  export CARGO_TARGET_DIR="$out/wasm" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="--cfg substrate_runtime -C link-arg=--export-table"
  /usr/bin/cargo build --quiet --locked --release -p ligerito-example-runtime \
    --no-default-features "${features[@]}" -Zbuild-std=core,alloc --target wasm32v1-none
)
cp "$out/wasm/wasm32v1-none/release/ligerito_example_runtime.wasm" "$out/$name.wasm"
echo "wasm: built $name.wasm ($(stat -c %s "$out/$name.wasm") bytes)" >&2
