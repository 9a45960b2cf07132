//! Overload, authentication, rate and size limits, metrics and shutdown.

mod common;

use common::*;
use jsonrpsee::http_client::HeaderMap;
use ligerito_executor::Verdict;
use ligerito_rpc::{error, LigeritoApiClient, MetricsServer, RpcConfig};
use std::num::NonZeroU32;
use std::time::Duration;

#[tokio::test]
async fn overload_gets_busy_errors_and_every_other_call_its_own_verdict() {
    let server = TestServer::start_slow(RpcConfig {
        workers: 1,
        queue: 1,
        max_batch: 2,
        ..config()
    })
    .await;
    let http = server.http();
    let ws = server.ws().await;
    let (valid, invalid) = (valid(12), invalid());
    let calls = (0..16).map(|i| {
        let (proof, expected) = if i % 2 == 0 {
            (valid.clone(), Verdict::Valid)
        } else {
            (invalid.clone(), Verdict::Invalid)
        };
        let (http, ws) = (&http, &ws);
        async move {
            let result = if i % 4 < 2 {
                http.verify(proof, 12).await
            } else {
                ws.verify(proof, 12).await
            };
            (expected, result)
        }
    });
    let results = futures::future::join_all(calls).await;
    let mut verified = 0;
    let mut busy = 0;
    for (expected, result) in results {
        match result {
            Ok(result) => {
                assert_eq!(result.verdict, expected, "{}", result.message);
                verified += 1;
            }
            Err(e) => {
                let (code, message) = code(e);
                assert_eq!(code, error::BUSY, "{message}");
                assert!(
                    message.starts_with("busy: all 2 verification slots"),
                    "{message}"
                );
                busy += 1;
            }
        }
    }
    assert_eq!(verified + busy, 16);
    assert!(
        verified >= 2,
        "at least the worker and the queue slot verify"
    );
    assert!(
        busy >= 1,
        "16 calls at once overflow 1 worker and 1 queue slot"
    );
    // Nothing leaked: the pool is idle and takes work again.
    let health = server.rpc.health();
    assert_eq!((health.in_flight, health.queued), (0, 0));
    assert!(http.verify(valid, 12).await.unwrap().valid);
    server.stop().await;
}

#[tokio::test]
async fn api_keys_guard_json_rpc_but_not_the_probes() {
    let server = TestServer::start(RpcConfig {
        api_keys: ["s3cret".to_owned()].into(),
        ..config()
    })
    .await;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"ligerito_config"}"#;
    let json = [("Content-Type", "application/json")];
    for auth in [None, Some("Bearer wrong"), Some("s3cret")] {
        let mut headers = json.to_vec();
        headers.extend(auth.map(|a| ("Authorization", a)));
        let (status, response) =
            raw_http(server.addr, "POST", "/", &headers, body.as_bytes()).await;
        assert_eq!(status, 401, "{auth:?}");
        let response: serde_json::Value = serde_json::from_str(&response).unwrap();
        assert_eq!(response["error"]["code"], error::UNAUTHORIZED);
    }
    assert!(server.ws_with(HeaderMap::new()).await.is_err());

    let mut headers = HeaderMap::new();
    headers.insert("Authorization", "Bearer s3cret".parse().unwrap());
    assert!(
        server
            .http_with(headers.clone())
            .verify(valid(12), 12)
            .await
            .unwrap()
            .valid
    );
    let ws = server.ws_with(headers).await.unwrap();
    assert!(ws.verify(valid(12), 12).await.unwrap().valid);
    assert_eq!(
        raw_http(server.addr, "GET", "/health", &[], b"").await.0,
        200
    );
    assert_eq!(
        raw_http(server.addr, "GET", "/config", &[], b"").await.0,
        200
    );
    server.stop().await;
}

