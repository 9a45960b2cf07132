//! The chain a node builds on the runtime: seals blocks, opens and replays stored ones.

pub use crate::block::{Block, Header, Receipt};
use crate::store::{Store, StoreError};
use ligerito_executor::{Backend, Executor};
use ligerito_runtime::{ApplyError, GenesisConfig, InvalidTransaction, Runtime};
use sp_core::H256;
use std::num::NonZeroUsize;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the verifier cannot run on this node: {0}")]
    Executor(#[from] ligerito_executor::ExecutorError),
    /// Sealing: the verifier could not run this extrinsic on this node (not
    /// a verdict on it), so the block being built was abandoned.
    #[error("extrinsic {extrinsic:?}: the verifier cannot run it on this node: {error}")]
    Unrunnable {
        /// BLAKE2-256 of the extrinsic, as the pool names it.
        extrinsic: H256,
        /// Why the verifier could not run.
        error: ligerito_executor::ExecutorError,
    },
    #[error("block {number}: extrinsic {index} is invalid: {error}")]
    InvalidExtrinsic {
        number: u64,
        index: usize,
        error: InvalidTransaction,
    },
    #[error("block {number}: {what} differs from the stored one")]
    Mismatch { number: u64, what: &'static str },
}

/// How [`Chain::open`] reached the best block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// The stored state matched the best header's state root: no block ran.
    Restored,
    /// Every stored block was re-executed from genesis: a new chain, one
    /// stored before the state was, or a stored state that did not match.
    Reexecuted,
}

/// The runtime plus the stored chain it has executed.
pub struct Chain {
    runtime: Runtime,
    store: Store,
    genesis: Header,
    best: Header,
    opened: Opened,
    /// The threads a block's guest runs are made ahead on, before its
    /// extrinsics apply in order ([`Runtime::run_ahead`]); 1 runs each in turn.
    verify_threads: NonZeroUsize,
}

impl Chain {
    /// Opens the chain in `store` at its best block: from the stored state
    /// when it matches the best header's state root, else by re-executing
    /// every stored block (checking each against what was stored) and then
    /// storing the state reached. Blocks verify their proofs on
    /// `verify_threads` threads, with the same results on any number.
    pub fn open(
        store: Store,
        genesis: GenesisConfig,
        executor: Arc<Executor>,
        backend: Backend,
        verify_threads: NonZeroUsize,
    ) -> Result<Self, ChainError> {
        let mut chain = Self::at_genesis(
            store,
            genesis.clone(),
            executor.clone(),
            backend,
            verify_threads,
        );
        let best = chain.store.best_number()?.unwrap_or(0);
        // Re-execution would find this at block 1; restoring would not.
        if best > 0 && chain.header_at(1)?.parent_hash != chain.genesis.hash() {
            return Err(ChainError::Mismatch {
                number: 1,
                what: "parent hash (the chain has another genesis)",
            });
        }
        match chain.store.state()? {
            Some((at, pairs)) if at == best => {
                let header = chain.header_at(best)?;
                let restored = Runtime::restore(genesis, executor, backend, pairs)
                    .map(|mut runtime| (runtime.state_root(), runtime));
                match restored {
                    Some((root, runtime)) if root == header.state_root => {
                        chain.runtime = runtime;
                        chain.best = header;
                        chain.opened = Opened::Restored;
                        return Ok(chain);
                    }
                    _ => tracing::warn!(
                        "the stored state does not match block #{best}'s state root: re-executing the chain"
                    ),
                }
            }
            Some((at, _)) => tracing::warn!(
                "the stored state is at block #{at}, the chain at #{best}: re-executing the chain"
            ),
            None => {}
        }
        chain.reexecute()?;
        chain
            .store
            .write_state(best, &chain.runtime.storage_pairs())?;
        Ok(chain)
    }

    /// Re-executes every stored block from genesis and checks its header
    /// and receipt against what was stored, leaving the stored state as it
    /// is: what `ligerito-node replay` runs.
    pub fn replay(
        store: Store,
        genesis: GenesisConfig,
        executor: Arc<Executor>,
        backend: Backend,
        verify_threads: NonZeroUsize,
    ) -> Result<Self, ChainError> {
        let mut chain = Self::at_genesis(store, genesis, executor, backend, verify_threads);
        chain.reexecute()?;
        Ok(chain)
    }

    fn at_genesis(
        store: Store,
        genesis: GenesisConfig,
        executor: Arc<Executor>,
        backend: Backend,
        verify_threads: NonZeroUsize,
    ) -> Self {
        let mut runtime = Runtime::genesis(genesis, executor, backend);
        let genesis_header = Header {
            parent_hash: H256::zero(),
            number: 0,
            state_root: runtime.state_root(),
            extrinsics_root: ligerito_runtime::extrinsics_root(&[]),
        };
        Self {
            runtime,
            store,
            genesis: genesis_header.clone(),
            best: genesis_header,
            opened: Opened::Reexecuted,
            verify_threads,
        }
    }

    fn header_at(&self, number: u64) -> Result<Header, ChainError> {
        if number == 0 {
            return Ok(self.genesis.clone());
        }
        let (block, _) = self
            .store
            .block(number)?
            .ok_or(StoreError::Missing(number))?;
        Ok(block.header)
    }

    /// Runs every stored block on the genesis runtime, checking each.
    fn reexecute(&mut self) -> Result<(), ChainError> {
        for number in 1..=self.store.best_number()?.unwrap_or(0) {
            let (block, receipt) = self
                .store
                .block(number)?
                .ok_or(StoreError::Missing(number))?;
            let (header, executed) = self.execute(number, &block.extrinsics)?;
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
            self.best = header;
        }
        Ok(())
    }

    pub fn opened(&self) -> Opened {
        self.opened
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
    /// A candidate the verifier cannot run abandons the block:
    /// [`ChainError::Unrunnable`] names it.
    pub fn seal(&mut self, candidates: Vec<Vec<u8>>) -> Result<SealedBlock, ChainError> {
        let number = self.best.number + 1;
        self.runtime.initialize_block(number);
        self.runtime.run_ahead(&candidates, self.verify_threads);
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
                    return Err(ChainError::Unrunnable {
                        extrinsic: H256(sp_crypto_hashing::blake2_256(&xt)),
                        error,
                    });
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
        self.store.commit(&block, &receipt, &finished.changes)?;
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
        self.runtime.run_ahead(extrinsics, self.verify_threads);
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
