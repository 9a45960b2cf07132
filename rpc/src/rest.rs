//! The plain HTTP routes beside JSON-RPC on the same port: `POST /verify`
//! in the original REST API's shape or with the raw proof, the probes, the
//! OpenAPI document and the web page. Everything else goes on to JSON-RPC.

use crate::api::VerifyResult;
use crate::methods::ClientIp;
use crate::{body, error, LigeritoRpc};
use hyper::body::{Body, Bytes};
use hyper::{header, HeaderMap, Method, Request, StatusCode};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{HttpBody, HttpResponse};
use jsonrpsee::types::error::ErrorObjectOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tower::{Layer, Service};

/// The routes' description; `tests/openapi.rs` checks it lists every route
/// and names every field the server answers and reads.
pub const OPENAPI: &str = include_str!("../openapi.json");
const PAGE: &str = include_str!("../web/index.html");
const SCRIPT: &str = include_str!("../web/app.js");

/// The page's script comes from this origin only, so injected markup cannot run.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
                           connect-src 'self'; form-action 'none'; frame-ancestors 'none'";

pub(crate) type Responding = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

/// The original API's answer (whole milliseconds) plus our fields.
#[derive(Serialize)]
struct VerifyResponse {
    execution_time_ms: u64,
    #[serde(flatten)]
    result: VerifyResult,
}

/// Adds the REST routes in front of a JSON-RPC HTTP service (a node's
/// server takes it as HTTP middleware). The client's IP, for the rate
/// limit, is [`ClientIp`] in the request's extensions when the server knows it.
#[derive(Clone)]
pub struct RestLayer(LigeritoRpc);

impl RestLayer {
    pub fn new(rpc: LigeritoRpc) -> Self {
        Self(rpc)
    }
}

impl<S> Layer<S> for RestLayer {
    type Service = Rest<S>;

    fn layer(&self, inner: S) -> Rest<S> {
        Rest {
            inner,
            rpc: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Rest<S> {
    inner: S,
    rpc: LigeritoRpc,
}

impl<S, B> Service<Request<B>> for Rest<S>
where
    S: Service<Request<B>, Response = HttpResponse, Error = BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Responding;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Responding {
        if let Some(response) = public(&self.rpc, &request) {
            return ready(response);
        }
        if is_verify(&request) {
            return Box::pin(verify(self.rpc.clone(), request));
        }
        Box::pin(self.inner.call(request))
    }
}

/// Routes anyone may read, API keys or not.
pub(crate) fn is_public<B>(request: &Request<B>) -> bool {
    request.method() == Method::GET
        && match request.uri().path() {
            "/health" | "/config" | "/openapi.json" | "/app.js" => true,
            "/" => wants_page(request.headers()),
            _ => false,
        }
}

pub(crate) fn is_verify<B>(request: &Request<B>) -> bool {
    request.uri().path() == "/verify"
}

/// A browser asking for `/`; a WebSocket upgrade or a JSON-RPC client is not.
fn wants_page(headers: &HeaderMap) -> bool {
    !headers.contains_key(header::UPGRADE)
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

fn public<B>(rpc: &LigeritoRpc, request: &Request<B>) -> Option<HttpResponse> {
    if !is_public(request) {
        return None;
    }
    Some(match request.uri().path() {
        "/health" => {
            let health = rpc.health();
            let status = if health.ready {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            json(status, &health)
        }
        "/config" => json(StatusCode::OK, &rpc.server_info()),
        "/openapi.json" => asset("application/json; charset=utf-8", OPENAPI),
        "/app.js" => asset("text/javascript; charset=utf-8", SCRIPT),
        _ => {
            let mut page = asset("text/html; charset=utf-8", PAGE);
            let headers = page.headers_mut();
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static(PAGE_POLICY),
            );
            headers.insert(
                header::X_FRAME_OPTIONS,
                header::HeaderValue::from_static("DENY"),
            );
            page
        }
    })
}

/// `POST /verify`, hex in JSON or raw bytes: the same checks, pool, limits
/// and metrics as `ligerito_verify`.
async fn verify<B>(rpc: LigeritoRpc, request: Request<B>) -> Result<HttpResponse, BoxError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    if request.method() != Method::POST {
        let refusal = ErrorObjectOwned::owned(
            error::INVALID_REQUEST,
            "method not allowed: use POST /verify",
            None::<()>,
        );
        let mut response = refused(StatusCode::METHOD_NOT_ALLOWED, &refusal);
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return Ok(response);
    }
    let start = Instant::now();
    let client = request.extensions().get::<ClientIp>().map(|c| c.0);
    let tenant = match rpc.tenant(request.extensions()) {
        Ok(tenant) => tenant,
        Err(e) => return Ok(error_response(&e)),
    };
    let parsed = body::read(request).await;
    Ok(match rpc.verify_rest(client, tenant, start, parsed).await {
        Ok(result) => json(
            StatusCode::OK,
            &VerifyResponse {
                execution_time_ms: result.elapsed_ms.round() as u64,
                result,
            },
        ),
        Err(e) => error_response(&e),
    })
}

/// A refusal as `{"error": {"code", "message"}}`, with the HTTP status
/// docs/RPC.md gives for its code.
pub(crate) fn error_response(e: &ErrorObjectOwned) -> HttpResponse {
    let status = match e.code() {
        error::BUSY => StatusCode::SERVICE_UNAVAILABLE,
        error::RATE_LIMITED | error::QUOTA => StatusCode::TOO_MANY_REQUESTS,
        error::UNAUTHORIZED => StatusCode::UNAUTHORIZED,
        error::TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        error::INTERNAL => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut response = refused(status, e);
    let headers = response.headers_mut();
    match status {
        // Slots and tokens free up within about a second.
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS => {
            headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        StatusCode::UNAUTHORIZED => {
            headers.insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        _ => {}
    }
    response
}

fn refused(status: StatusCode, e: &ErrorObjectOwned) -> HttpResponse {
    let body = serde_json::json!({
        "error": { "code": e.code(), "message": e.message() },
    });
    json(status, &body)
}

pub(crate) fn json(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    let body = serde_json::to_string(body).expect("serializable");
    let mut response = asset("application/json; charset=utf-8", body);
    *response.status_mut() = status;
    response
}

fn asset(content_type: &'static str, body: impl Into<HttpBody>) -> HttpResponse {
    hyper::Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(body.into())
        .expect("static headers")
}

pub(crate) fn ready(response: HttpResponse) -> Responding {
    Box::pin(std::future::ready(Ok(response)))
}
