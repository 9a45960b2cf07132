//! Tenants: each key is its tenant's, with its own rate and quota; a
//! wrong or missing key costs no verification; the file reloads in place.

mod common;

use common::*;
use jsonrpsee::http_client::HeaderMap;
use ligerito_rpc::{error, LigeritoApiClient, RpcConfig};
use std::time::Duration;

const TWO: &str = r#"
[[tenant]]
name = "acme"
keys = ["acme-key"]
rate_limit = 2
max_concurrent = 1

[[tenant]]
name = "globex"
keys = ["globex-key"]
"#;

fn with_tenants(file: &TenantsFile, base: RpcConfig) -> RpcConfig {
    RpcConfig {
        tenants_file: Some(file.0.clone()),
        tenants_poll: Duration::from_millis(50),
        ..base
    }
}

fn bearer(key: &str) -> HeaderMap {
    authorization(&format!("Bearer {key}"))
}

fn authorization(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("Authorization", value.parse().unwrap());
    headers
}

/// The HTTP client's error for a 401.
fn refused_401(e: jsonrpsee::core::ClientError) {
    assert!(e.to_string().contains("401"), "{e}");
}

#[tokio::test]
async fn a_wrong_or_missing_key_gets_401_and_costs_no_verification() {
    let file = TenantsFile::new("401", TWO);
    let server = TestServer::start(with_tenants(&file, config())).await;
    let long = "k".repeat(10_000);
    for headers in [
        HeaderMap::new(),
        bearer("nope"),
        bearer(&long),
        authorization("Basic YWNtZS1rZXk6"),
    ] {
        let header: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        let header: Vec<(&str, &str)> = header
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"ligerito_verify","params":["{}",12]}}"#,
            valid(12)
        );
        let mut with_type = header.clone();
        with_type.push(("Content-Type", "application/json"));
        let (status, _) = raw_http(server.addr, "POST", "/", &with_type, body.as_bytes()).await;
        assert_eq!(status, 401);
        let rest = format!(r#"{{"proof_size":12,"proof_bytes":"{}"}}"#, valid(12));
        let (status, head, _) =
            exchange(server.addr, "POST", "/verify", &with_type, rest.as_bytes()).await;
        assert_eq!(status, 401);
        assert!(head.contains("www-authenticate: Bearer"), "{head}");
        assert!(server.ws_with(headers).await.is_err());
    }
    assert_eq!(metric(&server.rpc, "ligerito_rpc_unauthorized_total"), 12);
    assert_eq!(
        metric(&server.rpc, "ligerito_rpc_verify_duration_seconds_count"),
        0
    );
    assert_eq!(metric(&server.rpc, "ligerito_rpc_cache_misses_total"), 0);
    let ok = server.http_with(bearer("globex-key"));
    assert!(ok.verify(valid(12), 12).await.unwrap().valid);
    server.stop().await;
}

