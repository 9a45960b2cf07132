//! The server's error codes; docs/RPC.md documents each with an example.

use jsonrpsee::types::error::{
    ErrorObject, ErrorObjectOwned, INVALID_PARAMS_CODE, INVALID_REQUEST_CODE,
    OVERSIZED_REQUEST_CODE, PARSE_ERROR_CODE,
};

/// Every worker and queue slot is taken: retry later, ideally elsewhere.
pub const BUSY: i32 = -32050;
/// The host failed (e.g. the backend is unavailable); not a verdict on the proof.
pub const INTERNAL: i32 = -32051;
/// Authentication is on and the request had no or an unknown bearer token.
pub const UNAUTHORIZED: i32 = -32052;
/// The client's IP, or the caller's tenant, used up its proofs per second.
pub const RATE_LIMITED: i32 = -32053;
/// The caller's tenant has its most verifications running or queued.
pub const QUOTA: i32 = -32054;

/// Bad params: the message says which and why.
pub const INVALID_PARAMS: i32 = INVALID_PARAMS_CODE;
/// The request body is over its limit (jsonrpsee's code, reused by `POST /verify`).
pub const TOO_LARGE: i32 = OVERSIZED_REQUEST_CODE;
/// The body is not JSON (JSON-RPC's code, reused by `POST /verify`).
pub const PARSE: i32 = PARSE_ERROR_CODE;
/// Not a request the route takes (JSON-RPC's code, reused by `POST /verify`
/// for another HTTP method: 405).
pub const INVALID_REQUEST: i32 = INVALID_REQUEST_CODE;

/// `-32602` with a message that says what was wrong.
pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_PARAMS_CODE, message.into(), None::<()>)
}

pub fn busy(capacity: usize) -> ErrorObjectOwned {
    ErrorObject::owned(
        BUSY,
        format!("busy: all {capacity} verification slots are taken, retry later"),
        None::<()>,
    )
}

pub fn internal(message: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObject::owned(INTERNAL, format!("internal: {message}"), None::<()>)
}

pub fn unauthorized() -> ErrorObjectOwned {
    ErrorObject::owned(
        UNAUTHORIZED,
        "unauthorized: missing or unknown API key (send Authorization: Bearer KEY)",
        None::<()>,
    )
}

pub fn rate_limited(per_second: u32) -> ErrorObjectOwned {
    ErrorObject::owned(
        RATE_LIMITED,
        format!("rate limited: at most {per_second} proofs per second per client"),
        None::<()>,
    )
}

pub fn tenant_rate_limited(tenant: &str, per_second: u32) -> ErrorObjectOwned {
    ErrorObject::owned(
        RATE_LIMITED,
        format!("rate limited: tenant {tenant} may submit at most {per_second} proofs per second"),
        None::<()>,
    )
}

pub fn quota(tenant: &str, max: u32) -> ErrorObjectOwned {
    ErrorObject::owned(
        QUOTA,
        format!("quota: tenant {tenant} may have at most {max} verifications running or queued, retry later"),
        None::<()>,
    )
}

pub fn too_large(limit: usize) -> ErrorObjectOwned {
    ErrorObject::owned(
        TOO_LARGE,
        format!("too large: the request body exceeds {limit} bytes"),
        None::<()>,
    )
}

pub fn parse(message: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObject::owned(PARSE, format!("parse error: {message}"), None::<()>)
}
