//! Every method over HTTP and WebSocket with a real jsonrpsee client.

mod common;

use common::*;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::core::params::ObjectParams;
use jsonrpsee::MethodsError;
use ligerito_executor::{Verdict, DEFAULT_GAS_LIMIT};
use ligerito_rpc::{
    error, BatchItem, LigeritoApiClient, LigeritoApiServer, LigeritoRpc, RpcConfig,
    SystemApiClient, VerifyResult,
};

const INVALID_PARAMS: i32 = -32602;

#[tokio::test]
async fn verdicts_match_the_executor_over_http_and_websocket() {
    let server = TestServer::start(config()).await;
    let http = server.http();
    let ws = server.ws().await;
    for (proof, verdict) in [
        (valid(12), Verdict::Valid),
        (invalid(), Verdict::Invalid),
        (truncated(), Verdict::Error),
        ("0x".to_owned(), Verdict::Error),
    ] {
        // What `ligerito-node verify --size 12` computes for the same bytes.
        let bytes = hex::decode(&proof[2..]).unwrap();
        let cli = executor()
            .verify(12, &bytes, DEFAULT_GAS_LIMIT, server.rpc.config().backend)
            .unwrap();
        assert_eq!(cli.verdict, verdict, "{}", cli.message);
        // the second answer, over the other transport, comes from the cache
        for (result, cached) in [
            (http.verify(proof.clone(), 12).await.unwrap(), false),
            (ws.verify(proof.clone(), 12).await.unwrap(), true),
        ] {
            assert_eq!(result.cached, cached);
            assert_eq!(result.verdict, cli.verdict);
            assert_eq!(result.valid, cli.is_valid());
            assert_eq!(result.exit_code, cli.exit_code);
            assert_eq!(result.gas_used, cli.gas_used);
            assert_eq!(result.message, cli.message);
            assert_eq!(result.code_hash, executor().code().hash().to_string());
            assert_eq!(result.log_size, 12);
            assert_eq!(result.elapsed_ms > 0.0, !cached);
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn accepts_the_named_params_of_the_rest_api() {
    let server = TestServer::start(config()).await;
    let mut params = ObjectParams::new();
    params.insert("proof_size", 12).unwrap();
    params.insert("proof_bytes", valid(12)).unwrap();
    let result: VerifyResult = server
        .http()
        .request("ligerito_verify", params)
        .await
        .unwrap();
    assert!(result.valid, "{}", result.message);
    server.stop().await;
}

#[tokio::test]
async fn runs_out_of_gas_at_the_configured_limit() {
    let server = TestServer::start(RpcConfig {
        gas_limit: 1_000_000,
        ..config()
    })
    .await;
    let result = server.http().verify(valid(12), 12).await.unwrap();
    assert_eq!(result.verdict, Verdict::OutOfGas);
    assert_eq!(result.exit_code, 2);
    assert_eq!(result.gas_used, 1_000_000);
    server.stop().await;
}

#[tokio::test]
async fn a_batch_is_answered_in_request_order() {
    let server = TestServer::start(config()).await;
    let proofs = [valid(12), invalid(), truncated(), valid(12), invalid()];
    let batch: Vec<BatchItem> = proofs
        .iter()
        .map(|proof| BatchItem {
            proof: proof.clone(),
            log_size: 12,
        })
        .collect();
    let expected = [
        Verdict::Valid,
        Verdict::Invalid,
        Verdict::Error,
        Verdict::Valid,
        Verdict::Invalid,
    ];
    let http = server.http().verify_batch(batch.clone()).await.unwrap();
    let ws = server.ws().await.verify_batch(batch).await.unwrap();
    for results in [http, ws] {
        let verdicts: Vec<Verdict> = results.iter().map(|r| r.verdict).collect();
        assert_eq!(verdicts, expected);
    }
    assert!(server.http().verify_batch(vec![]).await.unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn invalid_params_say_what_was_wrong() {
    let server = TestServer::start(RpcConfig {
        max_batch: 2,
        ..config()
    })
    .await;
    let http = server.http();
    let over_max = hex(&vec![0; 48_363]);
    let cases = [
        ("0xzz", 12, "proof: invalid hex"),
        ("0x123", 12, "proof: invalid hex: Odd number of digits"),
        ("abcd", 12, "proof: expected a 0x-prefixed hex string"),
        (
            "0x00",
            13,
            "size: 2^13 is not supported (supported: 12, 16, 20,",
        ),
        (
            &over_max,
            12,
            "proof: 48363 bytes exceeds the maximum 48362 for 2^12",
        ),
    ];
    for (proof, log_size, message) in cases {
        let (code, got) = code(http.verify(proof.to_owned(), log_size).await.unwrap_err());
        assert_eq!(code, INVALID_PARAMS, "{got}");
        assert!(
            got.starts_with(message),
            "{got:?} should start with {message:?}"
        );
    }
    let item = |proof: &str| BatchItem {
        proof: proof.to_owned(),
        log_size: 12,
    };
    let (code_, message) = code(
        http.verify_batch(vec![item("0x"), item("0x"), item("0x")])
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, INVALID_PARAMS);
    assert_eq!(message, "batch: 3 proofs exceeds the maximum 2");
    let (code_, message) = code(
        http.verify_batch(vec![item("0x"), item("0xzz")])
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, INVALID_PARAMS);
    assert!(
        message.starts_with("proofs[1]: proof: invalid hex"),
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn malformed_requests_get_the_standard_codes() {
    let server = TestServer::start(config()).await;
    let cases = [
        ("{", -32700),
        (r#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"ligerito_nope"}"#,
            -32601,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"ligerito_verify","params":["0x",-1]}"#,
            INVALID_PARAMS,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"ligerito_verify","params":["0x"]}"#,
            INVALID_PARAMS,
        ),
    ];
    for (body, expected) in cases {
        let (_, json) = post(server.addr, body).await;
        assert_eq!(json["error"]["code"], expected, "{body}: {json}");
    }
    server.stop().await;
}

#[tokio::test]
async fn config_and_health_describe_the_service() {
    let server = TestServer::start(config()).await;
    let info = server.http().config().await.unwrap();
    assert_eq!(info.sizes.len(), ligerito_executor::sizes::SIZES.len());
    let twelve = &info.sizes[0];
    assert_eq!((twelve.log_size, twelve.max_proof_len), (12, 48_362));
    assert!(info.sizes.iter().all(|s| s.gas_limit == DEFAULT_GAS_LIMIT));
    assert_eq!(info.code_hash, executor().code().hash().to_string());
    assert_eq!(info.backend, server.rpc.config().backend);
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(info.max_batch, server.rpc.config().max_batch);

    let (status, body) = raw_http(server.addr, "GET", "/config", &[], b"").await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<ligerito_rpc::ServerInfo>(&body).unwrap(),
        info
    );

    let health = server.ws().await.health().await.unwrap();
    assert!(health.ready);
    assert_eq!((health.in_flight, health.queued), (0, 0));
    let (status, body) = raw_http(server.addr, "GET", "/health", &[], b"").await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["ready"],
        true
    );
    let (status, _) = raw_http(server.addr, "GET", "/nowhere", &[], b"").await;
    assert_eq!(status, 405);
    server.stop().await;
}

/// The module a node merges: a host failure is the internal error code.
#[tokio::test]
async fn a_host_failure_is_an_internal_error() {
    let broken = ligerito_executor::Executor::with_code(ligerito_executor::Code::new(
        b"not a polkavm blob".to_vec(),
    ));
    let rpc = LigeritoRpc::new(std::sync::Arc::new(broken), config()).unwrap();
    let module = rpc.into_rpc();
    let err = module
        .call::<_, VerifyResult>("ligerito_verify", ("0x", 12))
        .await
        .unwrap_err();
    let MethodsError::JsonRpc(e) = err else {
        panic!("expected a JSON-RPC error, got {err:?}");
    };
    assert_eq!(e.code(), error::INTERNAL);
    assert!(
        e.message().starts_with("internal: guest code"),
        "{}",
        e.message()
    );
}

#[tokio::test]
async fn a_repeated_proof_is_answered_from_the_verdict_cache() {
    let server = TestServer::start(config()).await;
    let http = server.http();
    let (valid, invalid) = (valid(12), invalid());
    let first = http.verify(valid.clone(), 12).await.unwrap();
    let again = http.verify(valid, 12).await.unwrap();
    assert!(!first.cached && again.cached);
    assert_eq!(again.elapsed_ms, 0.0);
    assert_eq!(
        (again.verdict, again.gas_used, &again.message),
        (first.verdict, first.gas_used, &first.message)
    );
    // a verdict is cached per proof and size, whatever it is
    let rejected = http.verify(invalid.clone(), 12).await.unwrap();
    let rejected_again = http.verify(invalid.clone(), 12).await.unwrap();
    assert_eq!(rejected.verdict, Verdict::Invalid);
    assert!(!rejected.cached && rejected_again.cached);
    let other_size = http.verify(invalid, 16).await.unwrap();
    assert!(!other_size.cached);
    server.stop().await;
}

#[tokio::test]
async fn no_cache_verifies_every_time() {
    let server = TestServer::start(RpcConfig {
        cache_entries: 0,
        ..config()
    })
    .await;
    let http = server.http();
    for _ in 0..2 {
        assert!(!http.verify(valid(12), 12).await.unwrap().cached);
    }
    server.stop().await;
}
