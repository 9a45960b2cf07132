#!/usr/bin/env bash
# pallet-ligerito in a real WebAssembly runtime:
#   1. builds the example runtime (runtime/) for wasm32v1-none twice, with
#      the ViaHost runner and with InRuntime, using Debian's Rust toolchain
#      (scripts/debian-rust.sh installs it when missing) and FRAME's
#      `substrate_runtime` cfg, as substrate-wasm-builder would;
#   2. makes a 2^SIZE proof (default 20) with `ligerito-node prove`;
#   3. runs both builds in Substrate's executor (wasmtime) with the node's
#      host functions: genesis, dry runs, a block with a signed verify, and
#      the two runtimes' answers and block headers compared
#      (check/src/main.rs says what must hold).
#
#   runtime-module/pallet/wasm/check.sh [SIZE]
#
# The wasm files are left in runtime-module/pallet/wasm/target/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
size=${1:-20}
out="$here/target"
mkdir -p "$out"

"$root/scripts/debian-rust.sh"
for variant in via-host in-runtime; do
  features=()
  [[ $variant == in-runtime ]] && features=(--features in-runtime)
  (
    cd "$here"
    export CARGO_TARGET_DIR="$out/wasm" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="--cfg substrate_runtime -C link-arg=--export-table"
    /usr/bin/cargo build --quiet --locked --release -p ligerito-example-runtime \
      --no-default-features "${features[@]}" -Zbuild-std=core,alloc --target wasm32v1-none
  )
  cp "$out/wasm/wasm32v1-none/release/ligerito_example_runtime.wasm" "$out/$variant.wasm"
  echo "wasm: built $variant.wasm ($(stat -c %s "$out/$variant.wasm") bytes)" >&2
done

cargo run --quiet --locked --manifest-path "$root/Cargo.toml" -p ligerito-node -- \
  prove --size "$size" --random --seed 1 --output "$out/proof-$size.bin"
cargo run --quiet --locked --manifest-path "$here/Cargo.toml" -p ligerito-wasm-check -- \
  "$size" "$out/proof-$size.bin" "$out/via-host.wasm" "$out/in-runtime.wasm"
