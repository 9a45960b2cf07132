"""Python client for the Ligerito verifier (`ligerito-node serve` or `run --dev`).

Standard library only. A proof is the bytes `ligerito prove --size N` (or
`ligerito-node prove`) writes; a verdict is the server's JSON object:
`valid`, `verdict`, `exit_code`, `gas_used`, `message`, `execution_time_ms`, ...

    from ligerito_client import Client
    client = Client("http://127.0.0.1:9944")
    result = client.verify_file("proof_20.bin")      # size from the file name
    print(result["verdict"], result["gas_used"])

Refusals (bad input, busy, rate limited, unauthorized, ...) raise
`LigeritoError`, whose `code` is the server's error code (docs/RPC.md).

As a command: `python3 ligerito_client.py [--url URL] [--size N] FILE` prints
the verdict as JSON and exits 0 valid, 1 invalid, 2 error or out of gas,
3 refused.
"""

import json
import os
import re
import sys
import urllib.error
import urllib.request

DEFAULT_URL = os.environ.get("LIGERITO_URL", "http://127.0.0.1:9944")

# The server's own codes; the rest are JSON-RPC's (docs/RPC.md).
PARSE_ERROR = -32700
INVALID_PARAMS = -32602
TOO_LARGE = -32007
BUSY = -32050
INTERNAL = -32051
UNAUTHORIZED = -32052
RATE_LIMITED = -32053
QUOTA = -32054


class LigeritoError(Exception):
    """The server refused a request, or could not be reached.

    `code` is the server's error code (None when there was no answer),
    `status` the HTTP status (None likewise), `retry_after` the seconds the
    server asked to wait before retrying (busy, rate limited) or None, and
    `body` the answer's JSON, if it was JSON.
    """

    def __init__(self, message, code=None, status=None, retry_after=None, body=None):
        super().__init__(message if code is None else f"{message} (code {code})")
        self.message = message
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.body = body


def size_from_name(path):
    """The last number in a file's name, as in `proof_20.bin`; None if none."""
    numbers = re.findall(r"\d+", os.path.basename(path))
    return int(numbers[-1]) if numbers else None


class Client:
    """A verifier server at `url`; `api_key` if it runs with --api-key."""

    def __init__(self, url=DEFAULT_URL, api_key=None, timeout=120.0):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._id = 0

    def verify(self, proof_bytes, log_size):
        """Verifies one proof of 2^log_size coefficients (POST /verify with
        the raw bytes: half the upload of hex in JSON, the same answer)."""
        path = f"/verify?size={int(log_size)}"
        return self._request("POST", path, bytes(proof_bytes))

    def verify_file(self, path, log_size=None):
        """Verifies the proof in `path`; the size defaults to the file name's."""
        if log_size is None:
            log_size = size_from_name(path)
            if log_size is None:
                raise ValueError(
                    f"no size in the file name {os.path.basename(path)!r}: "
                    "pass log_size, or name the file like proof_20.bin"
                )
        with open(path, "rb") as f:
            return self.verify(f.read(), log_size)

    def verify_batch(self, proofs):
        """Verifies `[(proof_bytes, log_size), ...]` in parallel on the server
        (JSON-RPC ligerito_verifyBatch); the verdicts are in the same order."""
        items = [{"proof": "0x" + bytes(p).hex(), "log_size": n} for p, n in proofs]
        return self.call("ligerito_verifyBatch", [items])

    def config(self):
        """Supported sizes and limits, guest code hash, backend and version."""
        return self._request("GET", "/config")

    def health(self):
        """`{"ready": bool, ...}`; ready is false while the guest compiles."""
        try:
            return self._request("GET", "/health")
        except LigeritoError as e:
            # 503 with the same JSON while the guest is not ready yet.
            if e.status == 503 and isinstance(e.body, dict) and "ready" in e.body:
                return e.body
            raise

    def call(self, method, params):
        """Any JSON-RPC method on the same server."""
        self._id += 1
        request = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": params}
        answer = self._request("POST", "/", request)
        if "error" in answer:
            error = answer["error"]
            raise LigeritoError(error.get("message", ""), error.get("code"), 200)
        return answer["result"]

    def _request(self, method, path, body=None):
        """`body` is sent as it is if it is bytes, else as JSON."""
        headers = {"Accept": "application/json"}
        data = None
        if isinstance(body, bytes):
            data = body
            headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            raise _refusal(e) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise LigeritoError(f"cannot reach {self.url}: {reason}") from None


def _refusal(e):
    """A LigeritoError from an HTTP error answer, JSON or not."""
    raw = e.read()
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message, code = error.get("message", ""), error.get("code")
    else:
        message, code = f"HTTP {e.code}: {raw[:200].decode(errors='replace')}", None
    retry_after = e.headers.get("Retry-After")
    seconds = int(retry_after) if retry_after and retry_after.isdigit() else None
    return LigeritoError(message, code, e.code, seconds, body)


def verify(proof_bytes, log_size, url=DEFAULT_URL):
    """`Client(url).verify(...)`."""
    return Client(url).verify(proof_bytes, log_size)


def verify_file(path, log_size=None, url=DEFAULT_URL):
    """`Client(url).verify_file(...)`."""
    return Client(url).verify_file(path, log_size)


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Verify a Ligerito proof on a server.")
    parser.add_argument("file", help="the proof, as `ligerito prove --size N` writes it")
    parser.add_argument("--size", type=int, help="log2 of the polynomial size (default: from the file name)")
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the server (default {DEFAULT_URL}, or $LIGERITO_URL)")
    parser.add_argument("--api-key", default=os.environ.get("LIGERITO_API_KEY"), help="bearer token, if the server needs one")
    args = parser.parse_args(argv)
    try:
        result = Client(args.url, args.api_key).verify_file(args.file, args.size)
    except (LigeritoError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    print(json.dumps(result))
    return result["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