#[tokio::test]
async fn a_client_over_its_rate_is_refused() {
    let server = TestServer::start(RpcConfig {
        rate_limit: NonZeroU32::new(1),
        max_batch: 2,
        ..config()
    })
    .await;
    let http = server.http();
    // The bucket holds max(rate, max batch) = 2 proofs.
    assert_eq!(
        http.verify("0x".into(), 12).await.unwrap().verdict,
        Verdict::Error
    );
    assert_eq!(
        http.verify("0x".into(), 12).await.unwrap().verdict,
        Verdict::Error
    );
    let (code, message) = code(http.verify("0x".into(), 12).await.unwrap_err());
    assert_eq!(code, error::RATE_LIMITED);
    assert_eq!(
        message,
        "rate limited: at most 1 proofs per second per client"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(http.verify("0x".into(), 12).await.is_ok());
    server.stop().await;
}

#[tokio::test]
async fn bodies_and_json_rpc_batches_are_bounded() {
    let server = TestServer::start(RpcConfig {
        max_batch: 2,
        ..config()
    })
    .await;
    let limit = server.rpc.config().max_request_body() as usize;
    let huge = vec![b' '; limit + 1];
    let (status, body) = raw_http(
        server.addr,
        "POST",
        "/",
        &[("Content-Type", "application/json")],
        &huge,
    )
    .await;
    assert_eq!(status, 413);
    assert!(body.contains("-32007"), "{body}");

    let call = r#"{"jsonrpc":"2.0","id":1,"method":"ligerito_config"}"#;
    let (_, json) = post(server.addr, &format!("[{call},{call}]")).await;
    assert_eq!(json.as_array().unwrap().len(), 2);
    let (_, json) = post(server.addr, &format!("[{call},{call},{call}]")).await;
    assert_eq!(json["error"]["code"], -32010, "{json}");
    server.stop().await;
}

#[tokio::test]
async fn shutdown_lets_in_flight_calls_finish() {
    let server = TestServer::start_slow(RpcConfig {
        workers: 1,
        ..config()
    })
    .await;
    let http = server.http();
    let ws = server.ws().await;
    let proof = valid(12);
    let (a, b) = (proof.clone(), proof);
    let over_http = tokio::spawn(async move { http.verify(a, 12).await });
    let over_ws = tokio::spawn(async move { ws.verify(b, 12).await });
    // One running, one queued.
    let rpc = server.rpc.clone();
    wait_for("both calls to be admitted", || {
        let health = rpc.health();
        health.in_flight + health.queued == 2
    })
    .await;
    let addr = server.addr;
    server.stop().await;
    assert!(over_http.await.unwrap().unwrap().valid);
    assert!(over_ws.await.unwrap().unwrap().valid);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn metrics_count_calls_by_method_and_verdict() {
    let server = TestServer::start_slow(RpcConfig {
        workers: 1,
        queue: 0,
        max_batch: 1,
        ..config()
    })
    .await;
    let mut registry = prometheus_client::registry::Registry::default();
    server.rpc.register_metrics(&mut registry);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_addr = listener.local_addr().unwrap();
    let metrics = MetricsServer::start(listener, registry).unwrap();

    let http = server.http();
    http.verify(valid(12), 12).await.unwrap();
    http.verify(invalid(), 12).await.unwrap();
    http.verify("0x".into(), 13).await.unwrap_err();
    let calls = (0..4).map(|_| http.verify(valid(12), 12));
    let busy = futures::future::join_all(calls)
        .await
        .into_iter()
        .filter(|r| r.is_err())
        .count();
    assert!(
        busy >= 1,
        "one worker, no queue: 4 calls at once overflow it"
    );
    let verified = 2 + 4 - busy;

    let (status, text) = raw_http(metrics_addr, "GET", "/metrics", &[], b"").await;
    assert_eq!(status, 200);
    for line in [
        format!(
            r#"ligerito_rpc_requests_total{{method="ligerito_verify",verdict="valid"}} {}"#,
            verified - 1
        ),
        r#"ligerito_rpc_requests_total{method="ligerito_verify",verdict="invalid"} 1"#.into(),
        r#"ligerito_rpc_requests_total{method="ligerito_verify",verdict="invalid_params"} 1"#
            .into(),
        format!(r#"ligerito_rpc_requests_total{{method="ligerito_verify",verdict="busy"}} {busy}"#),
        format!("ligerito_rpc_busy_rejections_total {busy}"),
        "ligerito_rpc_queue_depth 0".into(),
        "ligerito_rpc_in_flight 0".into(),
        format!("ligerito_rpc_verify_duration_seconds_count {verified}"),
        format!("ligerito_rpc_gas_used_count {verified}"),
        r#"ligerito_rpc_request_duration_seconds_count{method="ligerito_verify"} 7"#.into(),
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert_eq!(raw_http(metrics_addr, "GET", "/", &[], b"").await.0, 404);
    metrics.stop().await.unwrap();
    server.stop().await;
}
