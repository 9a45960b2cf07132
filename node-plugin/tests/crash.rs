//! Crash safety: `ligerito-node run --dev` is killed with SIGKILL at random
//! points while extrinsics stream in over RPC and it seals blocks, again and
//! again on one base path. After each kill `ligerito-node replay` passes, and
//! after each restart the database opens at a block no lower than any the
//! node logged as sealed, and every block it logged as sealed is still there
//! with the same hash.
//!
//! 12 kills by default; the long mode takes more:
//!
//!   LIGERITO_CRASH_KILLS=100 cargo test --release -p ligerito-node --test crash

#![cfg(unix)] // Child::kill is SIGKILL

mod common;

use codec::Encode;
use ligerito_runtime::{dev_account, Call, UncheckedExtrinsic};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use sp_core::bounded::BoundedVec;
use sp_core::{Pair, H256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{ChildStderr, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How many kills: `LIGERITO_CRASH_KILLS`, else 12.
fn cycles() -> usize {
    std::env::var("LIGERITO_CRASH_KILLS").map_or(12, |n| {
        n.parse().expect("LIGERITO_CRASH_KILLS: a number of kills")
    })
}
const SEED: u64 = 6;

/// One JSON-RPC call over HTTP; `None` once the node is gone.
fn rpc(addr: SocketAddr, method: &str, params: Value) -> Option<Value> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    serde_json::from_str(body).ok()
}

/// A running node: its address, and a thread collecting the blocks it
/// logs as sealed until its log ends.
struct Node {
    child: std::process::Child,
    addr: SocketAddr,
    /// The best block it opened at.
    opened_at: u64,
    sealed: JoinHandle<Vec<(u64, String)>>,
}

fn start(base: &Path) -> Node {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
        .args([
            "run",
            "--dev",
            "--rpc-addr",
            "127.0.0.1:0",
            "--no-prometheus",
        ])
        .arg("--base-path")
        .arg(base)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let opened_at = common::logged(&mut log, "chain at block #")
        .parse()
        .unwrap();
    let addr = common::logged(&mut log, "listening on ").parse().unwrap();
    let sealed = std::thread::spawn(move || sealed_blocks(log));
    Node {
        child,
        addr,
        opened_at,
        sealed,
    }
}

/// Every `sealed block #N (0x…)` line, until the log ends.
fn sealed_blocks(log: BufReader<ChildStderr>) -> Vec<(u64, String)> {
    log.lines()
        .map_while(Result::ok)
        .filter_map(|line| {
            let rest = line.split("sealed block #").nth(1)?.to_owned();
            let (number, rest) = rest.split_once(" (")?;
            let (hash, _) = rest.split_once(')')?;
            Some((number.parse().unwrap(), hash.to_owned()))
        })
        .collect()
}

/// Bob's verify extrinsics from his next nonce on, until the node is gone or
/// `deadline`: valid, duplicate and tampered proofs.
fn submit_until_gone(addr: SocketAddr, proofs: &[Vec<u8>], deadline: Instant) -> usize {
    let bob = dev_account("bob");
    let Some(genesis) = rpc(addr, "ligerito_genesisHash", json!([])) else {
        return 0;
    };
    let genesis =
        H256::from_slice(&hex::decode(&genesis["result"].as_str().unwrap()[2..]).unwrap());
    let account = format!("0x{}", hex::encode(bob.public().0));
    let Some(next) = rpc(addr, "system_accountNextIndex", json!([account])) else {
        return 0;
    };
    let mut nonce = next["result"].as_u64().unwrap();
    let mut submitted = 0;
    while Instant::now() < deadline {
        let mut proof = proofs[nonce as usize % proofs.len()].clone();
        if nonce % 3 == 2 {
            proof[100 + nonce as usize % 64] ^= 1;
        }
        let call = Call::Verify {
            log_size: 12,
            proof: BoundedVec::try_from(proof).unwrap(),
        };
        let xt = UncheckedExtrinsic::sign(&bob, call, nonce, genesis).encode();
        let Some(answer) = rpc(
            addr,
            "author_submitExtrinsic",
            json!([format!("0x{}", hex::encode(xt))]),
        ) else {
            break;
        };
        assert!(answer.get("result").is_some(), "{answer}");
        nonce += 1;
        submitted += 1;
    }
    submitted
}

#[test]
fn sigkill_while_sealing_loses_no_sealed_block_and_replay_passes() {
    let base = std::env::temp_dir().join(format!("ligerito-crash-{}", std::process::id()));
    let proofs: Vec<Vec<u8>> = (60..64)
        .map(|seed| ligerito_tests::proof_with_seed(12, seed))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut sealed: BTreeMap<u64, String> = BTreeMap::new();
    let mut submitted = 0;
    for cycle in 0..cycles() {
        let node = start(&base);
        let highest = sealed.keys().next_back().copied().unwrap_or(0);
        assert!(
            node.opened_at >= highest,
            "cycle {cycle}: opened at #{} after #{highest} was sealed",
            node.opened_at
        );
        for (number, hash) in &sealed {
            let stored = rpc(node.addr, "chain_getBlockHash", json!([number])).unwrap();
            assert_eq!(
                stored["result"],
                json!(hash),
                "cycle {cycle}: block #{number}"
            );
        }

        let delay = Duration::from_millis(rng.gen_range(200..1500));
        let addr = node.addr;
        let proofs_for_thread = proofs.clone();
        let submitter = std::thread::spawn(move || {
            submit_until_gone(
                addr,
                &proofs_for_thread,
                Instant::now() + Duration::from_secs(30),
            )
        });
        std::thread::sleep(delay);
        let mut child = node.child;
        child.kill().unwrap();
        child.wait().unwrap();
        submitted += submitter.join().unwrap();
        for (number, hash) in node.sealed.join().unwrap() {
            let known = sealed.entry(number).or_insert_with(|| hash.clone());
            assert_eq!(*known, hash, "cycle {cycle}: block #{number} sealed twice");
        }

        let replay = Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
            .arg("replay")
            .arg("--base-path")
            .arg(&base)
            .output()
            .unwrap();
        assert!(
            replay.status.success(),
            "cycle {cycle}: replay: {}",
            String::from_utf8_lossy(&replay.stderr)
        );
        let report: Value = serde_json::from_slice(&replay.stdout).unwrap();
        let highest = sealed.keys().next_back().copied().unwrap_or(0);
        assert!(report["blocks"].as_u64().unwrap() >= highest, "{report}");
    }
    assert!(
        sealed.len() > cycles(),
        "{} blocks sealed in {} cycles ({submitted} extrinsics submitted)",
        sealed.len(),
        cycles()
    );
    eprintln!(
        "{} kills: {} blocks sealed, {submitted} extrinsics accepted",
        cycles(),
        sealed.len()
    );
    std::fs::remove_dir_all(base).unwrap();
}
