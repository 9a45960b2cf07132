//! The standalone server: accepts connections until shutdown, then lets
//! every in-flight call finish.

use crate::api::{Health, SystemApiServer};
use crate::http::{ConnectionSlot, Gate};
use crate::methods::ClientIp;
use crate::rest::RestLayer;
use crate::{LigeritoApiServer, LigeritoRpc};
use jsonrpsee::core::RpcResult;
use jsonrpsee::server::{
    serve_with_graceful_shutdown, stop_channel, BatchRequestConfig, Methods, Server, ServerConfig,
};
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

/// Serves `rpc` on `listener` until `shutdown` completes, then stops
/// accepting and returns once every connection has finished its calls.
///
/// The guest is compiled first (in the background: `GET /health` answers
/// 503 until then); if it cannot be, the server stops and returns the error.
pub async fn serve(
    listener: TcpListener,
    rpc: LigeritoRpc,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let config = rpc.config().clone();
    let mut methods: Methods = rpc.clone().into_rpc().into();
    methods.merge(SystemRpc(rpc.clone()).into_rpc())?;
    let builder = Server::builder()
        .set_config(
            ServerConfig::builder()
                .max_request_body_size(config.max_request_body())
                .max_connections(config.max_connections as u32)
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

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the guest cannot run: {0}")]
    Guest(#[from] ligerito_executor::ExecutorError),
    #[error("registering methods: {0}")]
    Methods(#[from] jsonrpsee::server::RegisterMethodError),
}
