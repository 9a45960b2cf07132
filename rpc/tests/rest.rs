//! The plain HTTP routes: `POST /verify` with hex in JSON, and the page,
//! over real HTTP/1.1 exchanges with a server on 127.0.0.1:0 (the raw form
//! is `rest_raw.rs`'s, the OpenAPI document `openapi.rs`'s).

mod common;

use common::*;
use ligerito_rpc::{error, RpcConfig};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// `POST /verify` with `body`; the status, header lines and JSON answer.
async fn verify(
    addr: SocketAddr,
    body: &str,
    auth: Option<&str>,
) -> (u16, String, serde_json::Value) {
    let mut headers = vec![JSON];
    headers.extend(auth.map(|a| ("Authorization", a)));
    let (status, head, body) = exchange(addr, "POST", "/verify", &headers, body.as_bytes()).await;
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    (status, head, json)
}

fn request(proof: &str, size: u32) -> String {
    serde_json::json!({ "proof_size": size, "proof_bytes": proof }).to_string()
}

#[tokio::test]
async fn verify_answers_the_original_shape_with_our_fields() {
    let server = TestServer::start(config()).await;
    let proof = valid(12);
    for body in [
        request(&proof, 12),
        request(proof.strip_prefix("0x").unwrap(), 12),
        serde_json::json!({ "proofSize": 12, "proofBytes": proof }).to_string(),
    ] {
        let (status, _, json) = verify(server.addr, &body, None).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["valid"], true, "{json}");
        assert!(json["execution_time_ms"].is_u64(), "{json}");
        assert_eq!(json["verdict"], "valid");
        assert_eq!(json["exit_code"], 0);
        assert_eq!(json["message"], "valid");
        assert_eq!(json["log_size"], 12);
        assert!(json["gas_used"].as_u64().unwrap() > 0);
        assert_eq!(json["code_hash"], server.rpc.server_info().code_hash);
        assert!(json["backend"].is_string());
    }

    let (status, _, json) = verify(server.addr, &request(&invalid(), 12), None).await;
    assert_eq!(status, 200, "a verdict, not a refusal");
    assert_eq!(json["valid"], false);
    assert_eq!(json["verdict"], "invalid");
    assert_eq!(json["exit_code"], 1);
    let (status, _, json) = verify(server.addr, &request(&truncated(), 12), None).await;
    assert_eq!(status, 200);
    assert_eq!(json["verdict"], "error");
    assert!(
        json["message"].as_str().unwrap().starts_with("decode: "),
        "{json}"
    );
    server.stop().await;
}

#[tokio::test]
async fn malformed_requests_get_400_with_a_json_error() {
    let server = TestServer::start(config()).await;
    let cases = [
        (
            request("0xzz", 12),
            error::INVALID_PARAMS,
            "proof: invalid hex: ",
        ),
        (
            request("abc", 12),
            error::INVALID_PARAMS,
            "proof: invalid hex: Odd number",
        ),
        (
            request("", 13),
            error::INVALID_PARAMS,
            "size: 2^13 is not supported",
        ),
        (
            request(&"00".repeat(48_363), 12),
            error::INVALID_PARAMS,
            "proof: 48363 bytes exceeds the maximum 48362 for 2^12",
        ),
        (
            r#"{"proof_size": 12}"#.into(),
            error::INVALID_PARAMS,
            "body: missing field `proof_bytes`",
        ),
        (
            r#"{"proof_size": "12", "proof_bytes": ""}"#.into(),
            error::INVALID_PARAMS,
            "body: invalid type",
        ),
        (
            "not json".into(),
            error::PARSE,
            "parse error: the body is not JSON",
        ),
        (
            String::new(),
            error::PARSE,
            "parse error: the body is not JSON",
        ),
    ];
    for (body, code, message) in cases {
        let (status, head, json) = verify(server.addr, &body, None).await;
        assert_eq!(status, 400, "{json}");
        assert_eq!(json["error"]["code"], code, "{json}");
        let got = json["error"]["message"].as_str().unwrap();
        assert!(got.starts_with(message), "{got:?} for {body:.40}");
        assert!(header(&head, "content-type")
            .unwrap()
            .starts_with("application/json"));
    }
    let (status, head, body) = exchange(server.addr, "GET", "/verify", &[], b"").await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(header(&head, "allow"), Some("POST"));
    server.stop().await;
}

#[tokio::test]
async fn an_oversize_body_gets_413() {
    let server = TestServer::start(config()).await;
    let limit = 2 + 2 * ligerito_executor::sizes::MAX_PROOF_LEN + 1024;
    // Declared too long: refused before it is read.
    let huge = vec![b' '; limit + 1];
    let (status, _, body) = exchange(server.addr, "POST", "/verify", &[JSON], &huge).await;
    assert_eq!(status, 413);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"]["code"], error::TOO_LARGE, "{json}");
    // Undeclared (chunked): refused once it passes the limit.
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                Transfer-Encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 1 << 16, " ".repeat(1 << 16));
    for _ in 0..=limit >> 16 {
        // The server may answer and close before the end.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
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
    // The largest proof of any size, in hex, fits: it is refused for its
    // size, not for its length.
    let largest = request(
        &format!("0x{}", "00".repeat(ligerito_executor::sizes::MAX_PROOF_LEN)),
        12,
    );
    assert!(largest.len() <= limit);
    let (status, _, json) = verify(server.addr, &largest, None).await;
    assert_eq!(status, 400, "{json}");
    assert_eq!(json["error"]["code"], error::INVALID_PARAMS);
    server.stop().await;
}

