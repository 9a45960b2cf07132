//! The system under load, on loopback only, each part bounded in time:
//!
//! - `rpc`: one 2^20 proof verified on the server `ligerito-node serve`
//!   runs (started in this process on 127.0.0.1:0), sent two ways side by
//!   side: `ligerito_verify` (JSON-RPC, hex) and `POST /verify?size=20`
//!   (REST, raw bytes), taking turns; 1, 2, 4 and 8 clients, 1, 2, 4, ...
//!   workers up to the machine's cores: latency p50/p99, throughput, their
//!   ratios, and the process's peak RSS.
//! - `node`: verify extrinsics (2^12 and 2^20, and full 2^20 blocks: the 25
//!   a block's length holds) through the node core on a chain in a temp dir, verifying each block's proofs on one thread and on
//!   the machine's cores: pool admission, sealing, extrinsics per second,
//!   and block import (re-executing the stored blocks, as a restarted or
//!   syncing node does).
//! - `memory`: peak RSS of one verification per size and backend, each in a
//!   child process of this binary.
//!
//!   cargo bench -p ligerito-tests --bench load                 # all three
//!   cargo bench -p ligerito-tests --bench load -- rpc          # one part
//!   LIGERITO_BENCH_QUICK=1 cargo bench -p ligerito-tests --bench load
//!
//! Prints Markdown tables; draws docs/rpc-throughput.svg (the temp dir in
//! quick mode).

mod common;

use codec::Encode;
use common::{mib, percentile, quick, status_kib};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use ligerito_executor::{Backend, Executor, DEFAULT_GAS_LIMIT};
use ligerito_node::chain::Chain;
use ligerito_node::plugin::{LigeritoPlugin, PluginConfig};
use ligerito_node::store::Store;
use ligerito_rpc::{serve, LigeritoApiClient, LigeritoRpc, RpcConfig, VerifyResult};
use ligerito_runtime::{dev_account, Call, GenesisConfig, UncheckedExtrinsic};
use ligerito_tests::{proof_with_seed, valid_proof};
use sp_core::bounded::BoundedVec;
use std::num::NonZeroUsize;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Set in the child that measures one verification: `size,backend,proof file`.
const CHILD: &str = "LIGERITO_BENCH_MEMORY_CHILD";

fn main() {
    if let Ok(job) = std::env::var(CHILD) {
        memory_child(&job);
        return;
    }
    // `cargo bench` passes `--bench`; any other argument picks the parts.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    let start = Instant::now();
    if wanted("memory") {
        memory();
    }
    if wanted("node") {
        node();
    }
    if wanted("rpc") {
        rpc();
    }
    eprintln!("load bench: {:.1} s", start.elapsed().as_secs_f64());
}

// ---- RPC ----

/// How the clients send the proof: the two transports the bench compares.
#[derive(Clone, Copy)]
enum Transport {
    /// `ligerito_verify` over JSON-RPC, the proof as hex in JSON.
    JsonRpcHex,
    /// `POST /verify?size=N`, the proof's raw bytes.
    RestBinary,
}

impl Transport {
    const ALL: [Transport; 2] = [Transport::JsonRpcHex, Transport::RestBinary];

    fn name(self) -> &'static str {
        match self {
            Transport::JsonRpcHex => "JSON-RPC hex",
            Transport::RestBinary => "REST binary",
        }
    }
}

/// One proof in both forms, made before the clock starts.
struct Proof {
    log_size: u32,
    hex: String,
    raw: Bytes,
}

/// One client's connection, in its transport.
enum Client {
    Rpc(jsonrpsee::http_client::HttpClient),
    Rest(SendRequest<Full<Bytes>>),
}

impl Client {
    async fn connect(addr: std::net::SocketAddr, transport: Transport) -> Self {
        match transport {
            Transport::JsonRpcHex => Client::Rpc(
                jsonrpsee::http_client::HttpClientBuilder::default()
                    .request_timeout(Duration::from_secs(60))
                    .build(format!("http://{addr}"))
                    .expect("client"),
            ),
            Transport::RestBinary => {
                let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                // As jsonrpsee's client does, so that neither waits on Nagle.
                stream.set_nodelay(true).expect("TCP_NODELAY");
                let (sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .expect("HTTP/1.1 handshake");
                tokio::spawn(connection);
                Client::Rest(sender)
            }
        }
    }

    async fn verify(&mut self, proof: &Proof) -> VerifyResult {
        match self {
            Client::Rpc(client) => client
                .verify(proof.hex.clone(), proof.log_size)
                .await
                .expect("ligerito_verify"),
            Client::Rest(sender) => {
                let request = hyper::Request::post(format!("/verify?size={}", proof.log_size))
                    .header(hyper::header::HOST, "127.0.0.1")
                    .header(hyper::header::CONTENT_TYPE, "application/octet-stream")
                    .body(Full::new(proof.raw.clone()))
                    .expect("request");
                sender.ready().await.expect("connection open");
                let response = sender.send_request(request).await.expect("POST /verify");
                assert_eq!(response.status(), 200, "POST /verify");
                let body = response.into_body().collect().await.expect("answer");
                serde_json::from_slice(&body.to_bytes()).expect("a verdict")
            }
        }
    }
}

#[derive(Default)]
struct Load {
    calls: usize,
    wall: Duration,
    /// Per call, in milliseconds, sorted.
    latencies: Vec<f64>,
}

impl Load {
    fn throughput(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64()
    }

