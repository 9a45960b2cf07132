#!/usr/bin/env bash
# Generates the pallet's weights (runtime-module/pallet/src/weights.rs): builds
# the example runtime with `runtime-benchmarks` (build.sh), runs the pallet's
# benchmarks in it on Substrate's executor with the node's host functions
# (bench/, ligerito-wasm-bench), fits them and writes the file.
#
#   runtime-module/pallet/wasm/bench.sh [--in-runtime] [--steps N] [--repeat N] [--output FILE]
#
# Without --in-runtime: the ViaHost runner (the node's compiler runs the
# guest), written to weights.rs with the WeightInfo trait as
# `SubstrateWeight`. With it: InRuntime (PolkaVM's interpreter in the wasm),
# written to in_runtime_weights.rs as `InRuntimeWeight`. Defaults: 50 steps,
# 20 repeats.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
command="runtime-module/pallet/wasm/bench.sh${*:+ $*}"
variant=via-host
features=(runtime-benchmarks)
output=
layout=(--name SubstrateWeight)
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --in-runtime) variant=in-runtime; features+=(in-runtime); layout=(--name InRuntimeWeight --impl-only) ;;
    --output) output=$2; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
if [[ -z $output ]]; then
  file=weights.rs
  [[ $variant == in-runtime ]] && file=in_runtime_weights.rs
  output="$root/runtime-module/pallet/src/$file"
fi

"$here/build.sh" "bench-$variant" "${features[@]}"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
# the kernel prices' calibration these weights follow (a pallet test compares)
calibration=$(sed -n 's/^pub const CALIBRATION: &str = "\(.*\)";$/\1/p' "$root/guest/executor/src/kernel_gas.rs")
cargo run --quiet --locked --release --manifest-path "$here/Cargo.toml" -p ligerito-wasm-bench -- \
  "$here/target/bench-$variant.wasm" --output "$output" "${layout[@]}" "${args[@]}" \
  --header "Command: $command" \
  --header "Runner: $variant; $(date -u +%F); $cpu, $(nproc) cores" \
  --header "Calibration: $calibration"
rustfmt --edition 2021 "$output"
echo "bench.sh: wrote $output" >&2
