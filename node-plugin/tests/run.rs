//! `ligerito-node run --dev` as an operator runs it: interval sealing,
//! `tx verify` against it, its metrics, SIGTERM stops it and removes its
//! --tmp directory.

#![cfg(unix)] // stops the node with kill -TERM

mod common;

use std::io::{BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn node() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
}

#[test]
fn dev_node_seals_on_its_block_time_and_stops_on_sigterm() {
    let mut server = node()
        .args(["run", "--dev", "--tmp", "--block-time", "200"])
        .args([
            "--rpc-addr",
            "127.0.0.1:0",
            "--prometheus-addr",
            "127.0.0.1:0",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let base = PathBuf::from(common::logged(&mut log, " under "));
    let metrics = common::logged(&mut log, "metrics on http://");
    let metrics: SocketAddr = metrics.strip_suffix("/metrics").unwrap().parse().unwrap();
    let addr: SocketAddr = common::logged(&mut log, "listening on ").parse().unwrap();
    assert!(base.join("chain.redb").is_file());

    let proof = ligerito_tests::proof_with_seed(12, 41);
    let mut tx = node()
        .args(["tx", "verify", "--size", "12", "--signer", "dave", "--rpc"])
        .arg(format!("http://{addr}"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    tx.stdin.take().unwrap().write_all(&proof).unwrap();
    let out = tx.wait_with_output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["block"], 1);
    let (_, scraped) = common::http(metrics, "GET", "/metrics", "");
    assert!(
        scraped.contains("\nligerito_node_block_height{status=\"best\"} 1\n"),
        "{scraped}"
    );

    let rest = common::stop_with_sigterm(server, log);
    assert!(rest.contains("stopped at block #1"), "{rest}");
    assert!(!base.exists(), "--tmp directory removed");
}
