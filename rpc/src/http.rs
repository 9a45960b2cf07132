//! What happens to each HTTP request before the REST routes and jsonrpsee
//! see it: the API key is checked (except on the public routes), and the
//! client's address and connection slot ride along in the extensions.

use crate::methods::ClientIp;
use crate::rest::{self, Responding};
use crate::{error, LigeritoRpc};
use hyper::{header, HeaderMap, Request, StatusCode};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::HttpResponse;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
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

/// SHA-256 digests of the accepted keys, so a lookup's timing does not
/// depend on how much of a key matched.
pub struct ApiKeys(HashSet<[u8; 32]>);

impl ApiKeys {
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a String>) -> Self {
        Self(keys.into_iter().map(|k| digest(k.as_bytes())).collect())
    }

    fn allows(&self, headers: &HeaderMap) -> bool {
        if self.0.is_empty() {
            return true;
        }
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
            .is_some_and(|token| self.0.contains(&digest(token)))
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[derive(Clone)]
pub struct Gate<S> {
    pub inner: S,
    pub rpc: LigeritoRpc,
    pub keys: Arc<ApiKeys>,
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
        if !rest::is_public(&request) && !self.keys.allows(request.headers()) {
            self.rpc.shared.metrics.unauthorized.inc();
            let refusal = error::unauthorized();
            if rest::is_verify(&request) {
                return rest::ready(rest::error_response(&refusal));
            }
            let body = serde_json::json!({
                "jsonrpc": "2.0",
                "error": refusal,
                "id": null,
            });
            return rest::ready(rest::json(StatusCode::UNAUTHORIZED, &body));
        }
        let extensions = request.extensions_mut();
        extensions.insert(self.client);
        extensions.insert(self.slot.clone());
        Box::pin(self.inner.call(request))
    }
}
