//! What happens to each HTTP request before jsonrpsee sees it: `GET /health`
//! and `GET /config` are answered here, the API key is checked, and the
//! client's address and connection slot ride along in the extensions.

use crate::error;
use crate::methods::ClientIp;
use crate::LigeritoRpc;
use hyper::{header, HeaderMap, Method, Request, StatusCode};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{HttpBody, HttpResponse};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
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

type Responding = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

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
        if request.method() == Method::GET {
            match request.uri().path() {
                "/health" => {
                    let health = self.rpc.health();
                    let status = if health.ready {
                        StatusCode::OK
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    };
                    return respond(status, &health);
                }
                "/config" => return respond(StatusCode::OK, &self.rpc.server_info()),
                _ => {}
            }
        }
        if !self.keys.allows(request.headers()) {
            self.rpc.shared.metrics.unauthorized.inc();
            let body = serde_json::json!({
                "jsonrpc": "2.0",
                "error": error::unauthorized(),
                "id": null,
            });
            return respond(StatusCode::UNAUTHORIZED, &body);
        }
        let extensions = request.extensions_mut();
        extensions.insert(self.client);
        extensions.insert(self.slot.clone());
        Box::pin(self.inner.call(request))
    }
}

fn respond(status: StatusCode, body: &impl serde::Serialize) -> Responding {
    let body = serde_json::to_string(body).expect("serializable");
    let response = hyper::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(HttpBody::from(body))
        .expect("static headers");
    Box::pin(std::future::ready(Ok(response)))
}
