"""The web page served at / by `ligerito-node serve` and `run --dev`, in headless Chromium
driven over the W3C WebDriver protocol (chromedriver) with the standard
library only. Needs Debian's `chromium` and `chromium-driver` (scripts/test
installs them) and the binary of ligerito_testing ($LIGERITO_NODE).

    LIGERITO_NODE=target/debug/ligerito-node python3 -m unittest discover -v clients/browser
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from ligerito_testing import Server, node_binary, prove, tamper  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C element reference key
TIMEOUT = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Wraps the page's fetch to record the URL, Content-Type and body size of each call.
RECORD_FETCH = """
window.sent = [];
const send = window.fetch;
window.fetch = (url, init) => {
  const body = init && init.body;
  window.sent.push({
    url: String(url),
    type: init && init.headers ? init.headers["Content-Type"] : null,
    bytes: body instanceof ArrayBuffer ? body.byteLength : null,
  });
  return send.call(window, url, init);
};
"""


class WebDriver:
    """A chromedriver process and one headless browser session."""

    def __init__(self, profile):
        port = free_port()
        self.driver = subprocess.Popen(
            [CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                if self._send("GET", "/status")["ready"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.driver.poll() is not None:
                self.driver.kill()
                raise RuntimeError(f"{CHROMEDRIVER} did not start")
            time.sleep(0.1)
        options = {
            "binary": CHROMIUM,
            # Root in CI has no user namespace sandbox; the page is our own.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--user-data-dir={profile}"],
        }
        capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
        try:
            self.session = self._send("POST", "/session", {"capabilities": capabilities})["sessionId"]
        except Exception:
            self.driver.kill()
            raise

    def _send(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data, {"Content-Type": "application/json"}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode(errors='replace')}") from None

    def command(self, method, path, body=None):
        return self._send(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self.command("POST", "/url", {"url": url})

    def find(self, css):
        return self.command("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def count(self, css):
        return len(self.command("POST", "/elements", {"using": "css selector", "value": css}))

    def text(self, css):
        return self.command("GET", f"/element/{self.find(css)}/text")

    def type(self, css, text):
        self.command("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css):
        self.command("POST", f"/element/{self.find(css)}/click", {})

    def execute(self, script):
        """Runs `script` in the page (WebDriver's own, not subject to the page's CSP)."""
        return self.command("POST", "/execute/sync", {"script": script, "args": []})

    def wait(self, what, condition):
        deadline = time.monotonic() + TIMEOUT
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def quit(self):
        try:
            self.command("DELETE", "")
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=30)


class BrowserCase(unittest.TestCase):
    """A browser beside `cls.server`; both stopped, and `cls.dir` removed, at the end."""

    @classmethod
    def start_browser(cls):
        try:
            cls.browser = WebDriver(os.path.join(cls.dir, "profile"))
        except Exception:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.browser.quit()
        finally:
            cls.server.stop()
            shutil.rmtree(cls.dir, ignore_errors=True)


class PageTest(BrowserCase):
    @classmethod
    def setUpClass(cls):
        for tool in (CHROMIUM, CHROMEDRIVER):
            if not os.access(tool, os.X_OK):
                raise RuntimeError(f"no {tool}: apt-get install chromium chromium-driver")
        cls.dir = tempfile.mkdtemp(prefix="ligerito-browser-")
        cls.valid, proof = prove(cls.dir, 12, seed=4)
        cls.tampered = os.path.join(cls.dir, "tampered_12.bin")
        with open(cls.tampered, "wb") as f:
            f.write(tamper(proof))
        cls.unnamed = os.path.join(cls.dir, "proof.bin")
        shutil.copy(cls.valid, cls.unnamed)
        cls.unnamed_tampered = os.path.join(cls.dir, "tampered.bin")
        shutil.copy(cls.tampered, cls.unnamed_tampered)
        cls.server = Server()
        cls.start_browser()

    def verify(self, path):
        """Loads the page, chooses `path`, presses Verify; the result's text."""
        b = self.browser
        b.open(self.server.url + "/")
        b.wait("the sizes from /config", lambda: b.count("#size option") > 1)
        b.type("#proof", path)
        b.click("#verify")
        b.wait("a verdict", lambda: b.count("#result #verdict") > 0)
        return b.text("#verdict"), b.text("#result")

    def test_a_valid_proof_shows_valid_with_gas_time_and_diagnostic(self):
        verdict, result = self.verify(self.valid)
        self.assertEqual(verdict, "valid", result)
        for label in ("Size", "Gas used", "Time", "Diagnostic", "Guest code hash"):
            self.assertIn(label, result)
        self.assertIn("2^12", result)

    def test_the_page_sends_the_files_bytes_with_the_size_in_the_query(self):
        b = self.browser
        b.open(self.server.url + "/")
        b.wait("the sizes from /config", lambda: b.count("#size option") > 1)
        # Record each request the page makes, then let it through.
        b.execute(RECORD_FETCH)
        b.type("#proof", self.valid)
        b.click("#verify")
        b.wait("a verdict", lambda: b.count("#result #verdict") > 0)
        self.assertEqual(b.text("#verdict"), "valid")
        sent = b.execute("return window.sent;")
        expected = {"url": "/verify?size=12", "type": "application/octet-stream",
                    "bytes": os.path.getsize(self.valid)}
        self.assertEqual(sent, [expected])

    def test_a_tampered_proof_shows_invalid(self):
        verdict, result = self.verify(self.tampered)
        self.assertEqual(verdict, "invalid", result)

    def test_without_a_size_in_the_name_the_page_tries_the_sizes(self):
        verdict, result = self.verify(self.unnamed)
        self.assertEqual(verdict, "valid", result)
        self.assertIn("found by trying the supported sizes", result)
        verdict, result = self.verify(self.unnamed_tampered)
        self.assertEqual(verdict, "invalid", result)
        self.assertIn("valid at no size tried: 2^12, 2^16, 2^20", result)

    def test_the_standalone_server_shows_no_chain(self):
        b = self.browser
        b.open(self.server.url + "/")
        b.wait("the sizes from /config", lambda: b.count("#size option") > 1)
        self.assertEqual(b.count("#chain:not([hidden])"), 0)


class NodePageTest(BrowserCase):
    """The same page on the development node, with its latest blocks."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ligerito-browser-node-")
        cls.proof, _ = prove(cls.dir, 12, seed=5)
        cls.server = Server("--tmp", command=("run", "--dev"))
        cls.start_browser()

    def test_new_blocks_and_their_events_appear_live(self):
        b = self.browser
        b.open(self.server.url + "/")
        b.wait("the best block", lambda: b.count("#blocks #block-0") > 0)
        submitted = subprocess.run(
            [node_binary(), "tx", "verify", "--size", "12", "--signer", "bob",
             "--rpc", self.server.url, self.proof],
            capture_output=True, text=True, timeout=120,
        )
        self.assertEqual(submitted.returncode, 0, submitted.stdout + submitted.stderr)
        b.wait("block #1", lambda: b.count("#blocks #block-1") > 0)
        block = b.text("#block-1")
        self.assertIn("1 extrinsic", block)
        self.assertIn("extrinsic 0: success", block)
        self.assertIn("ProofVerified", block)
        self.assertIn("Block #1", b.text("#chain-status"))
        # The verifier on the same page still works on the node.
        b.type("#proof", self.proof)
        b.click("#verify")
        b.wait("a verdict", lambda: b.count("#result #verdict") > 0)
        self.assertEqual(b.text("#verdict"), "valid")


if __name__ == "__main__":
    unittest.main()