    /// Another turn's calls, as if they had followed this one's.
    fn add(&mut self, turn: Load) {
        self.calls += turn.calls;
        self.wall += turn.wall;
        self.latencies.extend(turn.latencies);
        self.latencies.sort_by(f64::total_cmp);
    }
}

/// Turns each transport takes per measurement, alternating with the other,
/// so that a busy spell on a shared machine falls on both rather than on one.
const TURNS: u32 = 5;

/// `clients` clients, each on its own connection, verify `proof` back to
/// back until `duration` has passed or each made `max_calls` calls.
async fn drive(
    addr: std::net::SocketAddr,
    proof: Arc<Proof>,
    transport: Transport,
    clients: usize,
    duration: Duration,
    max_calls: usize,
) -> Load {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let proof = proof.clone();
            tokio::spawn(async move {
                let mut client = Client::connect(addr, transport).await;
                let mut latencies = Vec::new();
                while Instant::now() < deadline && latencies.len() < max_calls {
                    let call = Instant::now();
                    let result = client.verify(&proof).await;
                    assert!(result.valid, "{}", result.message);
                    latencies.push(call.elapsed().as_secs_f64() * 1e3);
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client task"));
    }
    let wall = start.elapsed();
    latencies.sort_by(f64::total_cmp);
    Load {
        calls: latencies.len(),
        wall,
        latencies,
    }
}

/// 1, 2, 4, ... up to the machine's cores (1 and 2 at least), for how the
/// server scales with cores.
fn worker_counts() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    std::iter::successors(Some(1), |w| Some(w * 2))
        .take_while(|&w| w <= cores)
        .collect()
}

fn rpc() {
    const LOG_SIZE: u32 = 20;
    const CLIENTS: [usize; 4] = [1, 2, 4, 8];
    let (duration, max_calls) = if quick() {
        (Duration::from_millis(700), 100)
    } else {
        (Duration::from_secs(5), 2_000)
    };
    let raw = valid_proof(LOG_SIZE);
    let proof = Arc::new(Proof {
        log_size: LOG_SIZE,
        hex: format!("0x{}", hex::encode(&raw)),
        raw: raw.into(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let executor = Arc::new(Executor::new());
    // The executor's warm verify, the floor a call over the network is held to.
    let guest_ms = {
        let run = || {
            executor
                .verify(
                    LOG_SIZE,
                    &proof.raw,
                    DEFAULT_GAS_LIMIT,
                    Backend::preferred(),
                )
                .expect("executor")
        };
        assert!(run().is_valid());
        let mut times: Vec<f64> = (0..51)
            .map(|_| {
                let start = Instant::now();
                run();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        common::median(&times)
    };
    // The proof and the guest are ready; what follows is the server's own peak.
    let peak_reset = common::reset_peak();
    let rss_before = status_kib("VmRSS");

    println!(
        "\n### RPC: one valid 2^{LOG_SIZE} proof, `ligerito_verify` (JSON-RPC, hex) and \
         `POST /verify` (REST, raw bytes), compiler backend\n"
    );
    println!("| workers | clients | transport | calls | throughput | p50 | p99 |");
    println!("|---|---|---|---|---|---|---|");
    let mut series = Vec::new();
    // Per workers and clients: REST binary's throughput and p50 over JSON-RPC hex's,
    // and binary's own p50 and throughput.
    let mut ratios = Vec::new();
    for workers in worker_counts() {
        let mut points = Transport::ALL.map(|_| Vec::new());
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1:0");
            let addr = listener.local_addr().expect("address");
            // Every call sends the same proof: without the verdict cache,
            // so each one is a verification.
            let config = RpcConfig {
                workers,
                backend: Backend::preferred(),
                cache_entries: 0,
                ..RpcConfig::default()
            };
            let rpc = LigeritoRpc::new(executor.clone(), config).expect("config");
            rpc.prepare().await.expect("guest loads");
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let server = tokio::spawn(serve(listener, rpc, async {
                let _ = stopped.await;
            }));
            // One call each first, so that the first figures are not the
            // server's first calls.
            for transport in Transport::ALL {
                let unhurried = Duration::from_secs(60);
                drive(addr, proof.clone(), transport, 1, unhurried, 1).await;
            }
            for clients in CLIENTS {
                let mut loads: [Load; 2] = Default::default();
                let (turn, calls) = (duration / TURNS, max_calls / TURNS as usize);
                for _ in 0..TURNS {
                    for (load, transport) in loads.iter_mut().zip(Transport::ALL) {
                        load.add(drive(addr, proof.clone(), transport, clients, turn, calls).await);
                    }
                }
                for (load, transport) in loads.iter().zip(Transport::ALL) {
                    println!(
                        "| {workers} | {clients} | {} | {} | {:.1} /s | {:.1} ms | {:.1} ms |",
                        transport.name(),
                        load.calls,
                        load.throughput(),
                        percentile(&load.latencies, 50.0),
                        percentile(&load.latencies, 99.0),
                    );
                }
                let (hex, binary) = (&loads[0], &loads[1]);
                ratios.push((
                    workers,
                    clients,
                    binary.throughput() / hex.throughput(),
                    percentile(&binary.latencies, 50.0) / percentile(&hex.latencies, 50.0),
                    (percentile(&binary.latencies, 50.0), binary.throughput()),
                ));
                for (points, load) in points.iter_mut().zip(&loads) {
                    points.push((clients as f64, load.throughput()));
                }
            }
            stop.send(()).expect("server running");
            tokio::time::timeout(Duration::from_secs(30), server)
                .await
                .expect("the server stops")
                .expect("server task")
                .expect("server");
        });
        let plural = if workers == 1 { "" } else { "s" };
        for (transport, points) in Transport::ALL.into_iter().zip(points) {
            series.push(common::Series {
                name: format!("{workers} worker{plural}, {}", transport.name()),
                points,
            });
        }
    }
    println!(
        "\nREST binary against JSON-RPC hex, and against the executor's warm verify \
         ({guest_ms:.2} ms, median of 51), within this run:\n"
    );
    println!(
        "| workers | clients | throughput, binary / hex | p50 latency, binary / hex | \
         binary p50 / guest | binary throughput x guest / workers |"
    );
    println!("|---|---|---|---|---|---|");
    for (workers, clients, throughput, p50, binary) in ratios {
        println!(
            "| {workers} | {clients} | {throughput:.2} | {p50:.2} | {:.2} | {:.2} |",
            binary.0 / guest_ms,
            binary.1 * guest_ms / 1e3 / workers as f64,
        );
    }
    if let (true, Some(before), Some(peak)) = (peak_reset, rss_before, status_kib("VmHWM")) {
        println!(
            "\nProcess RSS (server and clients): {} before the load, peak {} during it.",
            mib(before),
            mib(peak)
        );
    }
    common::Chart {
        title: "one 2^20 proof over HTTP, loopback: JSON-RPC hex and REST binary",
        x_label: "concurrent clients",
        y_label: "verifications per second",
        x_ticks: CLIENTS.map(|c| (c as f64, c.to_string())).into(),
        log_y: false,
        series,
    }
    .write("rpc-throughput.svg");
}

// ---- Node ----

fn node() {
    let cases: &[(u32, usize, usize)] = if quick() {
        &[(12, 2, 4), (20, 1, 2)]
    } else {
        &[(12, 4, 16), (20, 4, 8), (20, 2, 25)]
    };
    println!("\n### Node: verify extrinsics through the node core (compiler backend)\n");
    println!("| size | blocks x extrinsics | verify threads | admit (pool) | seal per block | extrinsics/s sealing | import per block |");
    println!("|---|---|---|---|---|---|---|");
    let mut threads = vec![NonZeroUsize::MIN, Backend::preferred().parallel_runs()];
    threads.dedup();
    for &(log_size, blocks, per_block) in cases {
        for &threads in &threads {
            node_case(log_size, blocks, per_block, threads);
        }
    }
}

fn node_case(log_size: u32, blocks: usize, per_block: usize, threads: NonZeroUsize) {
    let base = std::env::temp_dir().join(format!(
        "ligerito-load-node-{}-{log_size}-{threads}",
        std::process::id()
    ));
    let config = PluginConfig {
        verify_threads: threads,
        ..PluginConfig::dev(base.clone())
    };
    let plugin = LigeritoPlugin::open(config).expect("open the chain");
    let genesis = plugin.with_chain(|chain| chain.runtime().genesis_hash());
    let signer = dev_account("bob");
    // A proof verifies once per chain, so every extrinsic needs its own.
    let extrinsics: Vec<Vec<u8>> = (0..blocks * per_block)
        .map(|i| {
            let call = Call::Verify {
                log_size,
                proof: BoundedVec::try_from(proof_with_seed(log_size, 1_000 + i as u64))
                    .expect("proof within the bound"),
            };
            UncheckedExtrinsic::sign(&signer, call, i as u64, genesis).encode()
        })
        .collect();

    let mut admit = Duration::ZERO;
    let mut seal = Duration::ZERO;
    for block in extrinsics.chunks(per_block) {
        let start = Instant::now();
        for xt in block {
            plugin.submit(xt.clone()).expect("admitted");
        }
        admit += start.elapsed();
        let start = Instant::now();
        let sealed = plugin.seal_pending().expect("sealed").expect("a block");
        seal += start.elapsed();
        assert_eq!(sealed.receipt.outcomes.len(), per_block);
        assert!(sealed.receipt.outcomes.iter().all(|o| o.result.is_ok()));
    }
    let best = plugin.with_chain(|chain| chain.best().clone());
    drop(plugin);

    let start = Instant::now();
    let store = Store::open(&base.join(ligerito_node::CHAIN_DB)).expect("store");
    let replayed = Chain::replay(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        Backend::preferred(),
        threads,
    )
    .expect("replay");
    let import = start.elapsed();
    assert_eq!(replayed.best(), &best);
    drop(replayed);
    std::fs::remove_dir_all(&base).expect("remove the chain");

    let n = (blocks * per_block) as f64;
    let per = |d: Duration, count: f64| format!("{:.2} ms", d.as_secs_f64() * 1e3 / count);
    println!(
        "| 2^{log_size} | {blocks} x {per_block} | {threads} | {} per extrinsic | {} | {:.0} | {} |",
        per(admit, n),
        per(seal, blocks as f64),
        n / seal.as_secs_f64(),
        per(import, blocks as f64),
    );
}

// ---- Memory ----

fn memory() {
    let sizes: &[u32] = if quick() {
        &[12, 20]
    } else {
        &[12, 16, 20, 22, 24]
    };
    let dir = std::env::temp_dir().join(format!("ligerito-load-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // The compiler backend's guest runs in PolkaVM's sandbox processes
    // (reparented to init), which this does not see.
    println!("\n### Peak memory of one verification (host process RSS, a fresh one each)\n");
    println!("| size | proof bytes | backend | host RSS, guest ready | peak host RSS | growth |");
    println!("|---|---|---|---|---|---|");
    for &log_size in sizes {
        let proof = valid_proof(log_size);
        let file = dir.join(format!("proof_{log_size}.bin"));
        std::fs::write(&file, &proof).expect("write the proof");
        for backend in Backend::ALL {
            let (ready, peak) = memory_in_child(log_size, backend, &file);
            println!(
                "| 2^{log_size} | {} | {backend} | {} | {} | {} |",
                proof.len(),
                mib(ready),
                mib(peak),
                mib(peak.saturating_sub(ready)),
            );
        }
    }
    std::fs::remove_dir_all(&dir).expect("remove the temp dir");
}

/// Runs this binary again as the child that verifies one proof; returns its
/// RSS with the module compiled and its peak RSS, in KiB. The compiler
/// backend runs the guest in PolkaVM's sandbox processes, which are not
/// counted here; the interpreter runs it in this process.
fn memory_in_child(log_size: u32, backend: Backend, proof: &Path) -> (u64, u64) {
    let out = Command::new(std::env::current_exe().expect("this binary"))
        .env(CHILD, format!("{log_size},{backend},{}", proof.display()))
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut numbers = stdout.split_whitespace().map(|n| n.parse().expect("KiB"));
    let ready = numbers.next().expect("ready");
    let peak = numbers.next().expect("peak");
    (ready, peak)
}

fn memory_child(job: &str) {
    let mut fields = job.splitn(3, ',');
    let log_size: u32 = fields.next().and_then(|s| s.parse().ok()).expect("size");
    let backend = match fields.next() {
        Some("interpreter") => Backend::Interpreter,
        _ => Backend::Compiler,
    };
    let proof = std::fs::read(fields.next().expect("proof file")).expect("read the proof");
    let executor = Executor::new();
    executor
        .prepare(executor.code(), backend)
        .expect("the guest loads");
    let ready = status_kib("VmRSS").expect("VmRSS in /proc/self/status");
    let outcome = executor
        .verify(log_size, &proof, DEFAULT_GAS_LIMIT, backend)
        .expect("executor");
    assert!(outcome.is_valid(), "{}", outcome.message);
    let peak = status_kib("VmHWM").expect("VmHWM in /proc/self/status");
    println!("{ready} {peak}");
}
