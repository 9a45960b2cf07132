#!/usr/bin/env bash
# Builds the guest program with Debian's Rust toolchain and links it into
# guest/ligerito-verifier.polkavm (and, with upstream's verifier,
# guest/ligerito-verifier-reference.polkavm), writing each SHA-256 beside it.
#
#   guest/build.sh           rebuild and overwrite the committed blobs
#   guest/build.sh --check   rebuild and fail unless they match the committed blobs
#   guest/build.sh --peak-heap DIR
#                            build both with the `peak-heap` feature (each reports its
#                            peak heap use) into DIR, for sizing the heap; nothing
#                            committed changes
#   guest/build.sh --profile DIR
#                            build both with line tables, unstripped, into DIR, for
#                            `cargo run --release -p ligerito-tests --example guest-profile`;
#                            nothing committed changes
#
# Installs the toolchain with apt-get when it is missing (needs root).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target="riscv64emac-unknown-none-polkavm"

usage="usage: $0 [--check | --peak-heap DIR | --profile DIR]"
check=false
peak_dir=
profile=false
case "${1:-}" in
  --check) check=true ;;
  --peak-heap | --profile)
    [[ -n ${2:-} ]] || { echo "$usage" >&2; exit 2; }
    mkdir -p "$2"
    peak_dir=$(cd "$2" && pwd)
    [[ $1 == --profile ]] && profile=true
    ;;
  "") ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

"$here/../scripts/debian-rust.sh"
echo "guest: $(/usr/bin/rustc --version)" >&2

# Cargo hashes a path dependency's absolute path into symbol names, which
# moves code around in the blob; building from one fixed path makes the blob
# independent of where the checkout is.
work=/tmp/ligerito-guest-build
mkdir -p "$work"
exec 9>"$work/.lock"
flock 9
rm -rf "$work/program" "$work/sizes" "$work/verifier" "$work/abi"
mkdir -p "$work/program"
cp -r "$here/program/Cargo.toml" "$here/program/Cargo.lock" "$here/program/src" \
  "$here/program/toolchain" "$here/program/$target.json" "$work/program/"
cp -r "$here/sizes" "$here/verifier" "$here/abi" "$work/"

# Two blobs: the default verifier (ligerito-pvm-verifier) and the reference
# one (upstream's verifier, `--features reference`).
status=0
for variant in ligerito-verifier ligerito-verifier-reference; do
  features=()
  [[ $variant == *-reference ]] && features=(--no-default-features --features reference)
  [[ -n $peak_dir ]] && ! $profile && features+=(--features peak-heap)
  # line tables name the functions in a profile; a separate target
  # directory keeps them out of the committed build
  target_dir="$work/target"
  $profile && target_dir="$work/target-profile"
  (
    cd "$work/program"
    $profile && export CARGO_PROFILE_RELEASE_DEBUG=limited
    export CARGO_TARGET_DIR="$target_dir" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="" PATH="$work/program/toolchain:$PATH"
    /usr/bin/cargo build --quiet --locked --release "${features[@]}" \
      -Zbuild-std=core,alloc -Zjson-target-spec --target "$work/program/$target.json"
  )
  elf="$target_dir/$target/release/ligerito_verifier_guest.elf"
  blob="$here/$variant.polkavm"
  out="$blob"
  $check && out="$work/$variant.check.polkavm"
  [[ -n $peak_dir ]] && out="$peak_dir/$variant.polkavm"
  link=()
  $profile && link=(--debug-info)
  cargo run --quiet --locked --release --manifest-path "$here/../Cargo.toml" -p ligerito-guest-link -- "${link[@]}" "$elf" "$out"

  if $profile; then
    echo "guest: wrote $out (with debug information, for profiling; not for committing)"
  elif [[ -n $peak_dir ]]; then
    echo "guest: wrote $out (reports its peak heap use; not for committing)"
  elif $check; then
    if cmp -s "$out" "$blob" && (cd "$here" && sha256sum --quiet -c "$variant.polkavm.sha256"); then
      echo "guest: rebuilt $variant.polkavm matches the committed one ($(cut -d' ' -f1 "$blob.sha256"))"
    else
      echo "guest: rebuilt $variant.polkavm differs from the committed one:" >&2
      echo "  committed $(sha256sum "$blob" 2>/dev/null | cut -d' ' -f1) ($(stat -c %s "$blob" 2>/dev/null) bytes)" >&2
      echo "  rebuilt   $(sha256sum "$out" | cut -d' ' -f1) ($(stat -c %s "$out") bytes)" >&2
      echo "  run guest/build.sh and commit the blob if the change is intended" >&2
      status=1
    fi
  else
    (cd "$here" && sha256sum "$variant.polkavm" > "$variant.polkavm.sha256")
    echo "guest: wrote $blob ($(stat -c %s "$blob") bytes, sha256 $(cut -d' ' -f1 "$blob.sha256"))"
  fi
done
exit $status
