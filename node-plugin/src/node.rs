//! The development node: opens the chain, seals blocks and serves the
//! node's RPC on the verifier service's kind of port (`ligerito_rpc::serve_port`:
//! the same API keys, tenants and rate limits, the `ligerito_*` methods and
//! the plain HTTP routes beside the node's), until shutdown.

use crate::block::Header;
use crate::chain::ChainError;
use crate::plugin::{LigeritoPlugin, PluginConfig};
use crate::rpc::{NodeApiServer, NodeRpc};
use ligerito_rpc::{
    serve_port, ConfigError, LigeritoRpc, MetricsServer, Port, RpcConfig, ServeError,
};
use ligerito_runtime::{InvalidTransaction, MAX_EXTRINSIC_LEN};
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
    /// The port's gate (API keys, tenants, rate limits) and the merged
    /// `ligerito_*` verifier methods.
    pub rpc: RpcConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("opening the chain: {0}")]
    Chain(#[from] ChainError),
    #[error(transparent)]
    RpcConfig(#[from] ConfigError),
    #[error("serving RPC: {0}")]
    Serve(#[from] ServeError),
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
        verify_threads = config.plugin.verify_threads.get(),
        "chain at block #{} ({:?}) under {}",
        best.number,
        best.hash(),
        config.plugin.base_path.display()
    );

    let (executor, backend) = (plugin.executor(), config.plugin.backend);
    tokio::task::spawn_blocking(move || crate::speed::check(&executor, backend)).await?;

    let verifier = LigeritoRpc::new(plugin.executor(), config.rpc.clone())?;
    let metrics = match listeners.prometheus {
        Some(listener) => {
            let mut registry = Registry::default();
            plugin.metrics().register(&mut registry);
            verifier.register_metrics(&mut registry);
            Some(MetricsServer::start(tokio_listener(listener)?, registry)?)
        }
        None => None,
    };
    let (heads, _) = broadcast::channel(HEADS_BUFFER);
    let wake = Arc::new(Notify::new());
    let on_submit = (config.sealing == Sealing::Instant).then(|| wake.clone());
    let port = Port {
        methods: NodeRpc::new(&plugin, heads.clone(), on_submit)
            .into_rpc()
            .into(),
        // An extrinsic is hex (twice its bytes) inside a small JSON envelope.
        max_request_body: (MAX_EXTRINSIC_LEN * 2 + 4096) as u32,
        max_response_body: max_response(config.plugin.pool_max_bytes),
        max_subscriptions: MAX_SUBSCRIPTIONS,
    };
    let listener = tokio_listener(listeners.rpc)?;
    tracing::info!(
        sealing = ?config.sealing,
        "JSON-RPC listening on {} (HTTP and WebSocket)",
        listener.local_addr()?
    );
    let (stop_serving, serving_stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(serve_port(listener, verifier, port, async {
        let _ = serving_stopped.await;
    }));

    let stop = Arc::new(Notify::new());
    let sealer = tokio::spawn(seal_loop(
        plugin.clone(),
        config.sealing,
        wake,
        stop.clone(),
        heads,
    ));

    // The server stops by itself only when the guest cannot run.
    tokio::pin!(serving);
    let served = tokio::select! {
        () = shutdown => {
            tracing::info!("stopping: no new RPC connections, waiting for in-flight calls");
            let _ = stop_serving.send(());
            serving.await?
        }
        served = &mut serving => served?,
    };
    stop.notify_one();
    sealer.await?;
    // Scrapes go on while in-flight calls finish and the last block seals.
    if let Some(metrics) = metrics {
        metrics.stop().await?;
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
    Ok(served?)
}

fn tokio_listener(listener: TcpListener) -> std::io::Result<tokio::net::TcpListener> {
    listener.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(listener)
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
        // A full block left extrinsics for the next: sealed at once on
        // instant sealing, at the next tick on interval sealing.
        if seal(&plugin, &heads).await && ticks.is_none() {
            wake.notify_one();
        }
    }
    tracing::info!("sealing what is pending before stopping");
    while seal(&plugin, &heads).await {}
}

/// Seals what is ready; whether the block was full and left some for the next.
async fn seal(plugin: &Arc<LigeritoPlugin>, heads: &broadcast::Sender<Header>) -> bool {
    let sealing = plugin.clone();
    match tokio::task::spawn_blocking(move || sealing.seal_pending()).await {
        Ok(Ok(Some(sealed))) => {
            let header = &sealed.block.header;
            let mut full = 0;
            for (xt, reason) in &sealed.refused {
                if *reason == InvalidTransaction::ExhaustsResources {
                    full += 1;
                    continue;
                }
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
            if full > 0 {
                tracing::info!("{full} extrinsics did not fit in block #{}", header.number);
            }
            // No subscriber is not an error.
            let _ = heads.send(header.clone());
            full > 0 && !sealed.block.extrinsics.is_empty()
        }
        Ok(Ok(None)) => false,
        Ok(Err(e)) => {
            tracing::error!("sealing failed: {e}");
            false
        }
        Err(e) => {
            tracing::error!("sealing panicked: {e}");
            false
        }
    }
}
