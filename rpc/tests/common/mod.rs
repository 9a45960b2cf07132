//! A server on 127.0.0.1:0 driven by a test, clients for it, and proofs.

#![allow(dead_code)] // each test binary uses its own part of this module

use jsonrpsee::core::ClientError;
use jsonrpsee::http_client::{HeaderMap, HttpClient, HttpClientBuilder};
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use ligerito_executor::{Backend, Code, Executor};
use ligerito_rpc::{error, serve, LigeritoRpc, RpcConfig, ServeError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// One executor per test binary, so the guest is compiled once.
pub fn executor() -> Arc<Executor> {
    static EXECUTOR: OnceLock<Arc<Executor>> = OnceLock::new();
    EXECUTOR.get_or_init(|| Arc::new(Executor::new())).clone()
}

/// The default configuration on the fastest backend here.
pub fn config() -> RpcConfig {
    RpcConfig {
        backend: Backend::preferred(),
        ..RpcConfig::default()
    }
}

/// Upstream's verifier (the reference blob), for servers whose calls must
/// overlap and queue: 83 M gas for a 2^12 proof, about 150 ms on the
/// interpreter here, where our verifier takes 6 ms and a test's second
/// call could find the first one finished.
fn slow_executor() -> Arc<Executor> {
    static EXECUTOR: OnceLock<Arc<Executor>> = OnceLock::new();
    EXECUTOR
        .get_or_init(|| Arc::new(Executor::with_code(Code::reference())))
        .clone()
}

/// Waits for `condition`, failing the test rather than hanging.
pub async fn wait_for(what: &str, condition: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

pub fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn valid(log_size: u32) -> String {
    hex(&ligerito_tests::valid_proof(log_size))
}

/// A proof that decodes but does not verify (verdict `invalid`).
pub fn invalid() -> String {
    hex(&ligerito_tests::tampered(12, |p| {
        ligerito_tests::flip(&mut p.initial_ligero_proof.opened_rows[5][1])
    }))
}

/// A proof cut short (verdict `error`).
pub fn truncated() -> String {
    let proof = ligerito_tests::valid_proof(12);
    hex(&proof[..proof.len() / 2])
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub rpc: LigeritoRpc,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), ServeError>>,
}

impl TestServer {
    /// Starts serving and returns once the guest is ready.
    pub async fn start(config: RpcConfig) -> Self {
        Self::start_on(executor(), config).await
    }

    /// Starts a server whose verifications take long enough to overlap and
    /// queue: upstream's verifier on the interpreter, no verdict cache.
    pub async fn start_slow(config: RpcConfig) -> Self {
        let config = RpcConfig {
            backend: Backend::Interpreter,
            cache_entries: 0,
            ..config
        };
        Self::start_on(slow_executor(), config).await
    }

    async fn start_on(executor: Arc<Executor>, config: RpcConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let rpc = LigeritoRpc::new(executor, config).unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, rpc.clone(), async {
            let _ = stopped.await;
        }));
        wait_for("the guest to load", || {
            assert!(!task.is_finished(), "the server stopped while starting");
            rpc.is_ready()
        })
        .await;
        Self {
            addr,
            rpc,
            stop: Some(stop),
            task,
        }
    }

    pub fn http(&self) -> HttpClient {
        self.http_with(HeaderMap::new())
    }

    pub fn http_with(&self, headers: HeaderMap) -> HttpClient {
        HttpClientBuilder::default()
            .set_headers(headers)
            .build(format!("http://{}", self.addr))
            .unwrap()
    }

    pub async fn ws(&self) -> WsClient {
        self.ws_with(HeaderMap::new()).await.unwrap()
    }

    pub async fn ws_with(&self, headers: HeaderMap) -> Result<WsClient, ClientError> {
        WsClientBuilder::default()
            .set_headers(headers)
            .build(format!("ws://{}", self.addr))
            .await
    }

    /// Signals shutdown and waits for the server to finish.
    pub async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

/// The JSON-RPC error code of a failed call.
pub fn code(error: ClientError) -> (i32, String) {
    match error {
        ClientError::Call(e) => (e.code(), e.message().to_owned()),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

/// A raw HTTP/1.1 exchange, for what a JSON-RPC client never sends.
pub async fn raw_http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let (status, _, body) = exchange(addr, method, path, headers, body).await;
    (status, body)
}

/// An HTTP/1.1 exchange: the status, the response's header lines and its body.
pub async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    // The server may answer (e.g. 413) and close before reading it all.
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_owned(), body.to_owned())
}

/// The value of the header `name` in an exchange's header lines.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A JSON-RPC request sent as raw JSON over HTTP; returns status and JSON.
/// Asserts that of `answers` to `POST /verify` of a valid proof (status,
/// header lines, JSON) each is the verdict or busy (503, `Retry-After: 1`),
/// and that there is at least one of each: more callers than the pool holds.
pub fn some_valid_some_busy(answers: Vec<(u16, String, serde_json::Value)>) {
    let (mut verified, mut busy) = (0, 0);
    for (status, head, json) in answers {
        match status {
            200 => {
                assert_eq!(json["valid"], true, "{json}");
                verified += 1;
            }
            503 => {
                assert_eq!(json["error"]["code"], error::BUSY, "{json}");
                assert_eq!(header(&head, "retry-after"), Some("1"));
                busy += 1;
            }
            other => panic!("status {other}: {json}"),
        }
    }
    assert!(
        verified >= 1 && busy >= 1,
        "{verified} verified, {busy} busy"
    );
}

pub async fn post(addr: SocketAddr, body: &str) -> (u16, serde_json::Value) {
    let (status, body) = raw_http(
        addr,
        "POST",
        "/",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await;
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    (status, json)
}

/// The service's metrics in the OpenMetrics text format.
pub fn metrics_text(rpc: &LigeritoRpc) -> String {
    let mut registry = prometheus_client::registry::Registry::default();
    rpc.register_metrics(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    text
}

/// The value of the sample `series` (name and labels, as printed), 0 if absent.
pub fn metric(rpc: &LigeritoRpc, series: &str) -> u64 {
    metrics_text(rpc)
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

/// A tenants file in the temporary directory, removed when dropped.
pub struct TenantsFile(pub PathBuf);

impl TenantsFile {
    pub fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "ligerito-tenants-{}-{name}.toml",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        Self(path)
    }

    pub fn write(&self, text: &str) {
        // Whole or not at all, as an editor or a Kubernetes volume does.
        let next = self.0.with_extension("next");
        std::fs::write(&next, text).unwrap();
        std::fs::rename(&next, &self.0).unwrap();
    }
}

impl Drop for TenantsFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
