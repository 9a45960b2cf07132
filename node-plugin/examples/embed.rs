//! Embedding the Ligerito plugin in a node that has RPC methods of its own.
//!
//! A node builder opens a `LigeritoPlugin`, merges the plugin's RPC modules
//! into the node's own `RpcModule` (as a Substrate node merges its RPC
//! extensions), and seals blocks with the plugin when extrinsics arrive.
//! Block import and `ligerito_verify` share the plugin's executor.
//!
//! ```sh
//! cargo run --release -p ligerito-node --example embed -- --base-path /tmp/embed
//! curl -s localhost:9955 -H 'Content-Type: application/json' \
//!   -d '{"jsonrpc":"2.0","id":1,"method":"hello_world","params":[]}'
//! curl -s localhost:9955 -H 'Content-Type: application/json' \
//!   -d '{"jsonrpc":"2.0","id":1,"method":"ligerito_config","params":[]}'
//! ```

use anyhow::Context;
use clap::Parser;
use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use jsonrpsee::RpcModule;
use ligerito_node::chain::Header;
use ligerito_node::plugin::{LigeritoPlugin, PluginConfig};
use ligerito_node::rpc::{NodeApiServer, NodeRpc};
use ligerito_rpc::{LigeritoApiServer, LigeritoRpc, RpcConfig};
use ligerito_runtime::MAX_EXTRINSIC_LEN;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{broadcast, Notify};
use tokio::task::JoinHandle;

#[derive(Parser)]
struct Args {
    /// Where the plugin keeps its chain database.
    #[arg(long)]
    base_path: PathBuf,
    /// Address for JSON-RPC over HTTP and WebSocket.
    #[arg(long, default_value = "127.0.0.1:9955")]
    rpc_addr: SocketAddr,
}

/// The node's own methods, which know nothing of Ligerito.
fn own_methods() -> RpcModule<()> {
    let mut module = RpcModule::new(());
    module
        .register_method("hello_world", |_, _, _| "hello, world")
        .expect("the only method of this name");
    module
}

/// The node's module with the plugin's merged in: the chain's `author_`,
/// `chain_`, `state_`, `system_` and `ligerito_*` methods, and the
/// verifier's `ligerito_verify*`. A name registered twice is an error.
fn rpc_module(
    plugin: &Arc<LigeritoPlugin>,
    heads: broadcast::Sender<Header>,
    on_submit: Arc<Notify>,
) -> anyhow::Result<RpcModule<()>> {
    let mut module = own_methods();
    module.merge(NodeRpc::new(plugin, heads, Some(on_submit)).into_rpc())?;
    let verifier = LigeritoRpc::new(plugin.executor(), RpcConfig::default())?;
    module.merge(verifier.into_rpc())?;
    Ok(module)
}

/// The node's block production: seals what the pool holds on each
/// submission, off the async runtime (sealing runs the verifier).
async fn seal_on_submit(
    plugin: Arc<LigeritoPlugin>,
    wake: Arc<Notify>,
    heads: broadcast::Sender<Header>,
) {
    loop {
        wake.notified().await;
        let sealing = plugin.clone();
        match tokio::task::spawn_blocking(move || sealing.seal_pending()).await {
            Ok(Ok(Some(sealed))) => {
                // No subscriber is not an error.
                let _ = heads.send(sealed.block.header);
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => eprintln!("sealing failed: {e}"),
            Err(e) => eprintln!("sealing panicked: {e}"),
        }
    }
}

struct Node {
    addr: SocketAddr,
    server: ServerHandle,
    sealer: JoinHandle<()>,
}

impl Node {
    async fn start(plugin: Arc<LigeritoPlugin>, addr: SocketAddr) -> anyhow::Result<Self> {
        let wake = Arc::new(Notify::new());
        let (heads, _) = broadcast::channel(64);
        let module = rpc_module(&plugin, heads.clone(), wake.clone())?;
        // An extrinsic is hex (twice its bytes) inside a small JSON envelope.
        let config = ServerConfig::builder()
            .max_request_body_size((MAX_EXTRINSIC_LEN * 2 + 4096) as u32)
            .build();
        let server = Server::builder()
            .set_config(config)
            .build(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let addr = server.local_addr()?;
        Ok(Self {
            addr,
            server: server.start(module),
            sealer: tokio::spawn(seal_on_submit(plugin, wake, heads)),
        })
    }

    /// Stops serving once in-flight calls finish, then stops sealing.
    async fn stop(self) {
        // Stopping twice is harmless; the handle only reports it.
        let _ = self.server.stop();
        self.server.stopped().await;
        self.sealer.abort();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = PluginConfig::dev(args.base_path);
    let plugin = tokio::task::spawn_blocking(move || LigeritoPlugin::open(config)).await??;
    let node = Node::start(Arc::new(plugin), args.rpc_addr).await?;
    println!("JSON-RPC on {} (Ctrl-C stops it)", node.addr);
    tokio::signal::ctrl_c().await?;
    node.stop().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Encode;
    use jsonrpsee::core::client::ClientT;
    use jsonrpsee::http_client::HttpClientBuilder;
    use jsonrpsee::rpc_params;
    use ligerito_node::rpc::ReceiptJson;
    use ligerito_runtime::{dev_account, Call, UncheckedExtrinsic};
    use ligerito_tests::proof_with_seed;
    use sp_core::bounded::BoundedVec;
    use sp_core::H256;
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn own_and_plugin_methods_answer_on_one_server() {
        let base = std::env::temp_dir().join(format!("ligerito-embed-{}", std::process::id()));
        let plugin = LigeritoPlugin::open(PluginConfig::dev(base.clone())).unwrap();
        let node = Node::start(Arc::new(plugin), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let client = HttpClientBuilder::default()
            .request_timeout(Duration::from_secs(60))
            .build(format!("http://{}", node.addr))
            .unwrap();

        let hello: String = client.request("hello_world", rpc_params![]).await.unwrap();
        assert_eq!(hello, "hello, world");
        let proof = proof_with_seed(12, 61);
        let verdict: serde_json::Value = client
            .request(
                "ligerito_verify",
                rpc_params![format!("0x{}", hex::encode(&proof)), 12],
            )
            .await
            .unwrap();
        assert_eq!(verdict["valid"], true);

        // Block import through the plugin, behind the same server.
        let genesis: String = client
            .request("ligerito_genesisHash", rpc_params![])
            .await
            .unwrap();
        let call = Call::Verify {
            log_size: 12,
            proof: BoundedVec::try_from(proof).unwrap(),
        };
        let genesis = H256::from_slice(&hex::decode(&genesis[2..]).unwrap());
        let xt = UncheckedExtrinsic::sign(&dev_account("bob"), call, 0, genesis);
        let _: String = client
            .request(
                "author_submitExtrinsic",
                rpc_params![format!("0x{}", hex::encode(xt.encode()))],
            )
            .await
            .unwrap();
        let start = Instant::now();
        let receipt = loop {
            let receipt: Option<ReceiptJson> = client
                .request("ligerito_blockReceipt", rpc_params![1])
                .await
                .unwrap();
            if let Some(receipt) = receipt {
                break receipt;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "never sealed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(receipt.extrinsics[0].success);

        node.stop().await;
        std::fs::remove_dir_all(base).unwrap();
    }
}
