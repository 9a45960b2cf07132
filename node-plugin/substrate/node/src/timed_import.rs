//! A block import that logs how long each block took to check and import,
//! and its guest runs (target `ligerito`, `info`): the cost of a block's
//! verifications as a validator that did not author it pays it.

use sc_consensus::{BlockCheckParams, BlockImport, BlockImportParams, ImportResult};
use sp_runtime::traits::{Block as BlockT, Header as _};
use std::time::Instant;

/// Wraps the node's block import and times it.
#[derive(Clone)]
pub struct TimedImport<I>(pub I);

#[async_trait::async_trait]
impl<B: BlockT, I: BlockImport<B> + Send + Sync> BlockImport<B> for TimedImport<I> {
    type Error = I::Error;

    async fn check_block(&self, block: BlockCheckParams<B>) -> Result<ImportResult, Self::Error> {
        self.0.check_block(block).await
    }

    async fn import_block(&self, block: BlockImportParams<B>) -> Result<ImportResult, Self::Error> {
        let number = *block.header.number();
        let hash = block.post_hash();
        let origin = block.origin;
        // Process-wide: runs made meanwhile elsewhere in the node (dry runs
        // over RPC, another import) count too.
        let (runs, guest) = pallet_ligerito::host::guest_runs();
        let start = Instant::now();
        let result = self.0.import_block(block).await;
        let took = start.elapsed();
        let (runs_after, guest_after) = pallet_ligerito::host::guest_runs();
        log::info!(
            target: "ligerito",
            "block #{number} ({hash:?}) from {origin:?} imported in {:.3} ms, guest runs {} in {:.3} ms",
            took.as_secs_f64() * 1e3,
            runs_after - runs,
            guest_after.saturating_sub(guest).as_secs_f64() * 1e3,
        );
        result
    }
}
