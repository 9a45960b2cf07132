#!/usr/bin/env bash
# pallet-ligerito in a real WebAssembly runtime:
#   1. builds the example runtime (runtime/) for wasm32 twice (build.sh),
#      with the ViaHost runner and with InRuntime;
#   2. makes a 2^SIZE proof (default 20) with `ligerito-node prove`;
#   3. runs both builds in Substrate's executor (wasmtime) with the node's
#      host functions: genesis, dry runs, a block with a signed verify, and
#      the two runtimes' answers, extrinsics and pallet storage compared
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

"$here/build.sh" via-host
"$here/build.sh" in-runtime in-runtime

cargo run --quiet --locked --manifest-path "$root/Cargo.toml" -p ligerito-node -- \
  prove --size "$size" --random --seed 1 --output "$out/proof-$size.bin"
cargo run --quiet --locked --manifest-path "$here/Cargo.toml" -p ligerito-wasm-check -- \
  "$size" "$out/proof-$size.bin" "$out/via-host.wasm" "$out/in-runtime.wasm"
