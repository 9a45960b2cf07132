"""The Python client against a real `ligerito-node serve` (see ligerito_testing).

    LIGERITO_NODE=target/debug/ligerito-node python3 -m unittest discover -v clients/python
"""

import contextlib
import io
import os
import shutil
import tempfile
import unittest
import urllib.error
import urllib.request

import ligerito_client
from ligerito_client import Client, LigeritoError
from ligerito_testing import Server, prove, tamper


class VerifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ligerito-python-")
        cls.path, cls.proof = prove(cls.dir, 12, seed=1)
        cls.server = Server("--workers", "2")
        cls.client = cls.server.client

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        shutil.rmtree(cls.dir)
        assert status == 0, "the server exits 0 on SIGTERM:\n" + "".join(cls.server.log)

    def test_a_valid_proof_is_valid(self):
        result = self.client.verify(self.proof, 12)
        self.assertIs(result["valid"], True)
        self.assertEqual(result["verdict"], "valid")
        self.assertEqual(result["exit_code"], 0)
        self.assertEqual(result["message"], "valid")
        self.assertIsInstance(result["execution_time_ms"], int)
        self.assertGreater(result["gas_used"], 0)
        self.assertEqual(result["code_hash"], self.client.config()["code_hash"])

    def test_a_tampered_proof_is_invalid(self):
        result = self.client.verify(tamper(self.proof), 12)
        self.assertIs(result["valid"], False)
        self.assertEqual(result["verdict"], "invalid")
        self.assertEqual(result["exit_code"], 1)

    def test_verify_file_reads_the_size_from_the_name(self):
        self.assertEqual(self.client.verify_file(self.path)["verdict"], "valid")
        unnamed = os.path.join(self.dir, "proof.bin")
        shutil.copy(self.path, unnamed)
        with self.assertRaisesRegex(ValueError, "no size in the file name 'proof.bin'"):
            self.client.verify_file(unnamed)
        self.assertEqual(self.client.verify_file(unnamed, 12)["verdict"], "valid")
        # The size given wins over the name's: not a valid 2^16 proof.
        self.assertIs(self.client.verify_file(self.path, 16)["valid"], False)

    def test_raw_bytes_get_the_answer_hex_json_gets(self):
        # verify() sends the raw bytes; the original form is hex in JSON.
        for proof in (self.proof, tamper(self.proof), b""):
            raw = self.client.verify(proof, 12)
            hex_json = self.client._request("POST", "/verify", {"proof_size": 12, "proof_bytes": proof.hex()})
            for answer in (raw, hex_json):
                for varies in ("elapsed_ms", "execution_time_ms", "cached"):
                    del answer[varies]
            self.assertEqual(raw, hex_json)

    def test_raw_bytes_without_a_size_or_too_long_are_refused(self):
        for path, message in [("/verify", "size: missing"), ("/verify?size=x", 'size: "x" is not a number')]:
            with self.assertRaises(LigeritoError) as caught:
                self.client._request("POST", path, self.proof)
            e = caught.exception
            self.assertEqual((e.code, e.status), (ligerito_client.INVALID_PARAMS, 400))
            self.assertIn(message, e.message)
        longest = max(s["max_proof_len"] for s in self.client.config()["sizes"])
        with self.assertRaises(LigeritoError) as caught:
            self.client.verify(bytes(longest + 1), 30)
        e = caught.exception
        self.assertEqual((e.code, e.status), (ligerito_client.TOO_LARGE, 413))

    def test_a_batch_is_answered_in_order(self):
        results = self.client.verify_batch([(self.proof, 12), (tamper(self.proof), 12), (b"", 12)])
        self.assertEqual([r["verdict"] for r in results], ["valid", "invalid", "error"])

    def test_config_and_health_describe_the_server(self):
        config = self.client.config()
        self.assertIn(12, [s["log_size"] for s in config["sizes"]])
        self.assertEqual(config["workers"], 2)
        health = self.client.health()
        self.assertIs(health["ready"], True)

    def test_refusals_raise_with_the_servers_code(self):
        with self.assertRaises(LigeritoError) as caught:
            self.client.verify(self.proof, 13)
        e = caught.exception
        self.assertEqual((e.code, e.status), (ligerito_client.INVALID_PARAMS, 400))
        self.assertIn("size: 2^13 is not supported", e.message)
        with self.assertRaises(LigeritoError) as caught:
            self.client.verify_batch([(self.proof, 12)] * 17)
        self.assertEqual(caught.exception.code, ligerito_client.INVALID_PARAMS)
        self.assertIn("batch: 17 proofs exceeds the maximum 16", caught.exception.message)
        with self.assertRaises(LigeritoError) as caught:
            Client("http://127.0.0.1:1", timeout=5).config()
        self.assertIsNone(caught.exception.code)
        self.assertIn("cannot reach http://127.0.0.1:1", str(caught.exception))

    def test_the_command_prints_the_verdict_and_exits_with_its_code(self):
        bad = os.path.join(self.dir, "tampered_12.bin")
        with open(bad, "wb") as f:
            f.write(tamper(self.proof))
        for path, code, verdict in [(self.path, 0, "valid"), (bad, 1, "invalid")]:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(ligerito_client.main(["--url", self.server.url, path]), code)
            self.assertIn(f'"verdict": "{verdict}"', out.getvalue())


class ApiKeyTest(unittest.TestCase):
    def test_a_server_with_api_keys_wants_the_key(self):
        with tempfile.TemporaryDirectory(prefix="ligerito-python-") as directory:
            _, proof = prove(directory, 12, seed=2)
            server = Server("--api-key", "s3cret")
            try:
                with self.assertRaises(LigeritoError) as caught:
                    server.client.verify(proof, 12)
                e = caught.exception
                self.assertEqual((e.code, e.status), (ligerito_client.UNAUTHORIZED, 401))
                keyed = Client(server.url, api_key="s3cret")
                self.assertIs(keyed.verify(proof, 12)["valid"], True)
                self.assertIs(keyed.verify_batch([(proof, 12)])[0]["valid"], True)
                # The probes need no key.
                self.assertIs(server.client.health()["ready"], True)
            finally:
                self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
