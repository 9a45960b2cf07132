//! `ligerito-node serve`: the JSON-RPC verifier service.

use crate::cli::ServeArgs;
use anyhow::Context;
use ligerito_executor::{Backend, Executor};
use ligerito_rpc::{CacheSecret, LigeritoRpc, MetricsServer, RpcConfig, SharedCacheConfig};
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Serves verification until SIGINT or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let _telemetry = crate::telemetry::init(args.otlp_endpoint.as_deref())?;
    let defaults = RpcConfig::for_backend(args.backend.unwrap_or_else(Backend::preferred));
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
    let served = ligerito_rpc::serve(listener, rpc, crate::signals::shutdown_signal()).await;
    if let Some(metrics) = metrics {
        metrics.stop().await?;
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}
