//! The node's methods: reads under the chain lock on a blocking thread,
//! submissions through the pool, new heads from the sealer.

use super::types::{hex_bytes, hex_hash};
use super::*;
use crate::block::{Block, Header, Receipt};
use crate::chain::Chain;
use crate::plugin::LigeritoPlugin;
use crate::pool::PoolError;
use jsonrpsee::core::async_trait;
use jsonrpsee::types::error::{ErrorObject, ErrorObjectOwned, INVALID_PARAMS_CODE};
use jsonrpsee::PendingSubscriptionSink;
use ligerito_runtime::{AccountId, InvalidTransaction, MAX_EXTRINSIC_LEN};
use sp_core::crypto::Ss58Codec;
use sp_core::H256;
use std::sync::{Arc, Weak};
use tokio::sync::{broadcast, Notify};

/// A storage key longer than any this runtime writes (in hex characters).
const MAX_KEY_HEX: usize = 2 + 2 * 256;

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

    /// Counts an extrinsic refused before it reached the pool.
    fn note_malformed(&self) {
        if let Some(plugin) = self.plugin.upgrade() {
            plugin.metrics().refused_malformed();
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
            self.note_malformed();
            return Err(ErrorObject::owned(
                BAD_FORMAT,
                format!("Extrinsic has invalid format: longer than {MAX_EXTRINSIC_LEN} bytes"),
                None::<()>,
            ));
        }
        let bytes = parse_hex(&extrinsic).map_err(|e| {
            self.note_malformed();
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
    ligerito_rpc::decode_hex(digits).map_err(|e| format!("bad hex: {e}"))
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

fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_PARAMS_CODE, message.into(), None::<()>)
}

fn internal(error: impl std::fmt::Display) -> ErrorObjectOwned {
    // The verifier's code for a host failure: one "internal" code per port.
    ErrorObject::owned(
        ligerito_rpc::error::INTERNAL,
        format!("internal: {error}"),
        None::<()>,
    )
}

fn stopping() -> ErrorObjectOwned {
    internal("the node is stopping")
}
