//! The development node driven over JSON-RPC, as a wallet or indexer
//! would: submit, watch new heads, read blocks, receipts and storage,
//! restart and continue.

use codec::{Decode, Encode};
use jsonrpsee::core::client::{ClientT, Subscription, SubscriptionClientT};
use jsonrpsee::core::ClientError;
use jsonrpsee::rpc_params;
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use ligerito_node::node::{Listeners, NodeConfig, Sealing};
use ligerito_node::plugin::PluginConfig;
use ligerito_node::rpc::{HeaderJson, ReceiptJson, INVALID_TRANSACTION};
use ligerito_rpc::RpcConfig;
use ligerito_runtime::storage::COMMITMENTS;
use ligerito_runtime::{dev_account, Call, Event, RuntimeEvent, UncheckedExtrinsic, MAX_CODE_LEN};
use ligerito_tests::proof_with_seed;
use serde_json::Value;
use sp_core::bounded::BoundedVec;
use sp_core::crypto::Ss58Codec;
use sp_core::{Pair, H256};
use std::path::Path;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct RunningNode {
    addr: std::net::SocketAddr,
    client: WsClient,
    stop: oneshot::Sender<()>,
    node: JoinHandle<Result<(), ligerito_node::node::NodeError>>,
}

impl RunningNode {
    async fn start(base: &Path) -> Self {
        Self::start_sealing(base, Sealing::Instant).await
    }

    async fn start_sealing(base: &Path, sealing: Sealing) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let config = NodeConfig {
            plugin: PluginConfig::dev(base.to_owned()),
            sealing,
            rpc: RpcConfig::default(),
        };
        let (stop, stopped) = oneshot::channel();
        let listeners = Listeners {
            rpc: listener,
            prometheus: None,
        };
        let node = tokio::spawn(ligerito_node::node::run(config, listeners, async {
            let _ = stopped.await;
        }));
        let client = WsClientBuilder::default()
            .request_timeout(Duration::from_secs(30))
            .build(format!("ws://{addr}"))
            .await
            .unwrap();
        Self {
            addr,
            client,
            stop,
            node,
        }
    }

    /// Stops the node while the client is still connected, as on SIGTERM.
    async fn stop(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(30), self.node)
            .await
            .expect("the node stops with clients connected")
            .unwrap()
            .unwrap();
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: jsonrpsee::core::params::ArrayParams,
    ) -> T {
        self.client.request(method, params).await.unwrap()
    }

    async fn verify_xt(&self, nonce: u64, proof: Vec<u8>, genesis: H256) -> String {
        let call = Call::Verify {
            log_size: 12,
            proof: BoundedVec::try_from(proof).unwrap(),
        };
        let xt = UncheckedExtrinsic::sign(&dev_account("bob"), call, nonce, genesis);
        format!("0x{}", hex::encode(xt.encode()))
    }

    async fn genesis(&self) -> H256 {
        let hex: String = self.call("ligerito_genesisHash", rpc_params![]).await;
        H256::from_slice(&hex::decode(&hex[2..]).unwrap())
    }
}

