//! The golden chain: a committed chain whose replay must reproduce every
//! header, event, result and gas figure byte for byte, on both backends.
//! Included by the golden and streams tests and the example that writes the
//! fixture (not in the crate's library, which must not build the node).
// Each includer uses a part of it.
#![allow(dead_code)]

use codec::{Decode, Encode};
use ligerito_executor::{Backend, Executor};
use ligerito_node::chain::{Chain, Header, Receipt};
use ligerito_node::store::Store;
use ligerito_runtime::{Error, GenesisConfig, InvalidTransaction};
use std::num::NonZeroUsize;
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

/// Threads a block's proofs are verified on ahead: more than one, so that
/// the fixture (sealed on one) and the streams (replayed on one) check them.
pub const VERIFY_THREADS: NonZeroUsize = NonZeroUsize::new(4).unwrap();

/// The development chain stored under `dir`: fresh if there is none yet,
/// else what was stored there, opened again.
pub fn fresh_chain(dir: &Path, backend: Backend) -> Chain {
    std::fs::create_dir_all(dir).expect("temporary directory");
    let store = Store::open(&dir.join("chain.redb")).expect("store");
    Chain::open(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        backend,
        VERIFY_THREADS,
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

/// Panics unless `blocks` hold each dispatch result in `results` and each
/// refusal in `refused`: the fixtures and seeded streams must keep covering
/// every kind of extrinsic.
pub fn assert_covers(
    blocks: &[GoldenBlock],
    results: &[Result<(), Error>],
    refused: &[InvalidTransaction],
) {
    let seen: Vec<_> = blocks
        .iter()
        .flat_map(|b| b.receipt.outcomes.iter().map(|o| o.result))
        .collect();
    for expected in results {
        assert!(seen.contains(expected), "{expected:?} in {seen:?}");
    }
    let seen: Vec<_> = blocks
        .iter()
        .flat_map(|b| b.refused.iter().map(|(_, e)| *e))
        .collect();
    for expected in refused {
        assert!(seen.contains(expected), "{expected:?} in {seen:?}");
    }
}
