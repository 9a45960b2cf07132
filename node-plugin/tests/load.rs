//! Bounded load on loopback against the `ligerito-node` binary: `serve`
//! with a small worker pool, and the dev node's `author_submitExtrinsic`
//! past its pool's capacity. At saturation every request gets its correct
//! answer or the documented busy error (-32050 / HTTP 503; 1016 for a full
//! pool), none goes unanswered, and the process's resident memory (VmRSS)
//! stays bounded; repeated proofs come from the verdict cache, and tenant
//! quotas hold. Figures go to stderr (`-- --nocapture`; docs/PERFORMANCE.md).

#![cfg(target_os = "linux")] // VmRSS from /proc; SIGTERM with kill

mod common;

use codec::Encode;
use ligerito_runtime::{dev_account, Call, UncheckedExtrinsic};
use serde_json::{json, Value};
use sp_core::bounded::BoundedVec;
use sp_core::H256;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Memory `serve` may reach under this load: ten times what it was
/// measured at (about 23 MiB, docs/PERFORMANCE.md).
const SERVE_RSS_BOUND_KIB: u64 = 256 << 10;
/// Memory the dev node may reach with a full pool (measured: about 125 MiB):
/// the pool's 64 MiB twice over (encoded and decoded), the requests in
/// flight and the process itself.
const NODE_RSS_BOUND_KIB: u64 = 384 << 10;

