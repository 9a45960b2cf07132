//! The golden chain: a committed chain whose replay must reproduce every
//! header, event, result and gas figure byte for byte, on both backends.

use codec::{Decode, Encode};
use ligerito_executor::{Backend, Executor};
use ligerito_node::chain::{Chain, Header, Receipt};
use ligerito_node::store::Store;
use ligerito_runtime::{GenesisConfig, InvalidTransaction};
use std::path::Path;
use std::sync::Arc;

/// Where the fixture lives, relative to this crate.
pub const FIXTURE: &str = "fixtures/golden-chain.scale";

/// One block: what was offered, and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct GoldenBlock {
    /// Encoded extrinsics offered to the block, in order.
    pub candidates: Vec<Vec<u8>>,
    pub header: Header,
    pub receipt: Receipt,
    /// Candidates refused (by index) and why.
    pub refused: Vec<(u32, InvalidTransaction)>,
}

/// A fresh development chain in a new temporary directory under `dir`.
pub fn fresh_chain(dir: &Path, backend: Backend) -> Chain {
    std::fs::create_dir_all(dir).expect("temporary directory");
    let store = Store::open(&dir.join("chain.redb")).expect("store");
    Chain::open(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        backend,
    )
    .expect("genesis")
}

/// Seals `candidates` on `chain` and records the result.
pub fn seal(chain: &mut Chain, candidates: Vec<Vec<u8>>) -> GoldenBlock {
    let sealed = chain.seal(candidates.clone()).expect("sealed");
    let refused = sealed
        .refused
        .iter()
        .map(|(bytes, error)| {
            let index = candidates
                .iter()
                .position(|c| c == bytes)
                .expect("a refused candidate");
            (index as u32, *error)
        })
        .collect();
    GoldenBlock {
        candidates,
        header: sealed.block.header,
        receipt: sealed.receipt,
        refused,
    }
}