async fn next_head(heads: &mut Subscription<HeaderJson>) -> HeaderJson {
    tokio::time::timeout(Duration::from_secs(30), heads.next())
        .await
        .expect("a new head within 30 s")
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_node_seals_serves_and_continues_after_a_restart() {
    let base = std::env::temp_dir().join(format!("ligerito-dev-node-{}", std::process::id()));
    let node = RunningNode::start(&base).await;
    let mut heads: Subscription<HeaderJson> = node
        .client
        .subscribe(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        )
        .await
        .unwrap();
    assert_eq!(next_head(&mut heads).await.number, "0x0", "the best first");
    let genesis = node.genesis().await;

    // A valid proof: sealed at once and its commitment recorded.
    let proof = proof_with_seed(12, 21);
    let valid = node.verify_xt(0, proof.clone(), genesis).await;
    let hash: String = node
        .call("author_submitExtrinsic", rpc_params![valid.clone()])
        .await;
    assert_eq!(hash.len(), 66);
    let first = next_head(&mut heads).await;
    assert_eq!(first.number, "0x1");
    let first_hash: String = node.call("chain_getBlockHash", rpc_params![1]).await;
    let block: Value = node
        .call("chain_getBlock", rpc_params![first_hash.clone()])
        .await;
    assert_eq!(block["block"]["extrinsics"], serde_json::json!([valid]));
    assert_eq!(
        serde_json::from_value::<HeaderJson>(block["block"]["header"].clone()).unwrap(),
        first
    );
    let receipt: ReceiptJson = node
        .call("ligerito_blockReceipt", rpc_params![first_hash.clone()])
        .await;
    assert_eq!(receipt.extrinsics[0].hash, hash);
    assert!(receipt.extrinsics[0].success);
    assert!(receipt.extrinsics[0].gas_used > 0);
    let commitment = receipt
        .events
        .iter()
        .find_map(|e| {
            let bytes = hex::decode(&e.event[2..]).unwrap();
            match RuntimeEvent::decode(&mut &bytes[..]).unwrap() {
                RuntimeEvent::Ligerito(Event::ProofVerified {
                    who, commitment, ..
                }) => Some((who, commitment)),
                _ => None,
            }
        })
        .expect("ProofVerified");
    assert_eq!(commitment.0, dev_account("bob").public(), "bob's record");
    let key = format!(
        "0x{}",
        hex::encode(COMMITMENTS.double_key(&commitment.1, &commitment.0))
    );
    let stored: Option<String> = node.call("state_getStorage", rpc_params![key]).await;
    assert!(stored.is_some(), "the commitment is recorded under bob");

    // The verifier's methods share the port.
    let verdict: Value = node
        .call(
            "ligerito_verify",
            rpc_params![format!("0x{}", hex::encode(&proof)), 12],
        )
        .await;
    assert_eq!(verdict["valid"], true);

    // A bad signature is refused at submission with the documented error.
    let wrong_chain = node
        .verify_xt(1, proof_with_seed(12, 22), H256::zero())
        .await;
    let refused = node
        .client
        .request::<String, _>("author_submitExtrinsic", rpc_params![wrong_chain])
        .await
        .unwrap_err();
    let ClientError::Call(error) = refused else {
        panic!("{refused}")
    };
    assert_eq!(error.code(), INVALID_TRANSACTION);
    assert!(error.message().contains("bad signature"), "{error:?}");

    // An invalid proof is included and fails.
    let mut tampered = proof_with_seed(12, 23);
    tampered[100] ^= 1;
    let invalid = node.verify_xt(1, tampered, genesis).await;
    let _: String = node
        .call("author_submitExtrinsic", rpc_params![invalid])
        .await;
    assert_eq!(next_head(&mut heads).await.number, "0x2");
    let receipt: ReceiptJson = node.call("ligerito_blockReceipt", rpc_params![2]).await;
    assert!(!receipt.extrinsics[0].success);
    assert_eq!(receipt.extrinsics[0].error.as_deref(), Some("InvalidProof"));
    assert!(receipt.extrinsics[0].gas_used > 0, "the guest ran");
    // A failed call keeps no module event, as in FRAME: only the failure.
    let events: Vec<&str> = receipt.events.iter().map(|e| e.readable.as_str()).collect();
    assert!(
        matches!(&events[..], [failed] if failed.contains("ExtrinsicFailed")),
        "{events:?}"
    );
    let best: String = node.call("chain_getFinalizedHead", rpc_params![]).await;
    assert_eq!(best, receipt.hash);
    node.stop().await;
    assert!(heads.next().await.is_none(), "the subscription ends");

    // A restart continues at the same block.
    let node = RunningNode::start(&base).await;
    let header: HeaderJson = node.call("chain_getHeader", rpc_params![]).await;
    assert_eq!(header.number, "0x2");
    let nonce: u64 = node
        .call(
            "system_accountNextIndex",
            rpc_params![dev_account("bob").public().to_ss58check()],
        )
        .await;
    assert_eq!(nonce, 2);
    let next = node.verify_xt(2, proof_with_seed(12, 24), genesis).await;
    let _: String = node.call("author_submitExtrinsic", rpc_params![next]).await;
    let third = loop {
        let header: HeaderJson = node.call("chain_getHeader", rpc_params![]).await;
        if header.number == "0x3" {
            break header;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(third.parent_hash, best);
    node.stop().await;
    std::fs::remove_dir_all(base).unwrap();
}

/// A block holds what fits (three code upgrades of 1 MiB in the 3.75 MiB
/// normal extrinsics may fill); the rest waits for the next block, and a
/// stopping node seals until nothing that can apply is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_block_leaves_the_rest_for_the_next_and_stopping_seals_it_all() {
    let base = std::env::temp_dir().join(format!("ligerito-dev-node-full-{}", std::process::id()));
    // No tick but the first, at start: the pool fills, and stopping seals it.
    let node =
        RunningNode::start_sealing(&base, Sealing::Interval(Duration::from_secs(3600))).await;
    let genesis = node.genesis().await;
    for nonce in 0..4u64 {
        let call = Call::SetVerifierCode {
            code: BoundedVec::truncate_from(vec![nonce as u8; MAX_CODE_LEN as usize]),
        };
        let xt = UncheckedExtrinsic::sign(&dev_account("alice"), call, nonce, genesis);
        let xt = format!("0x{}", hex::encode(xt.encode()));
        let _: String = node.call("author_submitExtrinsic", rpc_params![xt]).await;
    }
    node.stop().await;

    let node = RunningNode::start(&base).await;
    // Usually blocks of 3 and 1; of 1 and 3 if the first tick came after
    // the first submission. Either way all four, at most three a block.
    let best: HeaderJson = node.call("chain_getHeader", rpc_params![]).await;
    assert_eq!(best.number, "0x2");
    let mut included = Vec::new();
    for number in 1..=2 {
        let hash: String = node.call("chain_getBlockHash", rpc_params![number]).await;
        let block: Value = node.call("chain_getBlock", rpc_params![hash]).await;
        included.push(block["block"]["extrinsics"].as_array().unwrap().len());
    }
    included.sort();
    assert_eq!(included, [1, 3]);
    node.stop().await;
    std::fs::remove_dir_all(base).unwrap();
}

#[tokio::test]
async fn malformed_requests_get_clear_errors() {
    let base = std::env::temp_dir().join(format!("ligerito-dev-node-bad-{}", std::process::id()));
    let node = RunningNode::start(&base).await;
    let too_long = format!("0x{}", "00".repeat(ligerito_runtime::MAX_EXTRINSIC_LEN + 1));
    for (method, params, code) in [
        ("author_submitExtrinsic", rpc_params!["0x00"], 1001),
        ("author_submitExtrinsic", rpc_params!["zz"], 1001),
        ("author_submitExtrinsic", rpc_params![too_long], 1001),
        ("chain_getHeader", rpc_params!["0x1234"], -32602),
        ("state_getStorage", rpc_params!["nothex"], -32602),
        ("system_accountNextIndex", rpc_params!["alice"], -32602),
    ] {
        let error = node
            .client
            .request::<Value, _>(method, params)
            .await
            .unwrap_err();
        let ClientError::Call(error) = error else {
            panic!("{method}: {error}")
        };
        assert_eq!(error.code(), code, "{method}: {error:?}");
    }
    let unknown: Option<HeaderJson> = node
        .call(
            "chain_getHeader",
            rpc_params![format!("{:?}", H256::zero())],
        )
        .await;
    assert_eq!(unknown, None);
    let health: Value = node.call("system_health", rpc_params![]).await;
    assert_eq!(
        health,
        serde_json::json!({"peers": 0, "isSyncing": false, "shouldHavePeers": false})
    );
    node.stop().await;
    std::fs::remove_dir_all(base).unwrap();
}

/// Runs `ligerito-node tx verify` against `addr` with `proof` on standard input.
fn tx_verify(addr: std::net::SocketAddr, proof: Vec<u8>) -> std::process::Output {
    use std::io::Write;
    let mut tx = std::process::Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
        .args([
            "tx", "verify", "--size", "12", "--signer", "charlie", "--rpc",
        ])
        .arg(format!("http://{addr}"))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tx.stdin.take().unwrap().write_all(&proof).unwrap();
    tx.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tx_verify_command_waits_for_the_block_and_reports_the_outcome() {
    let base = std::env::temp_dir().join(format!("ligerito-dev-node-tx-{}", std::process::id()));
    let node = RunningNode::start(&base).await;
    let addr = node.addr;
    let recorded = tokio::task::spawn_blocking(move || tx_verify(addr, proof_with_seed(12, 31)))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&recorded.stderr);
    assert_eq!(recorded.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&recorded.stdout).unwrap();
    assert_eq!(report["block"], 1);
    assert_eq!(report["extrinsic"]["success"], true);
    assert!(report["events"].to_string().contains("ProofVerified"));

    let mut tampered = proof_with_seed(12, 32);
    tampered[100] ^= 1;
    let failed = tokio::task::spawn_blocking(move || tx_verify(addr, tampered))
        .await
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(report["extrinsic"]["error"], "InvalidProof");
    node.stop().await;
    std::fs::remove_dir_all(base).unwrap();
}

/// One HTTP/1.1 exchange over loopback; the status and the body.
async fn http(addr: std::net::SocketAddr, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        response.split_once("\r\n\r\n").unwrap().1.to_owned(),
    )
}

#[tokio::test]
async fn the_verifier_rest_routes_and_page_are_served_beside_json_rpc() {
    let base = std::env::temp_dir().join(format!("ligerito-dev-node-rest-{}", std::process::id()));
    let node = RunningNode::start(&base).await;
    let body = serde_json::json!({
        "proof_size": 12,
        "proof_bytes": hex::encode(proof_with_seed(12, 5)),
    })
    .to_string();
    let (status, answer) = http(
        node.addr,
        &format!(
            "POST /verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["valid"], true, "{answer}");
    assert!(answer["execution_time_ms"].is_u64());
    let (status, page) = http(
        node.addr,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: text/html\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("<form"), "{page}");
    // JSON-RPC on the same port is untouched.
    let genesis: String = node.call("ligerito_genesisHash", rpc_params![]).await;
    assert!(genesis.starts_with("0x"));
    node.stop().await;
    std::fs::remove_dir_all(base).unwrap();
}

/// Every key in `value`, nested ones included.
fn keys(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, value)| std::iter::once(key.clone()).chain(keys(value)))
            .collect(),
        Value::Array(items) => items.iter().flat_map(keys).collect(),
        _ => Vec::new(),
    }
}

