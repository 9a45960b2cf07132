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

/// POST /verify with an empty body under `key`: 401 for a key the server
/// does not know, 400 (the body) for one it does; no verification either way.
fn status_with_key(addr: SocketAddr, key: &str) -> u16 {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /verify HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: Bearer {key}\r\nContent-Length: 2\r\n\r\n{{}}"
    )
    .unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    response.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn sighup_reloads_the_tenants_file() {
    let path = std::env::temp_dir().join(format!("ligerito-sighup-{}.toml", std::process::id()));
    let tenant = |key: &str| format!("[[tenant]]\nname = \"acme\"\nkeys = [\"{key}\"]\n");
    std::fs::write(&path, tenant("old-key")).unwrap();
    let mut server = node()
        .args(["serve", "--rpc-addr", "127.0.0.1:0", "--no-prometheus"])
        .args(["--tenants-poll-secs", "0", "--tenants"])
        .arg(&path)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let addr: SocketAddr = common::logged(&mut log, "listening on ").parse().unwrap();
    assert_eq!(status_with_key(addr, "old-key"), 400);
    assert_eq!(status_with_key(addr, "new-key"), 401);

    std::fs::write(&path, tenant("new-key")).unwrap();
    let hangup = Command::new("kill")
        .args(["-HUP", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(hangup.success());
    let start = Instant::now();
    while status_with_key(addr, "new-key") != 400 {
        assert!(start.elapsed() < Duration::from_secs(10), "never reloaded");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(status_with_key(addr, "old-key"), 401);
    let rest = common::stop_with_sigterm(server, log);
    assert!(rest.contains("tenants reloaded: 1 tenants"), "{rest}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn workers_default_to_the_runs_the_cores_take_on_the_backend() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let mut backends = vec![("interpreter", cores)];
    if ligerito_executor::Backend::Compiler.is_supported() {
        // A compiled run keeps two cores busy.
        backends.push(("compiler", (cores / 2).max(1)));
    }
    for (backend, workers) in backends {
        let mut server = node()
            .args(["serve", "--rpc-addr", "127.0.0.1:0", "--no-prometheus"])
            .args(["--backend", backend])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(server.stderr.take().unwrap());
        let addr: SocketAddr = common::logged(&mut log, "listening on ").parse().unwrap();
        let (status, body) = http(addr, "GET", "/config", "");
        assert_eq!(status, 200, "{body}");
        let config: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(config["backend"], backend, "{body}");
        assert_eq!(config["workers"], workers, "{backend}: {body}");
        common::stop_with_sigterm(server, log);
    }
}
