//! The transaction pool admits only what can apply now or later.

use codec::Encode;
use ligerito_executor::{Backend, Executor};
use ligerito_node::pool::{Pool, PoolError};
use ligerito_runtime::{
    dev_account, Call, GenesisConfig, InvalidTransaction, Runtime, UncheckedExtrinsic,
};
use sp_core::bounded::BoundedVec;
use std::sync::Arc;

fn runtime() -> Runtime {
    let mut runtime = Runtime::genesis(
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        Backend::Compiler,
    );
    runtime.initialize_block(1);
    runtime
}

fn xt(runtime: &Runtime, signer: &str, nonce: u64, proof_len: usize) -> Vec<u8> {
    let call = Call::Verify {
        log_size: 12,
        proof: BoundedVec::truncate_from(vec![0; proof_len]),
    };
    UncheckedExtrinsic::sign(&dev_account(signer), call, nonce, runtime.genesis_hash()).encode()
}

#[test]
fn refuses_what_can_never_apply() {
    let runtime = runtime();
    let mut pool = Pool::new(10, 1 << 20);
    let mut bad_signature = xt(&runtime, "bob", 0, 1);
    bad_signature[40] ^= 1;
    assert_eq!(
        pool.submit(&runtime, bad_signature),
        Err(PoolError::Invalid(InvalidTransaction::BadSignature))
    );
    assert_eq!(
        pool.submit(&runtime, vec![1, 2, 3]),
        Err(PoolError::Invalid(InvalidTransaction::Malformed))
    );
    let not_root = UncheckedExtrinsic::sign(
        &dev_account("bob"),
        Call::SetVerifierCode {
            code: BoundedVec::truncate_from(vec![1]),
        },
        0,
        runtime.genesis_hash(),
    );
    assert_eq!(
        pool.submit(&runtime, not_root.encode()),
        Err(PoolError::Invalid(InvalidTransaction::BadOrigin))
    );
    assert!(pool.is_empty());
}

#[test]
fn queues_future_nonces_and_orders_each_signers_by_nonce() {
    let runtime = runtime();
    let mut pool = Pool::new(10, 1 << 20);
    let later = xt(&runtime, "bob", 1, 1);
    let first = xt(&runtime, "bob", 0, 1);
    pool.submit(&runtime, later.clone()).unwrap();
    pool.submit(&runtime, first.clone()).unwrap();
    assert_eq!(pool.pending(), vec![later.clone(), first.clone()]);
    assert_eq!(pool.candidates(), vec![first.clone(), later]);
    assert_eq!(pool.submit(&runtime, first), Err(PoolError::AlreadyPending));
}

#[test]
fn is_bounded_in_count_and_bytes() {
    let runtime = runtime();
    let mut by_count = Pool::new(1, 1 << 20);
    by_count
        .submit(&runtime, xt(&runtime, "bob", 0, 1))
        .unwrap();
    assert_eq!(
        by_count.submit(&runtime, xt(&runtime, "charlie", 0, 1)),
        Err(PoolError::Full)
    );
    let mut by_bytes = Pool::new(10, 1000);
    assert_eq!(
        by_bytes.submit(&runtime, xt(&runtime, "bob", 0, 2000)),
        Err(PoolError::Full)
    );
}

#[test]
fn prunes_what_a_block_made_stale_and_keeps_future_nonces() {
    let mut runtime = runtime();
    let mut pool = Pool::new(10, 1 << 20);
    let included = xt(&runtime, "bob", 0, 1);
    let future = xt(&runtime, "bob", 2, 1);
    let other = xt(&runtime, "charlie", 0, 1);
    for x in [&included, &future, &other] {
        pool.submit(&runtime, x.clone()).unwrap();
    }
    runtime.apply_extrinsic(&included).unwrap();
    pool.prune(&runtime);
    assert_eq!(pool.pending(), vec![future, other]);
}