/// docs/RPC.md "Casing": on the node's port, the verifier service's objects
/// are snake_case (the original REST API's, as its routes answer them) and
/// everything else is camelCase (Substrate's). A method added to the port
/// fails here until it is given a side.
#[tokio::test]
async fn every_object_the_port_answers_follows_the_casing_rule() {
    let base = std::env::temp_dir().join(format!("ligerito-dev-node-case-{}", std::process::id()));
    let node = RunningNode::start(&base).await;
    let genesis = node.genesis().await;
    let proof = format!("0x{}", hex::encode(proof_with_seed(12, 31)));
    let xt = node.verify_xt(0, proof_with_seed(12, 31), genesis).await;
    let _: String = node.call("author_submitExtrinsic", rpc_params![xt]).await;
    while node
        .call::<HeaderJson>("chain_getHeader", rpc_params![])
        .await
        .number
        != "0x1"
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let snake = |key: &str| {
        key.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let camel = |key: &str| {
        key.bytes().all(|b| b.is_ascii_alphanumeric())
            && key.starts_with(|c: char| c.is_ascii_lowercase())
    };
    let methods: Value = node.call("rpc_methods", rpc_params![]).await;
    let mut checked = 0;
    for method in methods["methods"].as_array().unwrap() {
        let method = method.as_str().unwrap();
        let (params, rule): (_, &dyn Fn(&str) -> bool) = match method {
            "ligerito_verify" => (rpc_params![proof.clone(), 12], &snake),
            "ligerito_verifyBatch" => (
                rpc_params![serde_json::json!([{"proof": proof, "log_size": 12}])],
                &snake,
            ),
            "ligerito_config" => (rpc_params![], &snake),
            "chain_getHeader" | "chain_getBlock" | "system_health" | "rpc_methods" => {
                (rpc_params![], &camel)
            }
            "ligerito_blockReceipt" => (rpc_params![1], &camel),
            // hex strings, numbers, names or lists of them
            "author_submitExtrinsic"
            | "author_pendingExtrinsics"
            | "chain_getBlockHash"
            | "chain_getFinalizedHead"
            | "state_getStorage"
            | "system_name"
            | "system_version"
            | "system_chain"
            | "system_accountNextIndex"
            | "ligerito_genesisHash" => continue,
            // headers, checked as chain_getHeader's
            "chain_subscribeNewHeads" | "chain_unsubscribeNewHeads" => continue,
            // scale-info's own serialization of the metadata
            "state_getMetadata" => continue,
            other => panic!("{other}: give it a side of the casing rule (docs/RPC.md)"),
        };
        let answer: Value = node.call(method, params).await;
        let keys = keys(&answer);
        assert!(!keys.is_empty(), "{method}: {answer}");
        for key in keys {
            assert!(rule(&key), "{method} answers {key:?}: {answer}");
        }
        checked += 1;
    }
    assert_eq!(checked, 8);
    node.stop().await;
    std::fs::remove_dir_all(base).unwrap();
}
