//! The node's JSON-RPC methods, with Substrate's names and shapes so that
//! Substrate tooling finds what it expects. docs/NODE.md lists them.

use crate::chain::{Block, Chain, Header, Receipt};
use crate::plugin::LigeritoPlugin;
use crate::pool::PoolError;
use codec::Encode;
use jsonrpsee::core::{async_trait, RpcResult, SubscriptionResult};
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::types::error::{ErrorObject, ErrorObjectOwned, INVALID_PARAMS_CODE};
use jsonrpsee::PendingSubscriptionSink;
use ligerito_runtime::{AccountId, InvalidTransaction, MAX_EXTRINSIC_LEN};
use serde::{Deserialize, Serialize};
use sp_core::crypto::Ss58Codec;
use sp_core::H256;
use std::sync::{Arc, Weak};
use tokio::sync::{broadcast, Notify};

/// The extrinsic is not hex, too long, or not exactly one extrinsic.
pub const BAD_FORMAT: i32 = 1001;
/// The extrinsic can never apply: bad signature, stale nonce or bad origin.
pub const INVALID_TRANSACTION: i32 = 1010;
/// The same extrinsic is already in the pool.
pub const ALREADY_IMPORTED: i32 = 1013;
/// The pool holds its maximum count or bytes.
pub const POOL_FULL: i32 = 1016;
/// A storage key longer than any this runtime writes (in hex characters).
const MAX_KEY_HEX: usize = 2 + 2 * 256;

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

/// A block number (JSON number or 0x-hex string) or a 0x-hex block hash.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BlockRef {
    Number(u64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderJson {
    pub parent_hash: String,
    /// 0x-hex, as Substrate writes it.
    pub number: String,
    pub state_root: String,
    pub extrinsics_root: String,
    pub digest: Digest,
}

/// Always empty: blocks carry no digest items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub logs: Vec<String>,
}

