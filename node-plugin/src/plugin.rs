//! What a node embeds: one executor shared by block production and RPC,
//! the chain, and the transaction pool.

use crate::chain::{Chain, ChainError, SealedBlock};
use crate::metrics::NodeMetrics;
use crate::pool::{Pool, PoolError};
use crate::store::Store;
use ligerito_executor::{Backend, Executor};
use ligerito_runtime::GenesisConfig;
use sp_core::H256;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How to build a [`LigeritoPlugin`].
#[derive(Clone, Debug)]
pub struct PluginConfig {
    /// Holds the chain database.
    pub base_path: PathBuf,
    pub genesis: GenesisConfig,
    pub backend: Backend,
    /// Most extrinsics the pool holds.
    pub pool_max_count: usize,
    /// Most bytes the pool holds.
    pub pool_max_bytes: usize,
    /// Threads a block's proofs are verified on, sealing and importing.
    pub verify_threads: NonZeroUsize,
}

impl PluginConfig {
    /// A development chain under `base_path`.
    /// It verifies a block's proofs on as many threads as the backend's
    /// runs fit the cores ([`Backend::parallel_runs`]).
    pub fn dev(base_path: PathBuf) -> Self {
        let backend = Backend::preferred();
        Self {
            base_path,
            genesis: GenesisConfig::dev(),
            backend,
            pool_max_count: 1024,
            pool_max_bytes: 64 << 20,
            verify_threads: backend.parallel_runs(),
        }
    }
}

pub struct LigeritoPlugin {
    executor: Arc<Executor>,
    chain: Mutex<Chain>,
    pool: Mutex<Pool>,
    metrics: NodeMetrics,
}

impl LigeritoPlugin {
    /// Opens (or creates) the chain under the base path, re-executing what
    /// is stored, and readies the verifier code in force.
    pub fn open(config: PluginConfig) -> Result<Self, ChainError> {
        std::fs::create_dir_all(&config.base_path)
            .map_err(|e| crate::store::StoreError::Database(e.to_string()))?;
        let start = Instant::now();
        let executor = Arc::new(Executor::new());
        let store = Store::open(&config.base_path.join(crate::CHAIN_DB))?;
        let chain = Chain::open(
            store,
            config.genesis,
            executor.clone(),
            config.backend,
            config.verify_threads,
        )?;
        // The chain still runs without it: root can set other code.
        if let Err(error) = chain.runtime().prepare() {
            tracing::warn!(
                "the verifier code in force cannot run on this node ({error}): verify extrinsics will leave the pool unrun"
            );
        }
        let metrics = NodeMetrics::default();
        metrics.set_height(chain.best().number);
        metrics.open_duration.set(start.elapsed().as_secs_f64());
        Ok(Self {
            executor,
            chain: Mutex::new(chain),
            pool: Mutex::new(Pool::new(config.pool_max_count, config.pool_max_bytes)),
            metrics,
        })
    }

    /// The chain's metrics, to register beside the node's own
    /// ([`NodeMetrics::register`]).
    pub fn metrics(&self) -> &NodeMetrics {
        &self.metrics
    }

    /// The executor block production uses, for RPC verification to share.
    pub fn executor(&self) -> Arc<Executor> {
        self.executor.clone()
    }

    /// Checks an extrinsic against the best state and queues it.
    pub fn submit(&self, extrinsic: Vec<u8>) -> Result<H256, PoolError> {
        let chain = self.chain.lock().expect("chain lock");
        let mut pool = self.pool.lock().expect("pool lock");
        let submitted = pool.submit(chain.runtime(), extrinsic);
        match &submitted {
            Ok(_) => {
                self.metrics.pool_pending.set(pool.len() as i64);
            }
            Err(error) => self.metrics.refused_at_submission(error),
        }
        submitted
    }

    /// Seals the pending extrinsics that can apply now into a block, if
    /// there are any; future nonces wait. An extrinsic the verifier cannot
    /// run on this node leaves the pool (with a warning) and the block is
    /// sealed without it: kept, it would stop every block after it.
    pub fn seal_pending(&self) -> Result<Option<SealedBlock>, ChainError> {
        let mut chain = self.chain.lock().expect("chain lock");
        let mut pool = self.pool.lock().expect("pool lock");
        loop {
            let ready = pool.ready(chain.runtime());
            if ready.is_empty() {
                return Ok(None);
            }
            let start = Instant::now();
            match chain.seal(ready) {
                Ok(sealed) => {
                    pool.prune(chain.runtime());
                    self.metrics.sealed(&sealed, start.elapsed());
                    self.metrics.pool_pending.set(pool.len() as i64);
                    return Ok(Some(sealed));
                }
                // Each pass removes one extrinsic, so the loop ends.
                Err(ChainError::Unrunnable { extrinsic, error }) if pool.remove(&extrinsic) => {
                    tracing::warn!(
                        "dropped extrinsic {extrinsic:?} from the pool: the verifier cannot run it on this node: {error}"
                    );
                    self.metrics.pool_pending.set(pool.len() as i64);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Runs `f` with the chain, for reads.
    pub fn with_chain<T>(&self, f: impl FnOnce(&Chain) -> T) -> T {
        f(&self.chain.lock().expect("chain lock"))
    }

    pub fn pending(&self) -> Vec<Vec<u8>> {
        self.pool.lock().expect("pool lock").pending()
    }
}
