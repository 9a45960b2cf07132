//! The development node's Prometheus endpoint, scraped as Prometheus would
//! after valid, failing, refused and malformed extrinsics.

mod common;

use codec::Encode;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use ligerito_node::node::{Listeners, NodeConfig, Sealing};
use ligerito_node::plugin::PluginConfig;
use ligerito_rpc::RpcConfig;
use ligerito_runtime::{dev_account, Call, UncheckedExtrinsic};
use ligerito_tests::proof_with_seed;
use sp_core::bounded::BoundedVec;
use sp_core::H256;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

fn loopback() -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    listener
}

fn verify_xt(nonce: u64, proof: Vec<u8>, genesis: H256) -> String {
    let call = Call::Verify {
        log_size: 12,
        proof: BoundedVec::try_from(proof).unwrap(),
    };
    let xt = UncheckedExtrinsic::sign(&dev_account("bob"), call, nonce, genesis);
    format!("0x{}", hex::encode(xt.encode()))
}

/// `GET /metrics`: the status and the body.
async fn scrape(addr: SocketAddr) -> (u16, String) {
    tokio::task::spawn_blocking(move || common::http(addr, "GET", "/metrics", ""))
        .await
        .unwrap()
}

/// The value of the sample `series` (name and labels exactly as exported).
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        Some(value.parse().unwrap())
    })
}

async fn wait_for_block(client: &HttpClient, number: &str) {
    let start = Instant::now();
    loop {
        let header: serde_json::Value = client
            .request("chain_getHeader", rpc_params![])
            .await
            .unwrap();
        if header["number"] == number {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "block {number} not sealed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_blocks_outcomes_and_refusals_beside_the_rpc_metrics() {
    let base = std::env::temp_dir().join(format!("ligerito-metrics-{}", std::process::id()));
    let (rpc, prometheus) = (loopback(), loopback());
    let (rpc_addr, metrics_addr) = (rpc.local_addr().unwrap(), prometheus.local_addr().unwrap());
    let config = NodeConfig {
        plugin: PluginConfig::dev(base.clone()),
        sealing: Sealing::Instant,
        rpc: RpcConfig::default(),
    };
    let listeners = Listeners {
        rpc,
        prometheus: Some(prometheus),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let node = tokio::spawn(ligerito_node::node::run(config, listeners, async {
        let _ = stopped.await;
    }));
    let client = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(60))
        .build(format!("http://{rpc_addr}"))
        .unwrap();

    let (status, body) = scrape(metrics_addr).await;
    assert_eq!(status, 200);
    assert_eq!(
        sample(&body, "ligerito_node_block_height{status=\"best\"}"),
        Some(0.0)
    );

    let genesis: String = client
        .request("ligerito_genesisHash", rpc_params![])
        .await
        .unwrap();
    let genesis = H256::from_slice(&hex::decode(&genesis[2..]).unwrap());
    let submit = |xt: String| {
        let client = client.clone();
        async move {
            client
                .request::<String, _>("author_submitExtrinsic", rpc_params![xt])
                .await
        }
    };

    // Included and recorded.
    submit(verify_xt(0, proof_with_seed(12, 51), genesis))
        .await
        .unwrap();
    wait_for_block(&client, "0x1").await;
    // Refused at submission: signed for another chain, and not hex.
    submit(verify_xt(1, proof_with_seed(12, 52), H256::zero()))
        .await
        .unwrap_err();
    submit("0xzz".to_owned()).await.unwrap_err();
    // Included but failed.
    let mut tampered = proof_with_seed(12, 53);
    tampered[100] ^= 1;
    submit(verify_xt(1, tampered, genesis)).await.unwrap();
    wait_for_block(&client, "0x2").await;
    // The verifier's own method, served on the same port.
    let proof = format!("0x{}", hex::encode(proof_with_seed(12, 51)));
    let _: serde_json::Value = client
        .request("ligerito_verify", rpc_params![proof, 12])
        .await
        .unwrap();

    let (_, body) = scrape(metrics_addr).await;
    let value =
        |series: &str| sample(&body, series).unwrap_or_else(|| panic!("no {series} in\n{body}"));
    assert_eq!(value("ligerito_node_block_height{status=\"best\"}"), 2.0);
    assert_eq!(
        value("ligerito_node_block_height{status=\"finalized\"}"),
        2.0
    );
    assert_eq!(
        value("ligerito_node_extrinsics_total{outcome=\"success\",error=\"\"}"),
        1.0
    );
    assert_eq!(
        value("ligerito_node_extrinsics_total{outcome=\"failed\",error=\"InvalidProof\"}"),
        1.0
    );
    assert_eq!(
        value("ligerito_node_extrinsics_refused_total{stage=\"pool\",reason=\"bad_signature\"}"),
        1.0
    );
    assert_eq!(
        value("ligerito_node_extrinsics_refused_total{stage=\"pool\",reason=\"malformed\"}"),
        1.0
    );
    assert_eq!(value("ligerito_node_block_gas_used_count"), 2.0);
    assert!(value("ligerito_node_block_gas_used_sum") > 0.0);
    assert!(value("ligerito_node_last_block_gas_used") > 0.0);
    assert_eq!(
        value("ligerito_node_block_seal_duration_seconds_count"),
        2.0
    );
    assert_eq!(value("ligerito_node_pool_extrinsics"), 0.0);
    assert_eq!(
        value("ligerito_rpc_requests_total{method=\"ligerito_verify\",verdict=\"valid\"}"),
        1.0
    );

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), node)
        .await
        .expect("the node stops")
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(metrics_addr).is_err(),
        "the metrics endpoint closes with the node"
    );
    std::fs::remove_dir_all(base).unwrap();
}
