//! The server's error codes; docs/RPC.md documents each with an example.

use jsonrpsee::types::error::{ErrorObject, ErrorObjectOwned, INVALID_PARAMS_CODE};

/// Every worker and queue slot is taken: retry later, ideally elsewhere.
pub const BUSY: i32 = -32050;
/// The host failed (e.g. the backend is unavailable); not a verdict on the proof.
pub const INTERNAL: i32 = -32051;
/// Authentication is on and the request had no or an unknown bearer token.
pub const UNAUTHORIZED: i32 = -32052;
/// The client's IP used up its proofs per second.
pub const RATE_LIMITED: i32 = -32053;

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
