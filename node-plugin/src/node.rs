//! The development node: opens the chain, seals blocks and serves the
//! node's RPC merged with the verifier's `ligerito_*` methods, and the
//! verifier's plain HTTP routes (`POST /verify`, the page...), until shutdown.

use crate::chain::{ChainError, Header};
use crate::plugin::{LigeritoPlugin, PluginConfig};
use crate::rpc::{NodeApiServer, NodeRpc};
use jsonrpsee::server::{BatchRequestConfig, RegisterMethodError, Server, ServerConfig};
use ligerito_rpc::{
    serve_metrics, ConfigError, LigeritoApiServer, LigeritoRpc, RestLayer, RpcConfig,
};
use ligerito_runtime::MAX_EXTRINSIC_LEN;
use prometheus_client::registry::Registry;
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

/// When blocks are sealed. Never empty blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sealing {
    /// As soon as an extrinsic is accepted.
    Instant,
    /// What is pending, every interval.
    Interval(Duration),
}

#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub plugin: PluginConfig,
    pub sealing: Sealing,
    /// For the merged `ligerito_*` verifier methods.
    pub rpc: RpcConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("opening the chain: {0}")]
    Chain(#[from] ChainError),
    #[error(transparent)]
    RpcConfig(#[from] ConfigError),
    #[error("registering RPC methods: {0}")]
    Methods(#[from] RegisterMethodError),
    #[error("serving RPC: {0}")]
    Io(#[from] std::io::Error),
    #[error("a node task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Where the node listens.
pub struct Listeners {
    /// JSON-RPC over HTTP and WebSocket.
    pub rpc: TcpListener,
    /// Prometheus metrics (`GET /metrics`); `None` serves none.
    pub prometheus: Option<TcpListener>,
}

/// Most subscriptions one connection may hold.
const MAX_SUBSCRIPTIONS: u32 = 16;
/// New heads kept for slow subscribers before they miss some.
const HEADS_BUFFER: usize = 64;

/// Runs the node on `listeners` until `shutdown` completes; then stops
/// accepting RPC, seals what is pending and closes the database.
pub async fn run(
    config: NodeConfig,
    listeners: Listeners,
    shutdown: impl Future<Output = ()>,
) -> Result<(), NodeError> {
    let plugin_config = config.plugin.clone();
    let plugin =
        Arc::new(tokio::task::spawn_blocking(move || LigeritoPlugin::open(plugin_config)).await??);
    let (best, opened) = plugin.with_chain(|chain| (chain.best().clone(), chain.opened()));
    tracing::info!(
        ?opened,
        "chain at block #{} ({:?}) under {}",
        best.number,
        best.hash(),
        config.plugin.base_path.display()
    );

    let (executor, backend) = (plugin.executor(), config.plugin.backend);
    tokio::task::spawn_blocking(move || crate::speed::check(&executor, backend)).await?;

    let verifier = LigeritoRpc::new(plugin.executor(), config.rpc.clone())?;
    let (stop_metrics, metrics_stopped) = tokio::sync::watch::channel(());
    let metrics = match listeners.prometheus {
        Some(listener) => {
            listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let mut registry = Registry::default();
            plugin.metrics().register(&mut registry);
            verifier.register_metrics(&mut registry);
            tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
            let mut stopped = metrics_stopped;
            Some(tokio::spawn(serve_metrics(
                listener,
                Arc::new(registry),
                async move {
                    let _ = stopped.changed().await;
                },
            )))
        }
        None => None,
    };
    let (heads, _) = broadcast::channel(HEADS_BUFFER);
    let wake = Arc::new(Notify::new());
    let on_submit = (config.sealing == Sealing::Instant).then(|| wake.clone());
    let mut methods = NodeRpc::new(&plugin, heads.clone(), on_submit).into_rpc();
    methods.merge(verifier.clone().into_rpc())?;
    crate::rpc::add_rpc_methods(&mut methods)?;
    let rest = RestLayer::new(verifier.clone());
    let prepare = tokio::spawn(async move {
        if let Err(e) = verifier.prepare().await {
            tracing::error!("the verifier guest cannot run: {e}");
        }
    });

    // An extrinsic is hex (twice its bytes) inside a small JSON envelope.
    let max_request = (MAX_EXTRINSIC_LEN * 2 + 4096) as u32;
    let server = Server::builder()
        .set_config(
            ServerConfig::builder()
                .max_request_body_size(max_request)
                .max_response_body_size(max_response(config.plugin.pool_max_bytes))
                .max_connections(config.rpc.max_connections as u32)
                .max_subscriptions_per_connection(MAX_SUBSCRIPTIONS)
                .set_batch_request_config(BatchRequestConfig::Limit(config.rpc.max_batch as u32))
                .build(),
        )
        .set_http_middleware(tower::ServiceBuilder::new().layer(rest))
        .build_from_tcp(listeners.rpc)?;
    let addr = server.local_addr()?;
    let handle = server.start(methods);
    tracing::info!(
        sealing = ?config.sealing,
        "JSON-RPC listening on {addr} (HTTP and WebSocket)"
    );

    let stop = Arc::new(Notify::new());
    let sealer = tokio::spawn(seal_loop(
        plugin.clone(),
        config.sealing,
        wake,
        stop.clone(),
        heads,
    ));

    shutdown.await;
    tracing::info!("stopping: no new RPC connections, waiting for in-flight calls");
    // Stopping twice is harmless; the handle only reports it.
    let _ = handle.stop();
    handle.stopped().await;
    prepare.abort();
    stop.notify_one();
    sealer.await?;
    // Scrapes go on while in-flight calls finish and the last block seals.
    drop(stop_metrics);
    if let Some(metrics) = metrics {
        metrics.await?;
    }
    let best = plugin.with_chain(|chain| chain.best().number);
    let dropped = plugin.pending().len();
    if dropped > 0 {
        tracing::warn!("dropping {dropped} pending extrinsics with future nonces");
    }
    match Arc::try_unwrap(plugin) {
        Ok(plugin) => drop(plugin),
        Err(_) => tracing::warn!("the chain is still in use; the database closes when it is not"),
    }
    tracing::info!("stopped at block #{best}");
    Ok(())
}

/// A block holds at most the pool's bytes, twice over in hex, plus JSON.
fn max_response(pool_max_bytes: usize) -> u32 {
    let bytes = pool_max_bytes.saturating_mul(2).saturating_add(1 << 20);
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

/// Seals on each wake-up (instant) or tick (interval) until stopped, then
/// once more so that nothing accepted is lost.
async fn seal_loop(
    plugin: Arc<LigeritoPlugin>,
    sealing: Sealing,
    wake: Arc<Notify>,
    stop: Arc<Notify>,
    heads: broadcast::Sender<Header>,
) {
    let mut ticks = match sealing {
        Sealing::Instant => None,
        Sealing::Interval(period) => {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            Some(ticks)
        }
    };
    loop {
        tokio::select! {
            () = wake.notified(), if ticks.is_none() => {}
            _ = async { ticks.as_mut().expect("interval sealing").tick().await }, if ticks.is_some() => {}
            () = stop.notified() => break,
        }
        seal(&plugin, &heads).await;
    }
    tracing::info!("sealing what is pending before stopping");
    seal(&plugin, &heads).await;
}

async fn seal(plugin: &Arc<LigeritoPlugin>, heads: &broadcast::Sender<Header>) {
    let sealing = plugin.clone();
    match tokio::task::spawn_blocking(move || sealing.seal_pending()).await {
        Ok(Ok(Some(sealed))) => {
            let header = &sealed.block.header;
            for (xt, reason) in &sealed.refused {
                tracing::info!(
                    "left out extrinsic {:?}: {reason}",
                    sp_core::H256(sp_crypto_hashing::blake2_256(xt))
                );
            }
            tracing::info!(
                "sealed block #{} ({:?}) with {} extrinsics",
                header.number,
                header.hash(),
                sealed.block.extrinsics.len()
            );
            // No subscriber is not an error.
            let _ = heads.send(header.clone());
        }
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::error!("sealing failed: {e}"),
        Err(e) => tracing::error!("sealing panicked: {e}"),
    }
}
