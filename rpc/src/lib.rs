//! JSON-RPC server for verifying Ligerito proofs in PolkaVM.
//!
//! [`LigeritoRpc`] holds the shared state (executor, bounded worker pool,
//! rate limiter, metrics); `LigeritoApiServer::into_rpc` turns it into an
//! `RpcModule` with the `ligerito_*` methods that a node can merge into its
//! own. [`serve`] runs the standalone verifier service on a listener until
//! a shutdown signal: JSON-RPC over HTTP and WebSocket, `system_health`,
//! and the plain HTTP routes ([`RestLayer`]): `POST /verify` (hex in JSON
//! or the raw proof), `GET /health`, `GET /config`, `GET /openapi.json` and
//! the web page at `/`. A node serves its own methods on the same kind of
//! port with [`serve_port`], and its metrics with [`MetricsServer`].
//! docs/RPC.md documents the interface.

mod api;
mod body;
mod cache;
mod config;
mod digits;
pub mod error;
mod hangup;
mod http;
mod methods;
mod metrics;
mod rate;
mod rest;
mod server;
mod shared;
mod tenants;
mod workers;

pub use api::{
    BatchItem, Health, LigeritoApiClient, LigeritoApiServer, ServerInfo, SizeInfo, SystemApiClient,
    SystemApiServer, VerifyRequest, VerifyResult,
};
pub use config::{ConfigError, RpcConfig};
pub use digits::decode_hex;
pub use metrics::MetricsServer;
pub use rest::{Rest, RestLayer, OPENAPI};
pub use server::{serve, serve_port, Port, ServeError, SystemRpc};
pub use shared::{CacheSecret, SharedCacheConfig, SharedCacheError, MAX_SECRET, MIN_SECRET};
pub use tenants::{TenantsError, MAX_FILE as MAX_TENANTS_FILE, MAX_KEY, MAX_TENANTS};

use cache::VerdictCache;
use ligerito_executor::{Executor, ExecutorError};
use metrics::Metrics;
use prometheus_client::registry::Registry;
use rate::ClientLimiter;
use shared::SharedCache;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tenants::Tenants;
use workers::Workers;

/// The verifier service's state; cheap to clone.
#[derive(Clone)]
pub struct LigeritoRpc {
    shared: Arc<Shared>,
}

struct Shared {
    executor: Arc<Executor>,
    config: RpcConfig,
    workers: Workers,
    rate: Option<ClientLimiter>,
    cache: Option<VerdictCache>,
    tenants: Tenants,
    metrics: Metrics,
    ready: AtomicBool,
    code_hash: String,
}

impl LigeritoRpc {
    pub fn new(executor: Arc<Executor>, config: RpcConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let metrics = Metrics::default();
        let workers = Workers::new(
            executor.clone(),
            config.backend,
            config.gas_limit,
            config.workers,
            config.queue,
            metrics.clone(),
        );
        let rate = config
            .rate_limit
            .map(|n| ClientLimiter::new(n, config.max_batch as u32));
        let shared = config
            .shared_cache
            .as_ref()
            .map(|c| SharedCache::new(c, metrics.clone()))
            .transpose()?;
        let cache = VerdictCache::new(
            config.cache_entries,
            config.cache_bytes,
            shared,
            executor.code().hash(),
            config.gas_limit,
            metrics.clone(),
        );
        let tenants = Tenants::new(
            &config.api_keys,
            config.tenants_file.as_deref(),
            config.max_batch as u32,
        )?;
        metrics.tenants.set(tenants.count() as i64);
        let code_hash = executor.code().hash().to_string();
        Ok(Self {
            shared: Arc::new(Shared {
                executor,
                config,
                workers,
                rate,
                cache,
                tenants,
                metrics,
                ready: AtomicBool::new(false),
                code_hash,
            }),
        })
    }

    pub fn config(&self) -> &RpcConfig {
        &self.shared.config
    }

    /// Adds this service's metrics to `registry` (call once per registry).
    pub fn register_metrics(&self, registry: &mut Registry) {
        self.shared.metrics.register(registry);
    }

    /// Compiles the guest for the configured backend, off the async
    /// runtime; the service reports ready once this has succeeded.
    pub async fn prepare(&self) -> Result<(), ExecutorError> {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || {
            shared
                .executor
                .prepare(shared.executor.code(), shared.config.backend)
        })
        .await
        .map_err(|e| ExecutorError::Vm(format!("preparing the guest failed: {e}")))??;
        self.shared.ready.store(true, Ordering::Release);
        Ok(())
    }

    /// Reads the tenants file again; on an error the tenants stay as they
    /// were. Returns how many tenants it names.
    pub fn reload_tenants(&self) -> Result<usize, TenantsError> {
        self.record_reload(self.shared.tenants.reload())
    }

    fn record_reload(&self, reloaded: Result<usize, TenantsError>) -> Result<usize, TenantsError> {
        let shared = &self.shared;
        let result = match &reloaded {
            Ok(n) => {
                shared.metrics.tenants.set(*n as i64);
                tracing::info!("tenants reloaded: {n} tenants");
                "ok"
            }
            Err(e) => {
                tracing::warn!("tenants not reloaded, keeping the previous ones: {e}");
                "error"
            }
        };
        shared
            .metrics
            .tenant_reloads
            .get_or_create(&metrics::ReloadLabels { result })
            .inc();
        reloaded
    }

    /// Whether calls need an API key.
    pub fn requires_keys(&self) -> bool {
        self.shared.tenants.required()
    }

    /// Reloads the tenants file when it changes (looked at every
    /// `tenants_poll`; zero: never) and, on Unix, at once on each SIGHUP.
    /// A serving port runs it while it serves.
    pub(crate) async fn watch_tenants(self) {
        if self.shared.tenants.file().is_none() {
            return std::future::pending().await;
        }
        let period = self.shared.config.tenants_poll;
        let mut hangups = hangup::Hangups::listen();
        loop {
            let forced = tokio::select! {
                () = hangup::every(period) => false,
                () = hangups.next() => true,
            };
            if forced {
                tracing::info!("SIGHUP received: reloading the tenants");
            }
            // Reading the file blocks; keep it off the runtime's workers.
            let tenants = self.clone();
            let reloaded = tokio::task::spawn_blocking(move || {
                let file = &tenants.shared.tenants;
                if forced {
                    Some(file.reload())
                } else {
                    file.reload_if_changed()
                }
            })
            .await;
            if let Ok(Some(reloaded)) = reloaded {
                let _ = self.record_reload(reloaded);
            }
        }
    }

    pub fn is_ready(&self) -> bool {
        self.shared.ready.load(Ordering::Acquire)
    }

    pub fn health(&self) -> Health {
        let workers = &self.shared.workers;
        Health {
            ready: self.is_ready(),
            workers: self.shared.config.workers,
            in_flight: workers.in_flight(),
            queued: workers.queued(),
        }
    }

    pub fn server_info(&self) -> ServerInfo {
        let config = &self.shared.config;
        ServerInfo {
            sizes: ligerito_executor::sizes::SIZES
                .iter()
                .map(|s| SizeInfo {
                    log_size: s.log_size,
                    max_proof_len: s.max_proof_len(),
                    gas_limit: config.gas_limit,
                })
                .collect(),
            code_hash: self.shared.code_hash.clone(),
            backend: config.backend,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            max_batch: config.max_batch,
            max_request_body: config.max_request_body(),
            workers: config.workers,
            queue: config.queue,
        }
    }
}
