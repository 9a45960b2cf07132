//! Blocks, receipts and the chain a node builds on the runtime.

use crate::store::{Store, StoreError};
use codec::{Decode, Encode};
use ligerito_executor::{Backend, Executor};
use ligerito_runtime::{
    ApplyError, ApplyOutcome, EventRecord, GenesisConfig, InvalidTransaction, Runtime,
};
use sp_core::H256;
use std::sync::Arc;

/// A block header in Substrate's shape.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Header {
    pub parent_hash: H256,
    pub number: u64,
    pub state_root: H256,
    pub extrinsics_root: H256,
}

impl Header {
    /// BLAKE2-256 of the SCALE-encoded header.
    pub fn hash(&self) -> H256 {
        H256(sp_crypto_hashing::blake2_256(&self.encode()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    pub header: Header,
    /// SCALE-encoded `UncheckedExtrinsic`s, in order.
    pub extrinsics: Vec<Vec<u8>>,
}

/// What executing a block produced, stored beside it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Receipt {
    pub events: Vec<EventRecord>,
    /// One per extrinsic: result, weight and gas.
    pub outcomes: Vec<ApplyOutcome>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the verifier cannot run on this node: {0}")]
    Executor(#[from] ligerito_executor::ExecutorError),
    #[error("block {number}: extrinsic {index} is invalid: {error}")]
    InvalidExtrinsic {
        number: u64,
        index: usize,
        error: InvalidTransaction,
    },
    #[error("block {number}: {what} differs from the stored one")]
    Mismatch { number: u64, what: &'static str },
}

/// The runtime plus the stored chain it has executed.
pub struct Chain {
    runtime: Runtime,
    store: Store,
    genesis: Header,
    best: Header,
}

impl Chain {
    /// Opens the chain in `store`, re-executing every stored block from
    /// genesis and checking it against what was stored.
    pub fn open(
        store: Store,
        genesis: GenesisConfig,
        executor: Arc<Executor>,
        backend: Backend,
    ) -> Result<Self, ChainError> {
        let mut runtime = Runtime::genesis(genesis, executor, backend);
        let genesis_header = Header {
            parent_hash: H256::zero(),
            number: 0,
            state_root: runtime.state_root(),
            extrinsics_root: ligerito_runtime::extrinsics_root(&[]),
        };
        let mut chain = Self {
            runtime,
            store,
            genesis: genesis_header.clone(),
            best: genesis_header,
        };
        for number in 1..=chain.store.best_number()?.unwrap_or(0) {
            let (block, receipt) = chain
                .store
                .block(number)?
                .ok_or(StoreError::Missing(number))?;
            let (header, executed) = chain.execute(number, &block.extrinsics)?;
            if header != block.header {
                return Err(ChainError::Mismatch {
                    number,
                    what: "header (state or extrinsics root)",
                });
            }
            if executed != receipt {
                return Err(ChainError::Mismatch {
                    number,
                    what: "receipt (events or gas)",
                });
            }
            chain.best = header;
        }
        Ok(chain)
    }

    pub fn best(&self) -> &Header {
        &self.best
    }

    /// Block 0's header; the store holds blocks from 1.
    pub fn genesis(&self) -> &Header {
        &self.genesis
    }

    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Seals a block of the candidates that apply; returns it with its
    /// receipt and the candidates refused (with why), which are left out.
    pub fn seal(&mut self, candidates: Vec<Vec<u8>>) -> Result<SealedBlock, ChainError> {
        let number = self.best.number + 1;
        self.runtime.initialize_block(number);
        let mut included = Vec::new();
        let mut outcomes = Vec::new();
        let mut refused = Vec::new();
        for xt in candidates {
            match self.runtime.apply_extrinsic(&xt) {
                Ok(outcome) => {
                    included.push(xt);
                    outcomes.push(outcome);
                }
                Err(ApplyError::Invalid(error)) => refused.push((xt, error)),
                Err(ApplyError::Executor(error)) => {
                    // Nothing of a block the node cannot finish may stay behind.
                    self.runtime.abort_block();
                    return Err(error.into());
                }
            }
        }
        let finished = self.runtime.finalize_block();
        let block = Block {
            header: self.header(number, finished.state_root, &included),
            extrinsics: included,
        };
        let receipt = Receipt {
            events: finished.events,
            outcomes,
        };
        self.store.commit(&block, &receipt)?;
        self.best = block.header.clone();
        Ok(SealedBlock {
            block,
            receipt,
            refused,
        })
    }

    /// Runs a stored block's extrinsics, all of which must apply.
    fn execute(
        &mut self,
        number: u64,
        extrinsics: &[Vec<u8>],
    ) -> Result<(Header, Receipt), ChainError> {
        self.runtime.initialize_block(number);
        let mut outcomes = Vec::with_capacity(extrinsics.len());
        for (index, xt) in extrinsics.iter().enumerate() {
            match self.runtime.apply_extrinsic(xt) {
                Ok(outcome) => outcomes.push(outcome),
                Err(ApplyError::Invalid(error)) => {
                    return Err(ChainError::InvalidExtrinsic {
                        number,
                        index,
                        error,
                    })
                }
                Err(ApplyError::Executor(error)) => {
                    // Nothing of a block the node cannot finish may stay behind.
                    self.runtime.abort_block();
                    return Err(error.into());
                }
            }
        }
        let finished = self.runtime.finalize_block();
        Ok((
            self.header(number, finished.state_root, extrinsics),
            Receipt {
                events: finished.events,
                outcomes,
            },
        ))
    }

    fn header(&self, number: u64, state_root: H256, extrinsics: &[Vec<u8>]) -> Header {
        Header {
            parent_hash: self.best.hash(),
            number,
            state_root,
            extrinsics_root: ligerito_runtime::extrinsics_root(extrinsics),
        }
    }
}

/// A new block, what it did, and what was left out.
pub struct SealedBlock {
    pub block: Block,
    pub receipt: Receipt,
    pub refused: Vec<(Vec<u8>, InvalidTransaction)>,
}
