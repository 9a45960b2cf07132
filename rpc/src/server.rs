//! The one way a port is served, by `serve` and by a node: the gate (API
//! keys, tenants, the client's IP for rate limits), the REST routes, the
//! JSON-RPC methods; accepts connections until shutdown, then lets every
//! in-flight call finish.

use crate::api::{Health, SystemApiServer};
use crate::http::{ConnectionSlot, Gate};
use crate::methods::ClientIp;
use crate::rest::RestLayer;
use crate::{LigeritoApiServer, LigeritoRpc};
use jsonrpsee::core::RpcResult;
use jsonrpsee::server::{
    serve_with_graceful_shutdown, stop_channel, BatchRequestConfig, Methods, RegisterMethodError,
    Server, ServerConfig,
};
use jsonrpsee::RpcModule;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Layer;

/// `system_health` for the standalone server.
pub struct SystemRpc(pub LigeritoRpc);

impl SystemApiServer for SystemRpc {
    fn health(&self) -> RpcResult<Health> {
        Ok(self.0.health())
    }
}

/// What a port serves beside the verifier's `ligerito_*` methods and REST
/// routes, and the sizes it accepts.
pub struct Port {
    /// The other methods: a node's chain methods, or the standalone
    /// server's `system_health` ([`Port::standalone`]).
    pub methods: Methods,
    /// The largest request body, in bytes; at least what the verifier's
    /// methods need ([`crate::RpcConfig::max_request_body`]).
    pub max_request_body: u32,
    /// The largest response body, in bytes.
    pub max_response_body: u32,
    /// Most subscriptions one connection may hold.
    pub max_subscriptions: u32,
}

/// jsonrpsee's defaults, for a port that sets no other.
const MAX_RESPONSE_BODY: u32 = 10 * 1024 * 1024;
const MAX_SUBSCRIPTIONS: u32 = 1024;

impl Port {
    /// The standalone verifier service's port: `system_health` beside the
    /// verifier's methods.
    pub fn standalone(rpc: &LigeritoRpc) -> Self {
        let methods: RpcModule<SystemRpc> = SystemRpc(rpc.clone()).into_rpc();
        Self {
            methods: methods.into(),
            max_request_body: rpc.config().max_request_body(),
            max_response_body: MAX_RESPONSE_BODY,
            max_subscriptions: MAX_SUBSCRIPTIONS,
        }
    }
}

/// Serves the standalone verifier service on `listener` until `shutdown`
/// completes (see [`serve_port`]).
pub async fn serve(
    listener: TcpListener,
    rpc: LigeritoRpc,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let port = Port::standalone(&rpc);
    serve_port(listener, rpc, port, shutdown).await
}

/// Serves `rpc`'s methods and `port`'s on `listener` until `shutdown`
/// completes, then stops accepting and returns once every connection has
/// finished its calls. The method names must not overlap.
///
/// The guest is compiled first (in the background: `GET /health` answers
/// 503 until then); if it cannot be, the server stops and returns the error.
pub async fn serve_port(
    listener: TcpListener,
    rpc: LigeritoRpc,
    port: Port,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let config = rpc.config().clone();
    let mut methods: Methods = rpc.clone().into_rpc().into();
    methods.merge(port.methods)?;
    let methods = with_rpc_methods(methods)?;
    let builder = Server::builder()
        .set_config(
            ServerConfig::builder()
                .max_request_body_size(port.max_request_body.max(config.max_request_body()))
                .max_response_body_size(port.max_response_body)
                .max_connections(config.max_connections as u32)
                .max_subscriptions_per_connection(port.max_subscriptions)
                .set_batch_request_config(BatchRequestConfig::Limit(config.max_batch as u32))
                .build(),
        )
        .to_service_builder();
    let rest = RestLayer::new(rpc.clone());
    let (stop, server_handle) = stop_channel();
    let connections = Arc::new(Semaphore::new(config.max_connections));
    let prepare = rpc.prepare();
    let watching = tokio::spawn(rpc.clone().watch_tenants());
    tokio::pin!(shutdown, prepare);
    let mut preparing = true;
    let result = loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("never closed"),
            () = &mut shutdown => break Ok(()),
            prepared = &mut prepare, if preparing => match prepared {
                Ok(()) => { preparing = false; continue }
                Err(e) => break Err(ServeError::Guest(e)),
            },
        };
        let (socket, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Usually out of file descriptors: wait rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break Ok(()),
            prepared = &mut prepare, if preparing => match prepared {
                Ok(()) => { preparing = false; continue }
                Err(e) => break Err(ServeError::Guest(e)),
            },
        };
        let service = Gate {
            inner: rest.layer(builder.clone().build(methods.clone(), stop.clone())),
            rpc: rpc.clone(),
            client: ClientIp(remote.ip()),
            slot: ConnectionSlot {
                _permit: Arc::new(permit),
            },
        };
        let stopped = stop.clone().shutdown();
        tokio::spawn(async move {
            if let Err(e) = serve_with_graceful_shutdown(socket, service, stopped).await {
                tracing::debug!(%remote, "connection ended: {e}");
            }
        });
    };
    watching.abort();
    tracing::info!("shutting down: waiting for in-flight calls");
    // Stopping twice is harmless; the handle only reports it.
    let _ = server_handle.stop();
    let _all_closed = connections
        .acquire_many(config.max_connections as u32)
        .await
        .expect("never closed");
    result
}

/// Adds Substrate's `rpc_methods`: `{"methods": [...]}`, every method,
/// subscription and unsubscription name the port serves, this one included,
/// sorted.
fn with_rpc_methods(mut methods: Methods) -> Result<Methods, RegisterMethodError> {
    let mut names: Vec<&str> = methods.method_names().chain(["rpc_methods"]).collect();
    names.sort_unstable();
    let list = serde_json::json!({ "methods": names });
    let mut module = RpcModule::new(());
    module.register_method("rpc_methods", move |_, _, _| list.clone())?;
    methods.merge(module)?;
    Ok(methods)
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the guest cannot run: {0}")]
    Guest(#[from] ligerito_executor::ExecutorError),
    #[error("registering methods: {0}")]
    Methods(#[from] RegisterMethodError),
}
