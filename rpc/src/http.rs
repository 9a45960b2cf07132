//! What happens to each HTTP request before the REST routes and jsonrpsee
//! see it: the API key is checked (except on the public routes), and the
//! client's address and connection slot ride along in the extensions.

use crate::methods::{Caller, ClientIp};
use crate::rest::{self, Responding};
use crate::{error, LigeritoRpc};
use hyper::{Request, StatusCode};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::HttpResponse;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::OwnedSemaphorePermit;
use tower::Service;

/// Held by a connection and by everything serving it (including a
/// WebSocket session, which outlives the HTTP connection that upgraded).
#[derive(Clone)]
pub struct ConnectionSlot {
    pub _permit: Arc<OwnedSemaphorePermit>,
}

#[derive(Clone)]
pub struct Gate<S> {
    pub inner: S,
    pub rpc: LigeritoRpc,
    pub client: ClientIp,
    pub slot: ConnectionSlot,
}

impl<S, B> Service<Request<B>> for Gate<S>
where
    S: Service<Request<B>, Response = HttpResponse, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Responding;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let key = if rest::is_public(&request) {
            None
        } else {
            match self.rpc.shared.tenants.authenticate(request.headers()) {
                Ok(key) => key,
                Err(()) => return self.unauthorized(&request),
            }
        };
        let extensions = request.extensions_mut();
        extensions.insert(self.client);
        extensions.insert(self.slot.clone());
        if let Some(key) = key {
            extensions.insert(Caller(key));
        }
        Box::pin(self.inner.call(request))
    }
}

impl<S> Gate<S> {
    /// 401 before the body is read: a refused caller costs no verification.
    fn unauthorized<B>(&self, request: &Request<B>) -> Responding {
        self.rpc.shared.metrics.unauthorized.inc();
        let refusal = error::unauthorized();
        if rest::is_verify(request) {
            return rest::ready(rest::error_response(&refusal));
        }
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "error": refusal,
            "id": null,
        });
        rest::ready(rest::json(StatusCode::UNAUTHORIZED, &body))
    }
}