fn spawn(args: &[&str]) -> (Child, BufReader<ChildStderr>, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
        .args(args)
        .args(["--rpc-addr", "127.0.0.1:0", "--no-prometheus"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert_ne!(log.read_line(&mut line).unwrap(), 0, "never listened");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    };
    (child, log, addr)
}

/// One HTTP request on a new connection: status and body. Panics if the
/// server does not answer within 60 s: an unanswered request is a failure.
fn http(addr: SocketAddr, path: &str, body: &str) -> (u16, String) {
    http_as(addr, None, path, body)
}

/// [`http`] with `Authorization: Bearer KEY` when `key` is given.
fn http_as(addr: SocketAddr, key: Option<&str>, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let auth = key.map_or(String::new(), |k| format!("Authorization: Bearer {k}\r\n"));
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         {auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("an answer");
    let status = response[9..12].parse().unwrap();
    let (_, body) = response.split_once("\r\n\r\n").expect("a body");
    (status, body.to_owned())
}

fn rpc(addr: SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (status, body) = http(addr, "/", &body.to_string());
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap()
}

/// Samples the process's VmRSS every 20 ms until stopped; returns the peak.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !stopped.load(Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        Self { stop, thread }
    }

    fn peak(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// Runs `f(thread, request)` for `threads` × `per_thread` requests, all
/// threads released at once.
fn burst<T: Send + 'static>(
    threads: usize,
    per_thread: usize,
    f: impl Fn(usize, usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let f = Arc::new(f);
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|thread| {
            let (f, start) = (f.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                (0..per_thread).map(|i| f(thread, i)).collect::<Vec<T>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

#[derive(Debug, PartialEq)]
enum Answer {
    Verdict,
    Busy,
}

#[test]
fn serve_at_saturation_answers_every_request_or_says_busy() {
    // The same two proofs over and over: without the verdict cache, so
    // that every request needs a worker.
    let (child, log, addr) = spawn(&[
        "serve",
        "--workers",
        "1",
        "--queue",
        "2",
        "--max-batch",
        "3",
        "--cache-entries",
        "0",
    ]);
    let pid = child.id();
    let valid = hex::encode(ligerito_tests::proof_with_seed(12, 70));
    let mut tampered = ligerito_tests::proof_with_seed(12, 71);
    tampered[100] ^= 1;
    let invalid = hex::encode(tampered);
    let idle = rss_kib(pid);
    let (threads, per_thread, rounds) = (32, 8, 3);
    let mut peaks = Vec::new();
    let started = Instant::now();
    let mut counts = (0, 0);
    for _ in 0..rounds {
        let sampler = RssSampler::start(pid);
        let (valid, invalid) = (valid.clone(), invalid.clone());
        let answers = burst(threads, per_thread, move |thread, i| {
            let (proof, expected) = if (thread + i) % 2 == 0 {
                (&valid, "valid")
            } else {
                (&invalid, "invalid")
            };
            // Half JSON-RPC, half REST.
            let (status, body) = if thread % 2 == 0 {
                let call = json!({"jsonrpc": "2.0", "id": i, "method": "ligerito_verify",
                    "params": [format!("0x{proof}"), 12]});
                http(addr, "/", &call.to_string())
            } else {
                let call = json!({"proof_size": 12, "proof_bytes": proof});
                http(addr, "/verify", &call.to_string())
            };
            let answer: Value = serde_json::from_str(&body).unwrap();
            let verdict = answer.get("result").unwrap_or(&answer)["verdict"].as_str();
            if verdict.is_some() {
                assert_eq!(status, 200, "{body}");
                assert_eq!(verdict, Some(expected), "{body}");
                Answer::Verdict
            } else {
                assert_eq!(answer["error"]["code"], -32050, "{body}");
                assert_eq!(status, if thread % 2 == 0 { 200 } else { 503 }, "{body}");
                Answer::Busy
            }
        });
        assert_eq!(answers.len(), threads * per_thread, "none lost");
        counts.0 += answers.iter().filter(|a| **a == Answer::Verdict).count();
        counts.1 += answers.iter().filter(|a| **a == Answer::Busy).count();
        peaks.push(sampler.peak());
    }
    let elapsed = started.elapsed();
    let after = rss_kib(pid);
    let (verdicts, busy) = counts;
    eprintln!(
        "serve --workers 1 --queue 2: {rounds} rounds of {threads} threads x {per_thread} \
         requests (2^12 proofs) in {elapsed:.1?}: {verdicts} verdicts, {busy} busy; \
         VmRSS idle {idle} KiB, peak per round {peaks:?} KiB, after {after} KiB"
    );
    assert!(
        verdicts > 0 && busy > 0,
        "saturated: {verdicts} verdicts, {busy} busy"
    );
    for peak in &peaks {
        assert!(*peak < SERVE_RSS_BOUND_KIB, "VmRSS {peak} KiB");
    }
    // The last round's peak is not much above the first's: nothing accumulates.
    assert!(peaks[rounds - 1] < peaks[0] + (64 << 10), "{peaks:?}");
    common::stop_with_sigterm(child, log);
}

#[test]
fn dev_node_pool_fills_then_refuses_and_loses_nothing_accepted() {
    // A block time far beyond the test: nothing is sealed until SIGTERM.
    let base = std::env::temp_dir().join(format!("ligerito-load-{}", std::process::id()));
    let base_arg = base.to_str().unwrap().to_owned();
    let (child, log, addr) = spawn(&[
        "run",
        "--dev",
        "--block-time",
        "3600000",
        "--base-path",
        &base_arg,
    ]);
    let pid = child.id();
    let genesis = rpc(addr, "ligerito_genesisHash", json!([]));
    let genesis =
        H256::from_slice(&hex::decode(&genesis["result"].as_str().unwrap()[2..]).unwrap());
    let idle = rss_kib(pid);
    // 16 signers, 72 nonces each: 1152 extrinsics for a pool of 1024, each
    // with a whole proof. One proof throughout keeps the final block quick
    // to seal: after the first, each is AlreadyVerified before the guest runs.
    let proof = ligerito_tests::proof_with_seed(12, 72);
    let proof_len = proof.len();
    let (threads, per_thread) = (16, 72);
    let sampler = RssSampler::start(pid);
    let started = Instant::now();
    let answers = burst(threads, per_thread, move |thread, nonce| {
        let signer = dev_account(&format!("load{thread}"));
        let call = Call::Verify {
            log_size: 12,
            proof: BoundedVec::try_from(proof.clone()).unwrap(),
        };
        let xt = UncheckedExtrinsic::sign(&signer, call, nonce as u64, genesis).encode();
        let answer = rpc(
            addr,
            "author_submitExtrinsic",
            json!([format!("0x{}", hex::encode(xt))]),
        );
        match answer["error"]["code"].as_i64() {
            None => {
                assert!(answer["result"].is_string(), "{answer}");
                Answer::Verdict
            }
            Some(code) => {
                assert_eq!(code, 1016, "{answer}");
                Answer::Busy
            }
        }
    });
    let elapsed = started.elapsed();
    let peak = sampler.peak();
    assert_eq!(answers.len(), threads * per_thread, "none lost");
    let accepted = answers.iter().filter(|a| **a == Answer::Verdict).count();
    let full = answers.len() - accepted;
    assert_eq!(accepted, 1024, "the pool holds 1024 extrinsics");
    eprintln!(
        "run --dev: {threads} threads x {per_thread} author_submitExtrinsic ({proof_len}-byte \
         proofs) in {elapsed:.1?}: \
         {accepted} accepted, {full} refused with 1016 (pool full); VmRSS idle {idle} KiB, \
         peak {peak} KiB"
    );
    assert!(peak < NODE_RSS_BOUND_KIB, "VmRSS {peak} KiB");

    // SIGTERM seals what is pending: what was accepted and can apply.
    let rest = common::stop_with_sigterm(child, log);
    // "… sealed block #N (…) with K extrinsics" and "… dropping K …"
    let total = |marker: &str| -> usize {
        rest.lines()
            .filter_map(|l| l.split(marker).nth(1))
            .map(|n| {
                n.split_whitespace()
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum()
    };
    let (sealed, dropped) = (total(") with "), total("dropping "));
    assert_eq!(sealed + dropped, accepted, "{rest}");
    std::fs::remove_dir_all(base).unwrap();
}

/// The answer's `verdict` and `cached`, or its error code.
fn verdict_or_code(status: u16, body: &str) -> Result<(String, bool), i64> {
    let answer: Value = serde_json::from_str(body).unwrap();
    match answer["verdict"].as_str() {
        Some(verdict) => {
            assert_eq!(status, 200, "{body}");
            Ok((verdict.to_owned(), answer["cached"] == true))
        }
        None => Err(answer["error"]["code"].as_i64().unwrap()),
    }
}

#[test]
fn the_verdict_cache_answers_repeated_proofs_under_load() {
    // Four proofs, each asked for 32 times by 16 clients at once; the same
    // load with and without the cache.
    let proofs: Vec<(String, &str)> = (0..4u64)
        .map(|seed| {
            let mut proof = ligerito_tests::proof_with_seed(12, 80 + seed);
            if seed % 2 == 1 {
                proof[100] ^= 1;
            }
            let verdict = if seed % 2 == 1 { "invalid" } else { "valid" };
            (hex::encode(proof), verdict)
        })
        .collect();
    let proofs = Arc::new(proofs);
    let (threads, per_thread) = (16, 8);
    let mut figures = Vec::new();
    for cache in ["10000", "0"] {
        let (child, log, addr) = spawn(&[
            "serve",
            "--workers",
            "2",
            "--queue",
            "64",
            "--cache-entries",
            cache,
        ]);
        let proofs = proofs.clone();
        let started = Instant::now();
        let answers = burst(threads, per_thread, move |thread, i| {
            let (proof, expected) = &proofs[(thread + i) % proofs.len()];
            let call = json!({"proof_size": 12, "proof_bytes": proof});
            let begun = Instant::now();
            let (status, body) = http(addr, "/verify", &call.to_string());
            let (verdict, cached) = verdict_or_code(status, &body).expect("no refusal");
            assert_eq!(verdict, *expected, "{body}");
            (cached, begun.elapsed())
        });
        let elapsed = started.elapsed();
        let hits = answers.iter().filter(|(cached, _)| *cached).count();
        let mut latencies: Vec<Duration> = answers.iter().map(|(_, l)| *l).collect();
        latencies.sort();
        let p50 = latencies[latencies.len() / 2];
        let rate = answers.len() as f64 / elapsed.as_secs_f64();
        eprintln!(
            "serve --workers 2 --cache-entries {cache}: {} requests for 4 proofs (2^12) in \
             {elapsed:.2?}, {rate:.0} requests/s, p50 {p50:.1?}, {hits} answered from the cache",
            answers.len()
        );
        figures.push((hits, elapsed));
        common::stop_with_sigterm(child, log);
    }
    let ((hits, _), (no_cache_hits, _)) = (figures[0], figures[1]);
    assert_eq!(no_cache_hits, 0);
    // A proof misses only while its first verification is still running.
    assert!(
        hits >= threads * per_thread / 2,
        "{hits} of {} from the cache",
        threads * per_thread
    );
}

#[test]
fn tenant_quotas_hold_under_load() {
    let path = std::env::temp_dir().join(format!("ligerito-load-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[[tenant]]\nname = \"acme\"\nkeys = [\"acme-key\"]\nmax_concurrent = 1\n\
         [[tenant]]\nname = \"globex\"\nkeys = [\"globex-key\"]\nmax_concurrent = 2\n",
    )
    .unwrap();
    // Room in the pool for more than both quotas: only the quotas refuse.
    let (child, log, addr) = spawn(&[
        "serve",
        "--workers",
        "2",
        "--queue",
        "16",
        "--cache-entries",
        "0",
        "--tenants",
        path.to_str().unwrap(),
    ]);
    let proof = hex::encode(ligerito_tests::proof_with_seed(12, 90));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut most = 0;
            while sampling.load(Ordering::Relaxed) {
                let (_, health) = common::http(addr, "GET", "/health", "");
                let health: Value = serde_json::from_str(&health).unwrap();
                let admitted =
                    health["in_flight"].as_u64().unwrap() + health["queued"].as_u64().unwrap();
                most = most.max(admitted);
                std::thread::sleep(Duration::from_millis(2));
            }
            most
        })
    };
    let (threads, per_thread) = (16, 8);
    let started = Instant::now();
    let answers = burst(threads, per_thread, move |thread, _| {
        let key = if thread % 2 == 0 {
            "acme-key"
        } else {
            "globex-key"
        };
        let call = json!({"proof_size": 12, "proof_bytes": proof});
        let (status, body) = http_as(addr, Some(key), "/verify", &call.to_string());
        let answer = verdict_or_code(status, &body);
        if answer.is_err() {
            assert_eq!(status, 429, "{body}");
        }
        (key, answer.map(|(verdict, _)| verdict))
    });
    let elapsed = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    let most = sampler.join().unwrap();
    let count = |key: &str, ok: bool| {
        answers
            .iter()
            .filter(|(k, a)| *k == key && a.is_ok() == ok)
            .count()
    };
    for (_, answer) in &answers {
        match answer {
            Ok(verdict) => assert_eq!(verdict, "valid"),
            Err(code) => assert_eq!(*code, -32054, "only the quota refuses"),
        }
    }
    eprintln!(
        "serve with tenants acme (max_concurrent 1) and globex (2), 8 clients each, {} \
         requests in {elapsed:.2?}: acme {} verdicts / {} quota, globex {} / {}; at most {most} \
         verifications admitted at once",
        answers.len(),
        count("acme-key", true),
        count("acme-key", false),
        count("globex-key", true),
        count("globex-key", false),
    );
    assert!(most <= 3, "{most} admitted at once: the quotas are 1 + 2");
    assert!(count("acme-key", false) > 0 && count("globex-key", false) > 0);
    assert!(count("acme-key", true) > 0 && count("globex-key", true) > 0);
    common::stop_with_sigterm(child, log);
    std::fs::remove_file(&path).unwrap();
}