#[tokio::test]
async fn each_tenant_has_its_own_rate_and_cache() {
    let file = TenantsFile::new("rate", TWO);
    let server = TestServer::start(RpcConfig {
        max_batch: 2,
        ..with_tenants(&file, config())
    })
    .await;
    let acme = server.http_with(bearer("acme-key"));
    let globex = server.http_with(bearer("globex-key"));
    let first = acme.verify(valid(12), 12).await.unwrap();
    assert!(!first.cached);
    // Another tenant never sees acme's verdicts in the cache.
    assert!(!globex.verify(valid(12), 12).await.unwrap().cached);
    assert!(acme.verify(valid(12), 12).await.unwrap().cached);
    // acme's bucket (2 a second, 2 deep) is empty now, or after a call or two
    // more on a machine so loaded that it refilled; globex's is not limited.
    let mut acme_valid = 2;
    let refused = loop {
        match acme.verify(valid(12), 12).await {
            Ok(result) => {
                assert!(result.cached);
                acme_valid += 1;
                assert!(acme_valid <= 6, "acme was never rate limited");
            }
            Err(e) => break e,
        }
    };
    let (code, message) = code(refused);
    assert_eq!(code, error::RATE_LIMITED);
    assert!(message.contains("acme"), "{message}");
    for _ in 0..5 {
        globex.verify(invalid(), 12).await.unwrap();
    }
    let text = metrics_text(&server.rpc);
    let acme_line = format!(
        r#"ligerito_rpc_tenant_requests_total{{tenant="acme",verdict="valid"}} {acme_valid}"#
    );
    for line in [
        acme_line.as_str(),
        r#"ligerito_rpc_tenant_requests_total{tenant="acme",verdict="rate_limited"} 1"#,
        r#"ligerito_rpc_tenant_requests_total{tenant="globex",verdict="valid"} 1"#,
        r#"ligerito_rpc_tenant_requests_total{tenant="globex",verdict="invalid"} 5"#,
        "ligerito_rpc_tenants 2",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_tenants_quota_holds_while_others_verify() {
    let file = TenantsFile::new(
        "quota",
        "[[tenant]]\nname = \"acme\"\nkeys = [\"acme-key\"]\nmax_concurrent = 1\n\
         [[tenant]]\nname = \"globex\"\nkeys = [\"globex-key\"]\n",
    );
    let server = TestServer::start_slow(RpcConfig {
        workers: 2,
        queue: 8,
        max_batch: 4,
        ..with_tenants(&file, config())
    })
    .await;
    let acme = server.http_with(bearer("acme-key"));
    let globex = server.http_with(bearer("globex-key"));
    let acme_calls = futures::future::join_all((0..4).map(|_| acme.verify(valid(12), 12)));
    let globex_calls = futures::future::join_all((0..4).map(|_| globex.verify(valid(12), 12)));
    let (acme_results, globex_results) = tokio::join!(acme_calls, globex_calls);
    let refused: Vec<i32> = acme_results
        .into_iter()
        .filter_map(|r| r.err().map(|e| code(e).0))
        .collect();
    assert!(!refused.is_empty(), "4 calls at once over a quota of 1");
    assert!(refused.iter().all(|c| *c == error::QUOTA), "{refused:?}");
    assert!(globex_results
        .iter()
        .all(|r| r.as_ref().is_ok_and(|v| v.valid)));
    let (status, head, body) = exchange(
        server.addr,
        "POST",
        "/verify",
        &[("Authorization", "Bearer acme-key")],
        b"{}",
    )
    .await;
    // A bad body is still a 400: the quota only counts verifications.
    assert_eq!(status, 400, "{head}{body}");
    server.stop().await;
}

#[tokio::test]
async fn the_tenants_file_reloads_without_a_restart() {
    let file = TenantsFile::new("reload", TWO);
    let server = TestServer::start(with_tenants(&file, config())).await;
    let globex = server.http_with(bearer("globex-key"));
    let newcorp = server.http_with(bearer("newcorp-key"));
    assert!(globex.verify(valid(12), 12).await.is_ok());
    refused_401(newcorp.verify(valid(12), 12).await.unwrap_err());

    file.write("[[tenant]]\nname = \"newcorp\"\nkeys = [\"newcorp-key\"]\n");
    wait_for("the new tenant", || {
        metric(
            &server.rpc,
            r#"ligerito_rpc_tenant_reloads_total{result="ok"}"#,
        ) >= 1
    })
    .await;
    assert!(newcorp.verify(valid(12), 12).await.is_ok());
    refused_401(globex.verify(valid(12), 12).await.unwrap_err());

    // A broken file is refused and the tenants stay as they were.
    file.write("[[tenant]]\nname = \"bad name\"\nkeys = [\"x\"]\n");
    wait_for("the refused reload", || {
        metric(
            &server.rpc,
            r#"ligerito_rpc_tenant_reloads_total{result="error"}"#,
        ) >= 1
    })
    .await;
    assert!(newcorp.verify(valid(12), 12).await.is_ok());
    let refused = server.rpc.reload_tenants().unwrap_err().to_string();
    assert!(refused.contains("bad name"), "{refused}");
    server.stop().await;
}

#[tokio::test]
async fn a_key_removed_by_a_reload_is_refused_on_an_open_websocket() {
    let file = TenantsFile::new("websocket", TWO);
    let server = TestServer::start(with_tenants(&file, config())).await;
    let globex = server.ws_with(bearer("globex-key")).await.unwrap();
    assert!(globex.verify(valid(12), 12).await.unwrap().valid);

    file.write("[[tenant]]\nname = \"acme\"\nkeys = [\"acme-key\"]\n");
    wait_for("the reload", || {
        metric(
            &server.rpc,
            r#"ligerito_rpc_tenant_reloads_total{result="ok"}"#,
        ) >= 1
    })
    .await;
    // the connection stays open; its calls are refused from now on
    match globex.verify(valid(12), 12).await.unwrap_err() {
        jsonrpsee::core::ClientError::Call(e) => assert_eq!(e.code(), error::UNAUTHORIZED),
        other => panic!("{other}"),
    }
    assert!(globex.is_connected());
    let acme = server.ws_with(bearer("acme-key")).await.unwrap();
    assert!(acme.verify(valid(12), 12).await.unwrap().valid);
    server.stop().await;
}
