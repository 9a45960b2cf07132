//! The development node started as a Substrate node is: `ligerito-node
//! --dev --tmp --rpc-port N --prometheus-port M` and `--dev --base-path DIR`, without the `run`
//! command; `rpc_methods` lists what its port serves; the port takes the
//! verifier service's gate (`--api-key`).

#![cfg(unix)] // stops the node with kill -TERM

mod common;

use serde_json::{json, Value};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long the node may take to start or stop before a test gives up.
/// Generous for a loaded machine: it bounds a wait, it measures nothing.
const PATIENCE: Duration = Duration::from_secs(180);

/// A `ligerito-node` process and its log, read line by line on a thread.
struct Node {
    child: Child,
    lines: Receiver<String>,
    log: String,
}

impl Node {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            lines,
            log: String::new(),
        }
    }

    /// The text after `marker` up to the next space, in the first line
    /// holding it.
    fn logged(&mut self, marker: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.log.push_str(&line);
                    self.log.push('\n');
                    if let Some(rest) = line.split(marker).nth(1) {
                        return rest.split_whitespace().next().unwrap().to_owned();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("not logged in {PATIENCE:?}: {marker:?}\n{}", self.log);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the node exited before logging {marker:?}\n{}", self.log);
                }
            }
        }
    }

    /// Sends SIGTERM and waits for a clean exit; returns the whole log.
    fn stop(mut self) -> String {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("not stopped {PATIENCE:?} after SIGTERM\n{}", self.log);
            }
            thread::sleep(Duration::from_millis(50));
        };
        // The pipe closed with the process: the reader ends.
        for line in self.lines.iter() {
            self.log.push_str(&line);
            self.log.push('\n');
        }
        assert!(status.success(), "{status}\n{}", self.log);
        self.log
    }
}

/// A port nothing listens on now (the node binds it a moment later).
fn free_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port().to_string()
}

fn call(addr: SocketAddr, method: &str) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": []});
    let (status, body) = common::http(addr, "POST", "/", &request.to_string());
    assert_eq!(status, 200, "{method}: {body}");
    let response: Value = serde_json::from_str(&body).unwrap();
    assert!(response["error"].is_null(), "{method}: {body}");
    response["result"].clone()
}

#[test]
fn dev_tmp_serves_on_rpc_port_and_removes_its_directory() {
    let (port, metrics_port) = (free_port(), free_port());
    let mut node = Node::start(&[
        "--dev",
        "--tmp",
        "--rpc-port",
        &port,
        "--prometheus-port",
        &metrics_port,
    ]);
    // In the order the node logs them.
    let base = PathBuf::from(node.logged(" under "));
    let metrics = node.logged("metrics on ");
    assert_eq!(metrics, format!("http://127.0.0.1:{metrics_port}/metrics"));
    let addr: SocketAddr = node.logged("listening on ").parse().unwrap();
    assert_eq!(addr.to_string(), format!("127.0.0.1:{port}"));
    assert!(base.starts_with(std::env::temp_dir()), "{}", base.display());
    assert!(base.join("chain.redb").is_file());

    let listed = call(addr, "rpc_methods");
    let methods: Vec<&str> = listed["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(methods.is_sorted(), "{methods:?}");
    for method in [
        "rpc_methods",
        "author_submitExtrinsic",
        "chain_getHeader",
        "chain_subscribeNewHeads",
        "chain_unsubscribeNewHeads",
        "state_getMetadata",
        "system_name",
        "ligerito_blockReceipt",
        "ligerito_verify",
    ] {
        assert!(methods.contains(&method), "{method} not in {methods:?}");
    }
    assert_eq!(call(addr, "system_name"), "ligerito-node");
    assert_eq!(call(addr, "chain_getHeader")["number"], "0x0");

    let log = node.stop();
    assert!(log.contains("stopped at block #0"), "{log}");
    assert!(!base.exists(), "--tmp directory left at {}", base.display());
}

#[test]
fn dev_base_path_keeps_the_chain_there() {
    let dir = std::env::temp_dir().join(format!("ligerito-dev-flags-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let args = ["--dev", "--base-path", dir.to_str().unwrap()];
    let mut node = Node::start(&[&args[..], &["--rpc-port", &port, "--no-prometheus"]].concat());
    assert_eq!(Path::new(&node.logged(" under ")), dir);
    let addr: SocketAddr = node.logged("listening on ").parse().unwrap();
    assert_eq!(addr.port().to_string(), port);
    node.stop();
    assert!(
        dir.join("chain.redb").is_file(),
        "no chain.redb in {}",
        dir.display()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_node_port_takes_the_services_api_keys() {
    let port = free_port();
    let key = "node-port-test-key";
    let mut node = Node::start(&[
        "--dev",
        "--tmp",
        "--rpc-port",
        &port,
        "--no-prometheus",
        "--api-key",
        key,
    ]);
    let addr: SocketAddr = node.logged("listening on ").parse().unwrap();
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": "chain_getHeader", "params": []});
    let request = request.to_string();

    let (status, body) = common::http(addr, "POST", "/", &request);
    assert_eq!(status, 401, "a chain method without the key: {body}");
    let (status, body) = common::http_with(
        addr,
        "POST",
        "/",
        &format!("Authorization: Bearer {key}\r\n"),
        &request,
    );
    assert_eq!(status, 200, "with the key: {body}");
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["result"]["number"], "0x0", "{body}");
    let (status, body) = common::http(addr, "GET", "/health", "");
    assert!(
        status == 200 || status == 503,
        "the probe needs no key: {status} {body}"
    );
    node.stop();
}
