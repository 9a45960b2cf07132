#!/usr/bin/env bash
# Installs Debian's Rust toolchain (/usr/bin/cargo and /usr/bin/rustc with
# their own library source, for -Zbuild-std, and lld) with apt-get when it
# is missing (needs root). rustup's toolchain has no rust-src here, so the
# guest (guest/build.sh) and the wasm runtime (runtime-module/pallet/wasm/
# check.sh) build with this one.
set -euo pipefail
packages=(rustc-web cargo-web rust-web-src lld-22)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