impl From<&Header> for HeaderJson {
    fn from(header: &Header) -> Self {
        Self {
            parent_hash: hex_hash(&header.parent_hash),
            number: format!("{:#x}", header.number),
            state_root: hex_hash(&header.state_root),
            extrinsics_root: hex_hash(&header.extrinsics_root),
            digest: Digest::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedBlockJson {
    pub block: BlockJson,
    /// Always null: finality is instant, nothing to justify.
    pub justifications: Option<()>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockJson {
    pub header: HeaderJson,
    /// 0x-hex SCALE extrinsics.
    pub extrinsics: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemHealth {
    pub peers: u32,
    pub is_syncing: bool,
    pub should_have_peers: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptJson {
    pub number: u64,
    pub hash: String,
    pub extrinsics: Vec<OutcomeJson>,
    pub events: Vec<EventJson>,
}

/// How one included extrinsic ended.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeJson {
    pub index: u32,
    pub hash: String,
    pub success: bool,
    /// The module error's name, e.g. `InvalidProof`, when it failed.
    pub error: Option<String>,
    pub weight: u64,
    pub actual_weight: u64,
    pub gas_used: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventJson {
    pub extrinsic_index: u32,
    /// 0x-hex SCALE `RuntimeEvent` (types in `state_getMetadata`).
    pub event: String,
    /// The same event for people; its wording is not a stable interface.
    pub readable: String,
}

impl ReceiptJson {
    fn new(block: &Block, receipt: &Receipt) -> Self {
        Self {
            number: block.header.number,
            hash: hex_hash(&block.header.hash()),
            extrinsics: block
                .extrinsics
                .iter()
                .zip(&receipt.outcomes)
                .enumerate()
                .map(|(index, (xt, outcome))| OutcomeJson {
                    index: index as u32,
                    hash: hex_hash(&extrinsic_hash(xt)),
                    success: outcome.result.is_ok(),
                    error: outcome.result.err().map(|e| format!("{e:?}")),
                    weight: outcome.info.weight,
                    actual_weight: outcome.info.actual_weight,
                    gas_used: outcome.gas_used,
                })
                .collect(),
            events: receipt
                .events
                .iter()
                .map(|record| EventJson {
                    extrinsic_index: record.extrinsic_index,
                    event: hex_bytes(&record.event.encode()),
                    readable: format!("{:?}", record.event),
                })
                .collect(),
        }
    }
}

/// The node's RPC state. Holds the plugin weakly so that stopping the node
/// closes the database even if a client still holds a subscription.
pub struct NodeRpc {
    plugin: Weak<LigeritoPlugin>,
    heads: broadcast::Sender<Header>,
    /// Woken after each accepted extrinsic when sealing is instant.
    on_submit: Option<Arc<Notify>>,
    metadata: serde_json::Value,
}

impl NodeRpc {
    pub fn new(
        plugin: &Arc<LigeritoPlugin>,
        heads: broadcast::Sender<Header>,
        on_submit: Option<Arc<Notify>>,
    ) -> Self {
        Self {
            plugin: Arc::downgrade(plugin),
            heads,
            on_submit,
            metadata: serde_json::to_value(ligerito_runtime::metadata::metadata())
                .expect("metadata serializes"),
        }
    }

    /// Runs `f` on a blocking thread: the chain lock is held while a block
    /// is sealed, which runs the verifier.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&LigeritoPlugin) -> Result<T, ErrorObjectOwned> + Send + 'static,
    ) -> RpcResult<T> {
        let plugin = self.plugin.upgrade().ok_or_else(stopping)?;
        tokio::task::spawn_blocking(move || f(&plugin))
            .await
            .map_err(internal)?
    }
}

#[async_trait]
impl NodeApiServer for NodeRpc {
    async fn submit_extrinsic(&self, extrinsic: String) -> RpcResult<String> {
        if extrinsic.len() > MAX_EXTRINSIC_LEN * 2 + 2 {
            return Err(ErrorObject::owned(
                BAD_FORMAT,
                format!("Extrinsic has invalid format: longer than {MAX_EXTRINSIC_LEN} bytes"),
                None::<()>,
            ));
        }
        let bytes = parse_hex(&extrinsic).map_err(|e| {
            ErrorObject::owned(
                BAD_FORMAT,
                format!("Extrinsic has invalid format: {e}"),
                None::<()>,
            )
        })?;
        let hash = self
            .blocking(move |plugin| plugin.submit(bytes).map_err(pool_error))
            .await?;
        if let Some(notify) = &self.on_submit {
            notify.notify_one();
        }
        Ok(hex_hash(&hash))
    }

    async fn pending_extrinsics(&self) -> RpcResult<Vec<String>> {
        self.blocking(|plugin| Ok(plugin.pending().iter().map(|xt| hex_bytes(xt)).collect()))
            .await
    }

    async fn block_hash(&self, number: Option<BlockRef>) -> RpcResult<Option<String>> {
        let number = match number {
            None => None,
            Some(BlockRef::Number(n)) => Some(n),
            Some(BlockRef::Text(text)) => Some(parse_number(&text)?),
        };
        self.blocking(move |plugin| {
            plugin.with_chain(|chain| {
                let number = number.unwrap_or(chain.best().number);
                Ok(header_at(chain, number)?.map(|h| hex_hash(&h.hash())))
            })
        })
        .await
    }

    async fn header(&self, hash: Option<String>) -> RpcResult<Option<HeaderJson>> {
        let hash = hash.as_deref().map(parse_hash).transpose()?;
        self.blocking(move |plugin| {
            plugin.with_chain(|chain| {
                let Some(number) = number_of(chain, hash)? else {
                    return Ok(None);
                };
                Ok(header_at(chain, number)?.as_ref().map(HeaderJson::from))
            })
        })
        .await
    }

    async fn block(&self, hash: Option<String>) -> RpcResult<Option<SignedBlockJson>> {
        let hash = hash.as_deref().map(parse_hash).transpose()?;
        self.blocking(move |plugin| {
            plugin.with_chain(|chain| {
                let Some(number) = number_of(chain, hash)? else {
                    return Ok(None);
                };
                Ok(block_at(chain, number)?.map(|(block, _)| SignedBlockJson {
                    block: BlockJson {
                        header: HeaderJson::from(&block.header),
                        extrinsics: block.extrinsics.iter().map(|xt| hex_bytes(xt)).collect(),
                    },
                    justifications: None,
                }))
            })
        })
        .await
    }

    async fn finalized_head(&self) -> RpcResult<String> {
        self.blocking(|plugin| Ok(plugin.with_chain(|chain| hex_hash(&chain.best().hash()))))
            .await
    }

    async fn storage(&self, key: String, at: Option<String>) -> RpcResult<Option<String>> {
        if key.len() > MAX_KEY_HEX {
            return Err(invalid_params(
                "storage key: longer than any key this runtime uses",
            ));
        }
        let key = parse_hex(&key).map_err(|e| invalid_params(format!("storage key: {e}")))?;
        let at = at.as_deref().map(parse_hash).transpose()?;
        self.blocking(move |plugin| {
            plugin.with_chain(|chain| {
                if at.is_some_and(|at| at != chain.best().hash()) {
                    return Err(invalid_params(
                        "at: only the best block's state is kept; pass null or the best hash",
                    ));
                }
                Ok(chain.runtime().storage(&key).map(|v| hex_bytes(&v)))
            })
        })
        .await
    }

    fn metadata(&self) -> RpcResult<serde_json::Value> {
        Ok(self.metadata.clone())
    }

    fn system_name(&self) -> RpcResult<String> {
        Ok("ligerito-node".to_owned())
    }

    fn system_version(&self) -> RpcResult<String> {
        Ok(env!("CARGO_PKG_VERSION").to_owned())
    }

    fn system_chain(&self) -> RpcResult<String> {
        Ok("Development".to_owned())
    }

    fn system_health(&self) -> RpcResult<SystemHealth> {
        Ok(SystemHealth {
            peers: 0,
            is_syncing: false,
            should_have_peers: false,
        })
    }

    async fn account_next_index(&self, account: String) -> RpcResult<u64> {
        let who = parse_account(&account)?;
        self.blocking(move |plugin| Ok(plugin.with_chain(|chain| chain.runtime().nonce(&who))))
            .await
    }

    async fn genesis_hash(&self) -> RpcResult<String> {
        self.blocking(|plugin| {
            Ok(plugin.with_chain(|chain| hex_hash(&chain.runtime().genesis_hash())))
        })
        .await
    }

    async fn block_receipt(&self, block: BlockRef) -> RpcResult<Option<ReceiptJson>> {
        let hash = match &block {
            BlockRef::Number(_) => None,
            BlockRef::Text(text) => Some(parse_hash(text)?),
        };
        self.blocking(move |plugin| {
            plugin.with_chain(|chain| {
                let number = match (block, hash) {
                    (BlockRef::Number(n), _) => n,
                    (_, hash) => match number_of(chain, hash)? {
                        Some(n) => n,
                        None => return Ok(None),
                    },
                };
                Ok(block_at(chain, number)?
                    .map(|(block, receipt)| ReceiptJson::new(&block, &receipt)))
            })
        })
        .await
    }

    async fn subscribe_new_heads(&self, pending: PendingSubscriptionSink) -> SubscriptionResult {
        // Subscribe before reading the best header, so no block falls between.
        let mut heads = self.heads.subscribe();
        let best = self
            .blocking(|plugin| Ok(plugin.with_chain(|chain| chain.best().clone())))
            .await?;
        let sink = pending.accept().await?;
        let mut next = Some(best);
        loop {
            if let Some(header) = next.take() {
                let message = serde_json::value::to_raw_value(&HeaderJson::from(&header))?;
                if sink.send(message).await.is_err() {
                    return Ok(());
                }
            }
            tokio::select! {
                head = heads.recv() => match head {
                    Ok(header) => next = Some(header),
                    // A slow client misses heads rather than holding the node's memory.
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                () = sink.closed() => return Ok(()),
            }
        }
    }
}

/// The block `hash` names (the best when `None`); `None` if unknown.
fn number_of(chain: &Chain, hash: Option<H256>) -> Result<Option<u64>, ErrorObjectOwned> {
    let Some(hash) = hash else {
        return Ok(Some(chain.best().number));
    };
    if hash == chain.genesis().hash() {
        return Ok(Some(0));
    }
    chain.store().number_of(&hash.0).map_err(internal)
}

fn header_at(chain: &Chain, number: u64) -> Result<Option<Header>, ErrorObjectOwned> {
    Ok(block_at(chain, number)?.map(|(block, _)| block.header))
}

/// Block `number` with its receipt; the genesis block is empty.
fn block_at(chain: &Chain, number: u64) -> Result<Option<(Block, Receipt)>, ErrorObjectOwned> {
    if number == 0 {
        let block = Block {
            header: chain.genesis().clone(),
            extrinsics: Vec::new(),
        };
        let receipt = Receipt {
            events: Vec::new(),
            outcomes: Vec::new(),
        };
        return Ok(Some((block, receipt)));
    }
    chain.store().block(number).map_err(internal)
}

fn pool_error(error: PoolError) -> ErrorObjectOwned {
    let (code, message) = match error {
        PoolError::Invalid(InvalidTransaction::Malformed) => (
            BAD_FORMAT,
            "Extrinsic has invalid format: not exactly one extrinsic".to_owned(),
        ),
        PoolError::Invalid(reason) => (
            INVALID_TRANSACTION,
            format!("Invalid Transaction: {reason}"),
        ),
        PoolError::AlreadyPending => (ALREADY_IMPORTED, "Transaction Already Imported".to_owned()),
        PoolError::Full => (
            POOL_FULL,
            "Immediately Dropped: the transaction pool is full".to_owned(),
        ),
    };
    ErrorObject::owned(code, message, None::<()>)
}

fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| "expected 0x-prefixed hex".to_owned())?;
    hex::decode(digits).map_err(|e| format!("bad hex: {e}"))
}

fn parse_hash(text: &str) -> Result<H256, ErrorObjectOwned> {
    match parse_hex(text) {
        Ok(bytes) if bytes.len() == 32 => Ok(H256::from_slice(&bytes)),
        Ok(bytes) => Err(invalid_params(format!(
            "block hash: expected 32 bytes, got {}",
            bytes.len()
        ))),
        Err(e) => Err(invalid_params(format!("block hash: {e}"))),
    }
}

fn parse_number(text: &str) -> Result<u64, ErrorObjectOwned> {
    text.strip_prefix("0x")
        .and_then(|digits| u64::from_str_radix(digits, 16).ok())
        .ok_or_else(|| {
            invalid_params(format!(
                "block number: expected a number or 0x-hex, got '{text}'"
            ))
        })
}

fn parse_account(text: &str) -> Result<AccountId, ErrorObjectOwned> {
    if let Ok(bytes) = parse_hex(text) {
        return <[u8; 32]>::try_from(bytes)
            .map(AccountId::from_raw)
            .map_err(|_| invalid_params("account: expected a 32-byte public key"));
    }
    AccountId::from_ss58check(text)
        .map_err(|e| invalid_params(format!("account: not SS58 or 0x-hex: {e}")))
}

fn extrinsic_hash(xt: &[u8]) -> H256 {
    H256(sp_crypto_hashing::blake2_256(xt))
}

/// Full 0x-hex (`Display` abbreviates a hash).
fn hex_hash(hash: &H256) -> String {
    format!("{hash:?}")
}

fn hex_bytes(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_PARAMS_CODE, message.into(), None::<()>)
}

fn internal(error: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObject::owned(
        jsonrpsee::types::error::INTERNAL_ERROR_CODE,
        format!("internal: {error}"),
        None::<()>,
    )
}

fn stopping() -> ErrorObjectOwned {
    internal("the node is stopping")
}
