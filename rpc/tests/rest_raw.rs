//! `POST /verify?size=N` with the raw proof (`application/octet-stream`):
//! the answers, refusals, limits and gates of the hex JSON form, over real
//! HTTP/1.1 exchanges with a server on 127.0.0.1:0.

mod common;

use common::*;
use ligerito_executor::sizes::MAX_PROOF_LEN;
use ligerito_rpc::{error, RpcConfig};
use serde_json::Value;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RAW: (&str, &str) = ("Content-Type", "application/octet-stream");
const JSON: (&str, &str) = ("Content-Type", "application/json");

/// `POST path` with `body` and `headers`; the status, header lines and JSON answer.
async fn send(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Value) {
    let (status, head, body) = exchange(addr, "POST", path, headers, body).await;
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {head}\n{body:?}"));
    (status, head, json)
}

/// The raw form: the proof's bytes, its size in the query.
async fn raw(addr: SocketAddr, proof: &[u8], size: u32) -> (u16, Value) {
    let path = format!("/verify?size={size}");
    let (status, _, json) = send(addr, &path, &[RAW], proof).await;
    (status, json)
}

/// The hex JSON form of the same request.
async fn hex_json(addr: SocketAddr, proof: &[u8], size: u32) -> (u16, Value) {
    let body = serde_json::json!({ "proof_size": size, "proof_bytes": hex(proof) });
    let (status, _, json) = send(addr, "/verify", &[JSON], body.to_string().as_bytes()).await;
    (status, json)
}

fn bytes(hex: &str) -> Vec<u8> {
    hex::decode(hex.strip_prefix("0x").unwrap()).unwrap()
}

/// An answer without what differs from one run to the next.
fn verdict_of(mut json: Value) -> Value {
    let object = json.as_object_mut().unwrap();
    for timing in ["elapsed_ms", "execution_time_ms"] {
        assert!(object.remove(timing).is_some(), "no {timing}: {json}");
    }
    json
}

#[tokio::test]
async fn raw_bytes_get_the_answers_hex_json_gets() {
    // No cache: each request is verified, and `cached` is false on both.
    let server = TestServer::start(RpcConfig {
        cache_entries: 0,
        ..config()
    })
    .await;
    let valid = ligerito_tests::valid_proof(12);
    let truncated = &valid[..valid.len() / 2];
    let cases: [(&[u8], u32, Option<&str>); 5] = [
        (&valid, 12, Some("valid")),
        (&bytes(&invalid()), 12, Some("invalid")),
        (truncated, 12, Some("error")),
        (b"", 12, Some("error")),
        // The wrong size for the proof: a verdict (not valid), not a refusal.
        (&valid, 16, None),
    ];
    for (proof, size, verdict) in cases {
        let (status, by_raw) = raw(server.addr, proof, size).await;
        assert_eq!(status, 200, "{by_raw}");
        match verdict {
            Some(verdict) => assert_eq!(by_raw["verdict"], verdict, "{by_raw}"),
            None => assert_eq!(by_raw["valid"], false, "{by_raw}"),
        }
        assert_eq!(by_raw["log_size"], size);
        assert!(by_raw["execution_time_ms"].is_u64(), "{by_raw}");
        let (status, by_hex) = hex_json(server.addr, proof, size).await;
        assert_eq!(status, 200, "{by_hex}");
        assert_eq!(verdict_of(by_raw), verdict_of(by_hex));
    }
    server.stop().await;
}

#[tokio::test]
async fn the_verdict_cache_is_shared_by_both_forms() {
    let server = TestServer::start(config()).await;
    let proof = ligerito_tests::valid_proof(12);
    let (_, first) = hex_json(server.addr, &proof, 12).await;
    assert_eq!(first["cached"], false, "{first}");
    let (status, again) = raw(server.addr, &proof, 12).await;
    assert_eq!(status, 200);
    assert_eq!(again["cached"], true, "the same proof and size: {again}");
    assert_eq!(again["gas_used"], first["gas_used"]);
    server.stop().await;
}

