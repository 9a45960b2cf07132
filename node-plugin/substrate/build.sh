#!/usr/bin/env bash
# Builds ligerito-substrate-node (release, with its wasm runtime) and prints
# its absolute path. Installs what the build needs when missing (needs root):
# protoc for the network crates, Debian's Rust toolchain for the wasm runtime.
# The target directory is outside the checkout ($LIGERITO_SUBSTRATE_TARGET,
# default ~/.cache/ligerito-substrate/target), so a fresh checkout on the same
# machine reuses it; the cold build takes about half an hour on two cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=$(realpath -m "${LIGERITO_SUBSTRATE_TARGET:-$HOME/.cache/ligerito-substrate/target}")

if ! command -v protoc >/dev/null; then
  echo "installing protobuf-compiler" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
fi
"$root/scripts/debian-rust.sh"

cd "$here"
CARGO_TARGET_DIR=$target cargo build --locked --release -p ligerito-substrate-node >&2
echo "$target/release/ligerito-substrate-node"
