//! What a `POST /verify` request carries: the proof as hex in JSON (the
//! original REST API's shape), or the raw proof bytes with its size in the
//! query (`?size=N`), which spares both ends the hex.

use crate::api::VerifyRequest;
use crate::config::{MAX_VERIFY_BODY, MAX_VERIFY_RAW_BODY};
use crate::error;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Body, Bytes};
use hyper::{header, HeaderMap, Request, Uri};
use jsonrpsee::core::BoxError;
use jsonrpsee::types::ErrorObjectOwned;

/// A proof as `POST /verify` received it, before its size and length are checked.
pub(crate) enum Proof {
    /// Hex digits, with or without `0x`.
    Hex(String),
    Raw(Bytes),
}

/// How the body carries the proof, from its `Content-Type`.
#[derive(Clone, Copy)]
enum Form {
    Json,
    Raw,
}

/// Reads the body, within its form's limit, and parses it: the proof and
/// the size it is for.
pub(crate) async fn read<B>(request: Request<B>) -> Result<(Proof, u32), ErrorObjectOwned>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let form = form(request.headers());
    let limit = match form {
        Form::Json => MAX_VERIFY_BODY,
        Form::Raw => MAX_VERIFY_RAW_BODY,
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(error::too_large(limit));
    }
    match form {
        Form::Json => {
            let body = collect(request.into_body(), limit).await?;
            let request: VerifyRequest = serde_json::from_slice(&body).map_err(|e| {
                if e.is_data() {
                    error::invalid_params(format!("body: {e}"))
                } else {
                    error::parse(format!("the body is not JSON: {e}"))
                }
            })?;
            Ok((Proof::Hex(request.proof_bytes), request.proof_size))
        }
        Form::Raw => {
            // Before the body: a request without its size costs no read.
            let log_size = size(request.uri())?;
            let body = collect(request.into_body(), limit).await?;
            Ok((Proof::Raw(body), log_size))
        }
    }
}

/// Raw bytes for `application/octet-stream`; JSON for any other type or
/// none, as this route read every body before it took raw bytes (`curl -d`
/// sends a form type, a browser's `fetch` of a string `text/plain`).
fn form(headers: &HeaderMap) -> Form {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Form::Json;
    };
    let given = String::from_utf8_lossy(value.as_bytes());
    let media = given.split(';').next().unwrap_or_default().trim();
    if media.eq_ignore_ascii_case("application/octet-stream") {
        Form::Raw
    } else {
        Form::Json
    }
}

/// `?size=N`, log2 of the polynomial size, for a raw proof.
fn size(uri: &Uri) -> Result<u32, ErrorObjectOwned> {
    let mut given = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name == "size").then_some(value)
        });
    let value = given.next().ok_or_else(|| {
        error::invalid_params(
            "size: missing: a raw proof (application/octet-stream) needs ?size=N, \
             log2 of the polynomial size",
        )
    })?;
    if given.next().is_some() {
        return Err(error::invalid_params("size: given more than once"));
    }
    value.parse().map_err(|_| {
        error::invalid_params(format!(
            "size: {:?} is not a number (?size=N is log2 of the polynomial size)",
            shorten(value)
        ))
    })
}

/// The body, at most `limit` bytes however it is sent (chunked included).
async fn collect<B>(body: B, limit: usize) -> Result<Bytes, ErrorObjectOwned>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    Ok(Limited::new(body, limit)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<LengthLimitError>().is_some() {
                error::too_large(limit)
            } else {
                error::invalid_params(format!("body: reading it failed: {e}"))
            }
        })?
        .to_bytes())
}

/// What a refusal quotes of the request: enough to recognise it, never a
/// whole header or query.
fn shorten(text: &str) -> String {
    const QUOTED: usize = 64;
    text.chars().take(QUOTED).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_of(content_type: &str) -> &'static str {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
        match form(&headers) {
            Form::Json => "json",
            Form::Raw => "raw",
        }
    }

    #[test]
    fn the_content_type_picks_the_form() {
        assert!(matches!(form(&HeaderMap::new()), Form::Json));
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/x-www-form-urlencoded",
            "text/plain;charset=UTF-8",
            "",
        ] {
            assert_eq!(form_of(json), "json", "{json}");
        }
        for raw in ["application/octet-stream", "Application/Octet-Stream ; x=y"] {
            assert_eq!(form_of(raw), "raw", "{raw}");
        }
    }

    fn size_of(uri: &str) -> Result<u32, String> {
        size(&uri.parse().unwrap()).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn the_size_comes_from_the_query() {
        assert_eq!(size_of("/verify?size=20"), Ok(20));
        assert_eq!(size_of("/verify?x=1&size=13&y"), Ok(13));
        for missing in ["/verify", "/verify?", "/verify?sizes=12", "/verify?x=12"] {
            let e = size_of(missing).unwrap_err();
            assert!(e.starts_with("size: missing"), "{missing}: {e}");
        }
        for bad in [
            "/verify?size=",
            "/verify?size",
            "/verify?size=x",
            "/verify?size=-1",
        ] {
            let e = size_of(bad).unwrap_err();
            assert!(e.contains("is not a number"), "{bad}: {e}");
        }
        let long = format!("/verify?size={}", "9".repeat(1000));
        assert!(size_of(&long).unwrap_err().len() < 200);
        assert_eq!(
            size_of("/verify?size=12&size=12").unwrap_err(),
            "size: given more than once"
        );
    }
}