#[tokio::test]
async fn a_full_pool_gets_503_with_retry_after_and_shares_it_with_json_rpc() {
    let server = TestServer::start_slow(RpcConfig {
        workers: 1,
        queue: 0,
        max_batch: 1,
        ..config()
    })
    .await;
    let body = request(&valid(12), 12);
    let calls = (0..4).map(|_| verify(server.addr, &body, None));
    some_valid_some_busy(futures::future::join_all(calls).await);

    // A JSON-RPC call holding the only worker makes REST callers busy too.
    let http = server.http();
    let proof = valid(12);
    let running = tokio::spawn(async move {
        use ligerito_rpc::LigeritoApiClient;
        http.verify(proof, 12).await
    });
    let rpc = server.rpc.clone();
    wait_for("the JSON-RPC call to run", || rpc.health().in_flight == 1).await;
    let (status, _, json) = verify(server.addr, &body, None).await;
    assert_eq!(status, 503, "{json}");
    assert!(running.await.unwrap().unwrap().valid);
    server.stop().await;
}

#[tokio::test]
async fn api_keys_and_rate_limits_apply_to_rest_too() {
    let server = TestServer::start(RpcConfig {
        api_keys: ["s3cret".to_owned()].into(),
        rate_limit: NonZeroU32::new(1),
        max_batch: 1,
        ..config()
    })
    .await;
    let body = request("0x", 12);
    for auth in [None, Some("Bearer wrong")] {
        let (status, head, json) = verify(server.addr, &body, auth).await;
        assert_eq!(status, 401, "{json}");
        assert_eq!(json["error"]["code"], error::UNAUTHORIZED);
        assert_eq!(header(&head, "www-authenticate"), Some("Bearer"));
    }
    let key = Some("Bearer s3cret");
    let (status, _, json) = verify(server.addr, &body, key).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["verdict"], "error");
    let (status, head, json) = verify(server.addr, &body, key).await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(json["error"]["code"], error::RATE_LIMITED);
    assert_eq!(header(&head, "retry-after"), Some("1"));
    // Documents and the page need no key.
    for path in ["/openapi.json", "/health", "/config"] {
        assert_eq!(
            raw_http(server.addr, "GET", path, &[], b"").await.0,
            200,
            "{path}"
        );
    }
    let html = [("Accept", "text/html")];
    assert_eq!(raw_http(server.addr, "GET", "/", &html, b"").await.0, 200);
    server.stop().await;
}

#[tokio::test]
async fn the_page_is_for_browsers_and_json_rpc_keeps_post_slash() {
    let server = TestServer::start(config()).await;
    let browser = [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")];
    let (status, head, page) = exchange(server.addr, "GET", "/", &browser, b"").await;
    assert_eq!(status, 200);
    assert!(header(&head, "content-security-policy").is_some());
    for needle in [
        r#"<label for="proof">"#,
        r#"aria-live="polite""#,
        r#"src="/app.js""#,
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let (status, _, script) = exchange(server.addr, "GET", "/app.js", &[], b"").await;
    assert_eq!(status, 200);
    // The page sends the file's bytes as they are.
    assert!(script.contains(r#"fetch("/verify?size=""#));
    assert!(script.contains("application/octet-stream"));
    // Not a browser: no page.
    let (status, _, body) = exchange(server.addr, "GET", "/", &[JSON], b"").await;
    assert_ne!(status, 200, "{body}");
    let (status, json) = post(
        server.addr,
        r#"{"jsonrpc":"2.0","id":1,"method":"ligerito_config"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert!(json["result"]["sizes"].is_array(), "{json}");
    server.stop().await;
}

#[tokio::test]
async fn rest_calls_are_counted_under_their_own_label() {
    let server = TestServer::start(config()).await;
    let mut registry = prometheus_client::registry::Registry::default();
    server.rpc.register_metrics(&mut registry);
    verify(server.addr, &request(&valid(12), 12), None).await;
    verify(server.addr, &request(&invalid(), 12), None).await;
    verify(server.addr, "nope", None).await;
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    for line in [
        r#"ligerito_rpc_requests_total{method="POST /verify",verdict="valid"} 1"#,
        r#"ligerito_rpc_requests_total{method="POST /verify",verdict="invalid"} 1"#,
        r#"ligerito_rpc_requests_total{method="POST /verify",verdict="invalid_params"} 1"#,
        r#"ligerito_rpc_request_duration_seconds_count{method="POST /verify"} 3"#,
        "ligerito_rpc_verify_duration_seconds_count 2",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    server.stop().await;
}
