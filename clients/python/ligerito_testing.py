"""Test helpers: run `ligerito-node serve` on a free loopback port and prove
small proofs with `ligerito-node prove`. The binary is $LIGERITO_NODE, else
target/debug/ligerito-node in this checkout."""

import os
import queue
import signal
import subprocess
import threading
import time

import ligerito_client

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Never send loopback test traffic through a proxy from the environment.
os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ.pop("NO_PROXY", None)


def node_binary():
    path = os.environ.get("LIGERITO_NODE") or os.path.join(REPO, "target", "debug", "ligerito-node")
    if not os.access(path, os.X_OK):
        raise RuntimeError(
            f"no ligerito-node at {path}: run `cargo build -p ligerito-node` or set LIGERITO_NODE"
        )
    return path


def prove(directory, log_size=12, seed=1, name=None):
    """Proves a random polynomial; returns the proof file's path and its bytes."""
    path = os.path.join(directory, name or f"proof_{log_size}.bin")
    subprocess.run(
        [node_binary(), "prove", "--size", str(log_size), "--random", "--seed", str(seed), "-o", path],
        check=True,
        timeout=120,
    )
    with open(path, "rb") as f:
        return path, f.read()


def tamper(proof):
    """Flips a bit of the initial commitment's Merkle root (bytes 1..33 of the
    bincode proof): it still decodes, and no longer verifies."""
    tampered = bytearray(proof)
    tampered[10] ^= 1
    return bytes(tampered)


class Server:
    """`ligerito-node serve` (or `command`, e.g. ("run", "--dev", "--tmp")) on
    127.0.0.1, a free port, until stop()."""

    def __init__(self, *args, command=("serve", "--no-prometheus")):
        self.process = subprocess.Popen(
            [node_binary(), *command, "--rpc-addr", "127.0.0.1:0", *args],
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log = []
        lines = queue.Queue()

        def drain():
            for line in self.process.stderr:
                self.log.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + 60
        address = None
        while address is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not start:\n" + "".join(self.log))
            if "listening on " in line:
                address = line.split("listening on ", 1)[1].split()[0]
        self.url = "http://" + address
        self.client = ligerito_client.Client(self.url)
        while not self.client.health()["ready"]:
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server never became ready:\n" + "".join(self.log))
            time.sleep(0.05)

    def stop(self):
        """SIGTERM, as an operator would; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
