//! `ligerito-node serve`: the JSON-RPC verifier service.

use crate::gate::GateArgs;
use anyhow::Context;
use clap::Args;
use ligerito_executor::{Backend, Executor};
use ligerito_rpc::{CacheSecret, LigeritoRpc, MetricsServer, RpcConfig, SharedCacheConfig};
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

#[derive(Args)]
pub struct ServeArgs {
    /// Address for JSON-RPC over HTTP and WebSocket, GET /health and GET /config.
    #[arg(long, default_value = "127.0.0.1:9944")]
    rpc_addr: SocketAddr,
    /// Address for Prometheus metrics (GET /metrics).
    #[arg(long, default_value = "127.0.0.1:9615")]
    prometheus_addr: SocketAddr,
    /// Do not serve Prometheus metrics.
    #[arg(long, conflicts_with = "prometheus_addr")]
    no_prometheus: bool,
    /// PolkaVM backend; defaults to the compiler where it is supported.
    #[arg(short, long)]
    backend: Option<Backend>,
    /// Gas limit of each verification.
    #[arg(short, long, default_value_t = RpcConfig::default().gas_limit)]
    gas: u64,
    /// Verifications running at once [default: the number of cores].
    #[arg(long)]
    workers: Option<usize>,
    /// Verifications that may wait for a worker; beyond this callers get the busy error.
    #[arg(long, default_value_t = RpcConfig::default().queue)]
    queue: usize,
    /// Most proofs in one ligerito_verifyBatch (and calls in one JSON-RPC batch).
    #[arg(long, default_value_t = RpcConfig::default().max_batch)]
    max_batch: usize,
    /// Most open connections.
    #[arg(long, default_value_t = RpcConfig::default().max_connections)]
    max_connections: usize,
    #[command(flatten)]
    gate: GateArgs,
    /// Verdicts kept for repeated proofs (least recently used out first); 0 turns the cache off.
    #[arg(long, value_name = "N", default_value_t = RpcConfig::default().cache_entries)]
    cache_entries: u32,
    /// Bytes the in-process verdict cache may hold; 0 turns it off.
    #[arg(long, value_name = "BYTES", default_value_t = RpcConfig::default().cache_bytes)]
    cache_bytes: usize,
    /// A verdict cache shared by every instance: redis://[:PASSWORD@]HOST[:PORT][/DB].
    #[arg(long, value_name = "URL", requires = "cache_secret_file")]
    cache_url: Option<String>,
    /// The key that authenticates shared-cache values: a file of 32 to 4096 bytes, the same
    /// on every instance, e.g. made with `head -c 32 /dev/urandom > FILE`.
    #[arg(long, value_name = "PATH", requires = "cache_url")]
    cache_secret_file: Option<PathBuf>,
    /// Export traces (spans of each request, its queueing and its guest run) to this
    /// OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318/v1/traces.
    #[arg(long, value_name = "URL")]
    otlp_endpoint: Option<String>,
    /// Seconds a verdict lives in the shared cache.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 86_400,
        requires = "cache_url"
    )]
    cache_ttl: u64,
    /// Most milliseconds a shared-cache lookup or store may take; past it the proof is verified.
    #[arg(long, value_name = "MS", default_value_t = 50, requires = "cache_url")]
    cache_timeout_ms: u64,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let _telemetry = crate::telemetry::init(args.otlp_endpoint.as_deref())?;
    let defaults = RpcConfig::default();
    let shared_cache = match (args.cache_url, args.cache_secret_file) {
        (Some(url), Some(secret)) => Some(SharedCacheConfig {
            url,
            ttl: Duration::from_secs(args.cache_ttl),
            timeout: Duration::from_millis(args.cache_timeout_ms),
            secret: CacheSecret::read(&secret)?,
        }),
        // clap requires both or neither.
        _ => None,
    };
    let mut config = RpcConfig {
        gas_limit: args.gas,
        backend: args.backend.unwrap_or(defaults.backend),
        workers: args.workers.unwrap_or(defaults.workers),
        queue: args.queue,
        max_batch: args.max_batch,
        max_connections: args.max_connections,
        cache_entries: args.cache_entries,
        cache_bytes: args.cache_bytes,
        shared_cache,
        ..defaults
    };
    args.gate.apply(&mut config)?;
    let rpc = LigeritoRpc::new(Arc::new(Executor::new()), config)?;
    let prometheus_addr = (!args.no_prometheus).then_some(args.prometheus_addr);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(rpc, args.rpc_addr, prometheus_addr))
}

async fn serve(
    rpc: LigeritoRpc,
    rpc_addr: SocketAddr,
    prometheus_addr: Option<SocketAddr>,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(rpc_addr)
        .await
        .with_context(|| format!("binding {rpc_addr}"))?;
    let local = listener.local_addr()?;
    let metrics = match prometheus_addr {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            let mut registry = Registry::default();
            rpc.register_metrics(&mut registry);
            Some(MetricsServer::start(listener, registry)?)
        }
        None => None,
    };
    let config = rpc.config();
    if !local.ip().is_loopback() && !rpc.requires_keys() {
        tracing::warn!("serving {local} beyond loopback without API keys (--api-key, --tenants)");
    }
    tracing::info!(
        backend = %config.backend,
        workers = config.workers,
        queue = config.queue,
        max_batch = config.max_batch,
        gas_limit = config.gas_limit,
        api_keys = config.api_keys.len(),
        tenants = config.tenants_file.as_ref().map(|p| p.display().to_string()),
        rate_limit = config.rate_limit.map(|n| n.get()),
        cache_entries = config.cache_entries,
        shared_cache = config.shared_cache.is_some(),
        "JSON-RPC listening on {local} (HTTP and WebSocket)"
    );
    let served = ligerito_rpc::serve(listener, rpc, shutdown_signal()).await;
    if let Some(metrics) = metrics {
        metrics.stop().await?;
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