#[tokio::test]
async fn bad_raw_requests_get_the_documented_errors() {
    let server = TestServer::start(config()).await;
    let proof = ligerito_tests::valid_proof(12);
    let over = vec![0; 48_363];
    let cases: [(&str, &[u8], i32, &str); 8] = [
        ("/verify", &proof, error::INVALID_PARAMS, "size: missing"),
        (
            "/verify?sizes=12",
            &proof,
            error::INVALID_PARAMS,
            "size: missing",
        ),
        (
            "/verify?size=",
            &proof,
            error::INVALID_PARAMS,
            "size: \"\" is not a number",
        ),
        (
            "/verify?size=twelve",
            &proof,
            error::INVALID_PARAMS,
            "size: \"twelve\" is not a number",
        ),
        (
            "/verify?size=99999999999",
            &proof,
            error::INVALID_PARAMS,
            "size: \"99999999999\" is not a number",
        ),
        (
            "/verify?size=12&size=16",
            &proof,
            error::INVALID_PARAMS,
            "size: given more than once",
        ),
        (
            "/verify?size=13",
            &proof,
            error::INVALID_PARAMS,
            "size: 2^13 is not supported (supported: 12, 16, 20,",
        ),
        (
            "/verify?size=12",
            &over,
            error::INVALID_PARAMS,
            "proof: 48363 bytes exceeds the maximum 48362 for 2^12",
        ),
    ];
    for (path, body, code, message) in cases {
        let (status, head, json) = send(server.addr, path, &[RAW], body).await;
        assert_eq!(status, 400, "{path}: {json}");
        assert_eq!(json["error"]["code"], code, "{path}: {json}");
        let got = json["error"]["message"].as_str().unwrap();
        assert!(got.starts_with(message), "{path}: {got:?}");
        assert!(header(&head, "content-type")
            .unwrap()
            .starts_with("application/json"));
    }
    // Raw bytes sent as JSON (or without a type, which is JSON) are not JSON.
    for headers in [&[JSON][..], &[]] {
        let (status, _, json) = send(server.addr, "/verify?size=12", headers, &proof).await;
        assert_eq!(status, 400, "{json}");
        assert_eq!(json["error"]["code"], error::PARSE, "{json}");
    }
    server.stop().await;
}

#[tokio::test]
async fn only_octet_stream_is_raw_any_other_type_is_json() {
    let server = TestServer::start(config()).await;
    let proof = ligerito_tests::valid_proof(12);
    // As before the raw form: `curl -d` sends a form type, a browser's
    // `fetch` of a string `text/plain`.
    let body = serde_json::json!({ "proof_size": 12, "proof_bytes": hex(&proof) }).to_string();
    for content_type in [
        "application/json; charset=utf-8",
        "application/vnd.x+json",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
    ] {
        let headers = [("Content-Type", content_type)];
        let (status, _, json) = send(server.addr, "/verify", &headers, body.as_bytes()).await;
        assert_eq!(status, 200, "{content_type}: {json}");
        assert_eq!(json["valid"], true);
    }
    // Raw bytes under another type are read as JSON, which they are not.
    let headers = [("Content-Type", "text/plain")];
    let (status, head, json) = send(server.addr, "/verify?size=12", &headers, &proof).await;
    assert_eq!(status, 400, "{json}");
    assert_eq!(json["error"]["code"], error::PARSE, "{json}");
    assert!(header(&head, "content-type")
        .unwrap()
        .starts_with("application/json"));
    server.stop().await;
}

