//! A block import that logs how long each block took to check and import
//! (target `ligerito`): the cost of a block's verifications as a validator
//! that did not author it pays it.

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
        let start = Instant::now();
        let result = self.0.import_block(block).await;
        log::info!(
            target: "ligerito",
            "block #{number} ({hash:?}) from {origin:?} imported in {:.3} ms",
            start.elapsed().as_secs_f64() * 1e3,
        );
        result
    }
}
