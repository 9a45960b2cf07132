//! A test chain: the dev genesis (alice is sudo), one shared executor, and
//! helpers to sign calls and make proofs.

use crate::*;
use codec::Encode;
use ligerito_executor::{Backend, Executor};
use sp_core::H256;
use sp_core::{bounded::BoundedVec, Pair};
use std::sync::Arc;
use std::sync::OnceLock;

pub fn executor() -> Arc<Executor> {
    static EXECUTOR: OnceLock<Arc<Executor>> = OnceLock::new();
    EXECUTOR.get_or_init(|| Arc::new(Executor::new())).clone()
}

/// A chain at block 1, ready for extrinsics.
pub fn new_chain(backend: Backend) -> Runtime {
    let mut runtime = Runtime::genesis(GenesisConfig::dev(), executor(), backend);
    runtime.initialize_block(1);
    runtime
}

pub fn account(name: &str) -> AccountId {
    dev_account(name).public()
}

/// `call` signed by `name` with its next nonce, encoded.
pub fn signed(runtime: &Runtime, name: &str, call: Call) -> Vec<u8> {
    let nonce = runtime.nonce(&account(name));
    signed_with_nonce(runtime, name, call, nonce)
}

pub fn signed_with_nonce(runtime: &Runtime, name: &str, call: Call, nonce: u64) -> Vec<u8> {
    UncheckedExtrinsic::sign(&dev_account(name), call, nonce, runtime.genesis_hash()).encode()
}

pub fn verify_call(log_size: u32, proof: Vec<u8>) -> Call {
    Call::Verify {
        log_size,
        proof: BoundedVec::try_from(proof).expect("within the largest maximum"),
    }
}

pub use ligerito_tests::proof_with_seed as proof;

/// The commitment a proof opens with.
pub fn commitment(proof: &[u8]) -> H256 {
    H256::from_slice(&proof[1..33])
}

/// Events of the block so far, without closing it.
pub fn events(runtime: &Runtime) -> Vec<RuntimeEvent> {
    runtime
        .events
        .iter()
        .map(|record| record.event.clone())
        .collect()
}
