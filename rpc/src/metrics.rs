//! Prometheus metrics, and the endpoint that serves them on their own port.

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    /// A verdict (`valid`, `invalid`, `error`, `out_of_gas`) per proof, or
    /// why the call was refused (`invalid_params`, `busy`, `rate_limited`,
    /// `internal`), or `ok` for the other methods.
    pub verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SharedErrorLabels {
    /// `get` or `set`.
    pub op: &'static str,
    /// `unavailable` (no connection), `timeout` or `redis` (an error reply).
    pub error: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TenantLabels {
    pub tenant: String,
    /// As in [`RequestLabels`], plus `quota`.
    pub verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadLabels {
    /// `ok` or `error` (the previous tenants stay).
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    pub method: &'static str,
}

/// Cheap to clone: every clone updates the same series.
#[derive(Clone)]
pub struct Metrics {
    pub requests: Family<RequestLabels, Counter>,
    pub request_duration: Family<MethodLabels, Histogram>,
    pub verify_duration: Histogram,
    pub gas_used: Histogram,
    pub queued: Gauge,
    pub in_flight: Gauge,
    pub busy: Counter,
    pub unauthorized: Counter,
    pub cache_hits: Counter,
    pub cache_misses: Counter,
    pub shared_cache_hits: Counter,
    pub shared_cache_rejected: Counter,
    pub shared_cache_errors: Family<SharedErrorLabels, Counter>,
    pub tenant_requests: Family<TenantLabels, Counter>,
    pub tenant_reloads: Family<ReloadLabels, Counter>,
    pub tenants: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            request_duration: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.001, 2.0, 16))
            }),
            verify_duration: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
            gas_used: Histogram::new(exponential_buckets(1e6, 4.0, 12)),
            queued: Gauge::default(),
            in_flight: Gauge::default(),
            busy: Counter::default(),
            unauthorized: Counter::default(),
            cache_hits: Counter::default(),
            cache_misses: Counter::default(),
            shared_cache_hits: Counter::default(),
            shared_cache_rejected: Counter::default(),
            shared_cache_errors: Family::default(),
            tenant_requests: Family::default(),
            tenant_reloads: Family::default(),
            tenants: Gauge::default(),
        }
    }
}

impl Metrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "ligerito_rpc_requests",
            "Calls by method, and proofs by verdict or refusal",
            self.requests.clone(),
        );
        registry.register_with_unit(
            "ligerito_rpc_request_duration",
            "Call latency by method, queueing included",
            Unit::Seconds,
            self.request_duration.clone(),
        );
        registry.register_with_unit(
            "ligerito_rpc_verify_duration",
            "Time one proof spent in the verifier",
            Unit::Seconds,
            self.verify_duration.clone(),
        );
        registry.register(
            "ligerito_rpc_gas_used",
            "Gas one verification used",
            self.gas_used.clone(),
        );
        registry.register(
            "ligerito_rpc_queue_depth",
            "Admitted verifications waiting for a worker",
            self.queued.clone(),
        );
        registry.register(
            "ligerito_rpc_in_flight",
            "Verifications running",
            self.in_flight.clone(),
        );
        registry.register(
            "ligerito_rpc_cache_hits",
            "Proofs answered from the verdict cache",
            self.cache_hits.clone(),
        );
        registry.register(
            "ligerito_rpc_cache_misses",
            "Proofs looked up in the verdict cache and verified",
            self.cache_misses.clone(),
        );
        registry.register(
            "ligerito_rpc_shared_cache_hits",
            "Proofs answered from the shared (Redis) verdict cache",
            self.shared_cache_hits.clone(),
        );
        registry.register(
            "ligerito_rpc_shared_cache_rejected",
            "Values read from the shared verdict cache with a wrong tag or content (forged, \
             moved, another secret's, malformed); each proof was verified",
            self.shared_cache_rejected.clone(),
        );
        registry.register(
            "ligerito_rpc_shared_cache_errors",
            "Shared verdict cache operations that failed and fell back to verifying",
            self.shared_cache_errors.clone(),
        );
        registry.register(
            "ligerito_rpc_tenant_requests",
            "Proofs by tenant and verdict or refusal",
            self.tenant_requests.clone(),
        );
        registry.register(
            "ligerito_rpc_tenant_reloads",
            "Reloads of the tenants file by result",
            self.tenant_reloads.clone(),
        );
        registry.register(
            "ligerito_rpc_tenants",
            "Tenants named by the tenants file",
            self.tenants.clone(),
        );
        registry.register(
            "ligerito_rpc_busy_rejections",
            "Calls refused because every worker and queue slot was taken",
            self.busy.clone(),
        );
        registry.register(
            "ligerito_rpc_unauthorized",
            "Requests refused for a missing or unknown API key",
            self.unauthorized.clone(),
        );
    }
}

/// Scrapes are tiny and rare; this bounds what a misbehaving scraper can hold.
const MAX_METRICS_CONNECTIONS: usize = 8;

/// A running Prometheus endpoint: how the verifier service and a node
/// serve their metrics.
pub struct MetricsServer {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl MetricsServer {
    /// Serves `registry` at `GET /metrics` on `listener` (and logs where)
    /// until [`MetricsServer::stop`].
    pub fn start(listener: TcpListener, registry: Registry) -> std::io::Result<Self> {
        tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve_metrics(listener, Arc::new(registry), async {
            let _ = stopped.await;
        }));
        Ok(Self { stop, task })
    }

    /// Stops accepting scrapes and waits for the endpoint to end.
    pub async fn stop(self) -> Result<(), tokio::task::JoinError> {
        // The endpoint may have ended already: nothing to tell it.
        let _ = self.stop.send(());
        self.task.await
    }
}

/// Serves `GET /metrics` in the OpenMetrics text format until `shutdown`.
async fn serve_metrics(
    listener: TcpListener,
    registry: Arc<Registry>,
    shutdown: impl Future<Output = ()>,
) {
    let limit = Arc::new(Semaphore::new(MAX_METRICS_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = limit.clone().acquire_owned() => permit.expect("never closed"),
            () = &mut shutdown => return,
        };
        let socket = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => socket,
                Err(e) => {
                    tracing::warn!("metrics: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let registry = registry.clone();
                async move { Ok::<_, std::convert::Infallible>(respond(&request, &registry)) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service);
            if let Err(e) =
                tokio::time::timeout(std::time::Duration::from_secs(30), connection).await
            {
                tracing::debug!("metrics: connection closed: {e}");
            }
            drop(permit);
        });
    }
}

fn respond(request: &Request<Incoming>, registry: &Registry) -> Response<Full<Bytes>> {
    if request.method() != Method::GET || request.uri().path() != "/metrics" {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::from_static(b"only GET /metrics\n")))
            .expect("static response");
    }
    let mut body = String::new();
    match prometheus_client::encoding::text::encode(&mut body, registry) {
        Ok(()) => Response::builder()
            .header(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )
            .body(Full::new(Bytes::from(body)))
            .expect("static headers"),
        Err(e) => Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Full::new(Bytes::from(format!(
                "encoding metrics failed: {e}\n"
            ))))
            .expect("static response"),
    }
}
