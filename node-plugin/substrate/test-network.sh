#!/usr/bin/env bash
# A two-validator Substrate network on loopback, driven by @polkadot/api:
# alice and bob (--chain local) finalize with GRANDPA; signed ligerito.verify
# extrinsics (a valid 2^20 proof, a flipped bit, the same proof again by alice
# and by charlie, an unsupported size) are finalized with the expected events
# and fees; bob answers ligerito_verified as alice does and ligerito_verifiers
# lists alice and charlie; bob holds the same finalized block and
# state root, and after SIGKILL and a restart syncs and finalizes again.
# Builds what is missing; exit 0 only if every step holds. scripts/test (CI)
# runs it; docs/FRAME.md "The network test" says what each step checks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
node_bin=$("$here/build.sh")
echo "node: $node_bin"
# The prover: $LIGERITO_NODE (scripts/test passes the one its tests built), else a release build.
prover=${LIGERITO_NODE:-}
if [[ -z $prover ]]; then
  (cd "$root" && cargo build --locked --release -q -p ligerito-node)
  prover="$root/target/release/ligerito-node"
fi
(cd "$here/client" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --silent; })
start=$(date +%s)

work=$(mktemp -d)
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do { kill "$pid" && wait "$pid"; } 2>/dev/null || true; done
  if ((rc)); then
    for log in "$work"/*.log; do
      [[ -f $log ]] && { echo "== the last lines of $(basename "$log")"; tail -30 "$log"; } >&2
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# NAME P2P RPC PROMETHEUS NODE_KEY [FLAG...]: starts a validator, logging to $work/NAME.log.
start_node() {
  local name=$1 p2p=$2 rpc=$3 prom=$4 key=$5
  shift 5
  "$node_bin" --chain local "--$name" --validator --base-path "$work/$name" \
    --listen-addr "/ip4/127.0.0.1/tcp/$p2p" --rpc-port "$rpc" --prometheus-port "$prom" \
    --node-key "$key" --no-mdns --no-telemetry "$@" >>"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
}
rpc() { curl -sf -m 5 -H 'Content-Type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "http://127.0.0.1:$1"; }
finalized() {
  local head
  head=$(rpc "$1" chain_getFinalizedHead '[]' | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])') || return 1
  rpc "$1" chain_getHeader "[\"$head\"]" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))'
}
# PORT N SECONDS: waits until the node on PORT has finalized past block N.
wait_finalized() {
  local deadline=$(($(date +%s) + $3)) n
  while (($(date +%s) < deadline)); do
    n=$(finalized "$1" 2>/dev/null) && ((n > $2)) && return 0
    sleep 1
  done
  echo "test-network: FAILED: the node on port $1 did not finalize past #$2 in $3 s" >&2
  exit 1
}

read -r a_p2p a_rpc a_prom b_p2p b_rpc b_prom < <(for _ in 1 2 3 4 5 6; do free_port; done | xargs)
start_node alice "$a_p2p" "$a_rpc" "$a_prom" 0000000000000000000000000000000000000000000000000000000000000001
for _ in $(seq 60); do
  alice_id=$(grep -oP 'Local node identity is: \K\w+' "$work/alice.log" || true)
  [[ -n $alice_id ]] && break
  sleep 1
done
[[ -n $alice_id ]] || { echo "test-network: FAILED: alice did not start" >&2; exit 1; }
bootnode="/ip4/127.0.0.1/tcp/$a_p2p/p2p/$alice_id"
bob_key=0000000000000000000000000000000000000000000000000000000000000002
start_node bob "$b_p2p" "$b_rpc" "$b_prom" "$bob_key" --bootnodes "$bootnode"
wait_finalized "$a_rpc" 1 120
wait_finalized "$b_rpc" 1 60
echo "test-network: GRANDPA finalizes (alice and bob)" >&2

"$prover" prove --size 20 --random -o "$work/proof-20.bin"
facts=$(node "$here/client/network.mjs" drive "ws://127.0.0.1:$a_rpc" "ws://127.0.0.1:$b_rpc" "$work/proof-20.bin")

{ kill -9 "$bob_pid"; wait "$bob_pid" || true; } 2>/dev/null
echo "test-network: bob killed (SIGKILL) at alice's finalized #$(finalized "$a_rpc")" >&2
start_node bob "$b_p2p" "$b_rpc" "$b_prom" "$bob_key" --bootnodes "$bootnode"
after=$(finalized "$a_rpc")
resynced=$(node "$here/client/network.mjs" synced "ws://127.0.0.1:$a_rpc" "ws://127.0.0.1:$b_rpc" "$after")

FACTS=$facts RESYNCED=$resynced WORK=$work ELAPSED=$(($(date +%s) - start)) python3 - <<'PY'
import json, os, re
facts, resynced = json.loads(os.environ["FACTS"]), json.loads(os.environ["RESYNCED"])
block = facts["validBlock"]
# The validator that did not author the block imported it from the network.
importer = "alice" if facts["validAuthor"] == "bob" else "bob"
log = open(os.path.join(os.environ["WORK"], f"{importer}.log"), errors="replace").read()
# At the default log level: any debug target makes FRAME format every
# extrinsic in the runtime, which would slow the import it measures.
imported = re.search(
    rf"block #{block} \(\S+\) from NetworkBroadcast imported in ([\d.]+) ms, guest runs 1 in ([\d.]+) ms", log
)
if imported is None:
    raise SystemExit(f"test-network: FAILED: no import with one guest run for #{block} in {importer}'s log")
import_ms, guest = float(imported.group(1)), float(imported.group(2))
outcomes = facts["outcomes"]
by = {}
for o in outcomes:
    key = o["error"] or "ligerito.ProofVerified"
    by[key] = by.get(key, 0) + 1
fees = ", ".join(f'{o["label"].split(" (")[-1].rstrip(")")} {int(o["fee"]) / 1e12:.6f}' for o in outcomes)
print(
    f"summary: {resynced['number']} blocks finalized; extrinsics "
    + ", ".join(f"{k} {v}" for k, v in by.items())
    + f"; fees (UNIT) {fees}; block #{block} with the 2^20 verify ({facts['gas']} gas) imported on"
    f" {importer} in {import_ms:.2f} ms, its guest run {guest:.2f} ms ({import_ms / guest:.2f}x);"
    f" a block holds {facts['perBlock']['byWeight']} such verifies by weight"
    f" ({facts['perBlock']['weightMs']:.2f} ms each before refunds), {facts['perBlock']['byLength']} by length"
    f" ({facts['perBlock']['length']} bytes each); network test {os.environ['ELAPSED']} s"
)
PY
