//! `ligerito-node serve` as an operator runs it: same verdict as `verify`,
//! probes answer, SIGTERM stops it cleanly.

#![cfg(unix)] // stops the server with kill -TERM

mod common;

use common::http;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn node() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
}

#[test]
fn serves_the_verdict_verify_prints_and_stops_on_sigterm() {
    let proof = node()
        .args(["prove", "--size", "12", "--random", "--seed", "3"])
        .output()
        .unwrap()
        .stdout;
    let mut server = node()
        .args(["serve", "--rpc-addr", "127.0.0.1:0", "--no-prometheus"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let addr: SocketAddr = loop {
        let mut line = String::new();
        assert_ne!(log.read_line(&mut line).unwrap(), 0, "no address logged");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split(' ').next().unwrap().parse().unwrap();
        }
    };
    let start = Instant::now();
    while http(addr, "GET", "/health", "").0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(30), "never ready");
        std::thread::sleep(Duration::from_millis(20));
    }

    let request = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ligerito_verify","params":["0x{}",12]}}"#,
        hex::encode(&proof)
    );
    let (status, body) = http(addr, "POST", "/", &request);
    assert_eq!(status, 200);
    let served: serde_json::Value = serde_json::from_str(&body).unwrap();
    let served = &served["result"];

    let mut verify = node()
        .args(["verify", "--size", "12", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    verify.stdin.take().unwrap().write_all(&proof).unwrap();
    let printed: serde_json::Value =
        serde_json::from_slice(&verify.wait_with_output().unwrap().stdout).unwrap();
    for field in [
        "valid",
        "exit_code",
        "gas_used",
        "message",
        "code_hash",
        "verdict",
    ] {
        assert_eq!(served[field], printed[field], "{field}");
    }
    assert_eq!(served["valid"], true);

    let rest = common::stop_with_sigterm(server, log);
    assert!(rest.contains("SIGTERM received"), "{rest}");
}