#[tokio::test]
async fn an_oversize_raw_body_gets_413() {
    let server = TestServer::start(config()).await;
    // The longest proof any size admits fits: refused for its size, not its length.
    let largest = vec![0; MAX_PROOF_LEN];
    let (status, json) = raw(server.addr, &largest, 12).await;
    assert_eq!(status, 400, "{json}");
    assert_eq!(json["error"]["code"], error::INVALID_PARAMS);
    // Declared one byte longer: refused before it is read, size or not.
    let over = vec![0; MAX_PROOF_LEN + 1];
    for path in ["/verify?size=30", "/verify"] {
        let (status, _, json) = send(server.addr, path, &[RAW], &over).await;
        assert_eq!(status, 413, "{path}: {json}");
        assert_eq!(json["error"]["code"], error::TOO_LARGE, "{json}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains(&MAX_PROOF_LEN.to_string()), "{message}");
    }
    // Undeclared (chunked): refused once it passes the limit.
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /verify?size=30 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = [
        format!("{:x}\r\n", 1 << 16).into_bytes(),
        vec![0; 1 << 16],
        b"\r\n".to_vec(),
    ]
    .concat();
    for _ in 0..=MAX_PROOF_LEN >> 16 {
        // The server may answer and close before the end.
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(
        response.contains(&error::TOO_LARGE.to_string()),
        "{response}"
    );
    server.stop().await;
}

#[tokio::test]
async fn api_keys_and_rate_limits_apply_to_raw_bytes_too() {
    let server = TestServer::start(RpcConfig {
        api_keys: ["s3cret".to_owned()].into(),
        rate_limit: NonZeroU32::new(1),
        max_batch: 1,
        ..config()
    })
    .await;
    let path = "/verify?size=12";
    for auth in [None, Some("Bearer wrong")] {
        let mut headers = vec![RAW];
        headers.extend(auth.map(|a| ("Authorization", a)));
        let (status, head, json) = send(server.addr, path, &headers, b"").await;
        assert_eq!(status, 401, "{json}");
        assert_eq!(json["error"]["code"], error::UNAUTHORIZED);
        assert_eq!(header(&head, "www-authenticate"), Some("Bearer"));
    }
    let keyed = [RAW, ("Authorization", "Bearer s3cret")];
    let (status, _, json) = send(server.addr, path, &keyed, b"").await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["verdict"], "error");
    let (status, head, json) = send(server.addr, path, &keyed, b"").await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(json["error"]["code"], error::RATE_LIMITED);
    assert_eq!(header(&head, "retry-after"), Some("1"));
    assert_eq!(
        metric(&server.rpc, "ligerito_rpc_unauthorized_total"),
        2,
        "each refused key counted"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_tenants_rate_applies_to_raw_bytes_too() {
    let file = TenantsFile::new(
        "raw",
        "[[tenant]]\nname = \"acme\"\nkeys = [\"acme-key\"]\nrate_limit = 1\n",
    );
    let server = TestServer::start(RpcConfig {
        tenants_file: Some(file.0.clone()),
        tenants_poll: Duration::ZERO,
        max_batch: 1,
        ..config()
    })
    .await;
    let keyed = [RAW, ("Authorization", "Bearer acme-key")];
    let (status, _, json) = send(server.addr, "/verify?size=12", &keyed, b"").await;
    assert_eq!(status, 200, "{json}");
    let (status, _, json) = send(server.addr, "/verify?size=12", &keyed, b"").await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(json["error"]["code"], error::RATE_LIMITED);
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("tenant acme"), "{message}");
    let (status, _, json) = send(server.addr, "/verify?size=12", &[RAW], b"").await;
    assert_eq!(status, 401, "{json}");
    server.stop().await;
}

#[tokio::test]
async fn a_full_pool_gets_503_for_raw_bytes_too() {
    let server = TestServer::start_slow(RpcConfig {
        workers: 1,
        queue: 0,
        max_batch: 1,
        ..config()
    })
    .await;
    let proof = ligerito_tests::valid_proof(12);
    let calls = (0..4).map(|_| send(server.addr, "/verify?size=12", &[RAW], &proof));
    some_valid_some_busy(futures::future::join_all(calls).await);
    server.stop().await;
}

#[tokio::test]
async fn raw_calls_are_counted_under_the_routes_label() {
    let server = TestServer::start(config()).await;
    raw(server.addr, &ligerito_tests::valid_proof(12), 12).await;
    raw(server.addr, &bytes(&invalid()), 12).await;
    send(server.addr, "/verify", &[RAW], b"").await;
    send(
        server.addr,
        "/verify",
        &[("Content-Type", "text/plain")],
        b"",
    )
    .await;
    let text = metrics_text(&server.rpc);
    for line in [
        r#"ligerito_rpc_requests_total{method="POST /verify",verdict="valid"} 1"#,
        r#"ligerito_rpc_requests_total{method="POST /verify",verdict="invalid"} 1"#,
        r#"ligerito_rpc_requests_total{method="POST /verify",verdict="invalid_params"} 2"#,
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    server.stop().await;
}
