//! The node's JSON-RPC methods, with Substrate's names and shapes so that
//! Substrate tooling finds what it expects. docs/NODE.md lists them.

mod methods;
mod types;

pub use methods::NodeRpc;
pub use types::*;

use jsonrpsee::core::{RpcResult, SubscriptionResult};
use jsonrpsee::proc_macros::rpc;

/// The extrinsic is not hex, too long, or not exactly one extrinsic.
pub const BAD_FORMAT: i32 = 1001;
/// The extrinsic can never apply: bad signature, stale nonce or bad origin.
pub const INVALID_TRANSACTION: i32 = 1010;
/// The same extrinsic is already in the pool.
pub const ALREADY_IMPORTED: i32 = 1013;
/// The pool holds its maximum count or bytes.
pub const POOL_FULL: i32 = 1016;

#[rpc(server)]
pub trait NodeApi {
    /// Queues a 0x-hex SCALE `UncheckedExtrinsic`; returns its BLAKE2-256 hash.
    #[method(name = "author_submitExtrinsic")]
    async fn submit_extrinsic(&self, extrinsic: String) -> RpcResult<String>;

    #[method(name = "author_pendingExtrinsics")]
    async fn pending_extrinsics(&self) -> RpcResult<Vec<String>>;

    /// The hash of block `number` (a number or 0x-hex), or of the best block.
    #[method(name = "chain_getBlockHash")]
    async fn block_hash(&self, number: Option<BlockRef>) -> RpcResult<Option<String>>;

    #[method(name = "chain_getHeader")]
    async fn header(&self, hash: Option<String>) -> RpcResult<Option<HeaderJson>>;

    #[method(name = "chain_getBlock")]
    async fn block(&self, hash: Option<String>) -> RpcResult<Option<SignedBlockJson>>;

    /// Sealing is final at once, so this is the best block.
    #[method(name = "chain_getFinalizedHead")]
    async fn finalized_head(&self) -> RpcResult<String>;

    /// A raw storage value at the best block (`at` must be the best block or null).
    #[method(name = "state_getStorage")]
    async fn storage(&self, key: String, at: Option<String>) -> RpcResult<Option<String>>;

    /// The runtime metadata as JSON (`ligerito-node metadata --json`), not SCALE.
    #[method(name = "state_getMetadata")]
    fn metadata(&self) -> RpcResult<serde_json::Value>;

    #[method(name = "system_name")]
    fn system_name(&self) -> RpcResult<String>;

    #[method(name = "system_version")]
    fn system_version(&self) -> RpcResult<String>;

    #[method(name = "system_chain")]
    fn system_chain(&self) -> RpcResult<String>;

    #[method(name = "system_health")]
    fn system_health(&self) -> RpcResult<SystemHealth>;

    /// The next nonce of an account (SS58 or 0x-hex public key), counting
    /// none of its pending extrinsics.
    #[method(name = "system_accountNextIndex")]
    async fn account_next_index(&self, account: String) -> RpcResult<u64>;

    /// The hash extrinsics sign over (the runtime's genesis hash). It is
    /// not the genesis block's header hash.
    #[method(name = "ligerito_genesisHash")]
    async fn genesis_hash(&self) -> RpcResult<String>;

    /// A block's events and each extrinsic's outcome, by number or hash.
    #[method(name = "ligerito_blockReceipt")]
    async fn block_receipt(&self, block: BlockRef) -> RpcResult<Option<ReceiptJson>>;

    /// The best header now, then each new one.
    #[subscription(
        name = "chain_subscribeNewHeads" => "chain_newHead",
        unsubscribe = "chain_unsubscribeNewHeads",
        item = HeaderJson
    )]
    async fn subscribe_new_heads(&self) -> SubscriptionResult;
}
