//! A block's proofs verified ahead on several threads: the same block,
//! receipt and state root as on one thread, sealing and importing.

use codec::Encode;
use ligerito_executor::{Backend, Executor, REFERENCE_BLOB, VERIFIER_BLOB};
use ligerito_node::chain::{Chain, SealedBlock};
use ligerito_node::store::Store;
use ligerito_runtime::{dev_account, Call, Error, GenesisConfig, SizeLimits, UncheckedExtrinsic};
use ligerito_tests::{proof_with_seed, REFERENCE_GAS_LIMIT};
use sp_core::bounded::BoundedVec;
use sp_core::H256;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const ONE: NonZeroUsize = NonZeroUsize::MIN;
const FOUR: NonZeroUsize = NonZeroUsize::new(4).unwrap();

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ligerito-parallel-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("chain.redb")
}

fn open(path: &Path, threads: NonZeroUsize) -> Chain {
    let store = Store::open(path).unwrap();
    let executor = Arc::new(Executor::new());
    Chain::open(
        store,
        GenesisConfig::dev(),
        executor,
        Backend::Compiler,
        threads,
    )
    .unwrap()
}

fn verify(log_size: u32, proof: Vec<u8>) -> Call {
    Call::Verify {
        log_size,
        proof: BoundedVec::try_from(proof).unwrap(),
    }
}

fn set_limits(gas_limit: u64) -> Call {
    let max_proof_len = ligerito_executor::sizes::get(12).unwrap().max_proof_len() as u32;
    Call::SetLimits {
        log_size: 12,
        limits: SizeLimits {
            gas_limit,
            max_proof_len,
        },
    }
}

fn set_code(code: &[u8]) -> Call {
    Call::SetVerifierCode {
        code: BoundedVec::try_from(code.to_vec()).unwrap(),
    }
}

/// One block of every kind of verify, and of limits and code changed ahead
/// of a verify in the same block, so that its run made ahead misses. Signed
/// once: sr25519 signatures are randomised and both chains need the same bytes.
fn candidates(genesis: H256) -> Vec<Vec<u8>> {
    let sign = |who: &str, nonce: u64, call: Call| {
        UncheckedExtrinsic::sign(&dev_account(who), call, nonce, genesis).encode()
    };
    let mut tampered = proof_with_seed(12, 2);
    tampered[100] ^= 1;
    let mut bad_signature = sign("ferdie", 0, verify(12, proof_with_seed(12, 6)));
    bad_signature[40] ^= 1;
    vec![
        sign("bob", 0, verify(12, proof_with_seed(12, 1))),
        sign("charlie", 0, verify(12, tampered)),
        sign("dave", 0, verify(12, vec![1, 2, 3])),
        // The same proof as bob's, another signer: the same run.
        sign("eve", 0, verify(12, proof_with_seed(12, 1))),
        vec![0xff; 64],
        bad_signature,
        sign("alice", 0, set_limits(1_000_000)),
        sign("bob", 1, verify(12, proof_with_seed(12, 3))),
        sign("alice", 1, set_limits(REFERENCE_GAS_LIMIT)),
        sign("alice", 2, set_code(REFERENCE_BLOB)),
        sign("charlie", 1, verify(12, proof_with_seed(12, 4))),
        sign("alice", 3, set_code(VERIFIER_BLOB)),
        sign("dave", 1, verify(12, proof_with_seed(12, 5))),
    ]
}

fn same(a: &SealedBlock, b: &SealedBlock) {
    assert_eq!(a.block, b.block);
    assert_eq!(a.receipt, b.receipt);
    assert_eq!(a.refused, b.refused);
}

#[test]
fn a_block_is_the_same_sealed_and_imported_on_one_thread_and_on_four() {
    let paths = [temp_db("one"), temp_db("four")];
    let mut one = open(&paths[0], ONE);
    let mut four = open(&paths[1], FOUR);
    let xts = candidates(one.runtime().genesis_hash());
    let sealed = one.seal(xts.clone()).unwrap();
    same(&sealed, &four.seal(xts).unwrap());
    let results: Vec<_> = sealed.receipt.outcomes.iter().map(|o| o.result).collect();
    assert_eq!(
        results,
        [
            Ok(()),
            Err(Error::InvalidProof),
            Err(Error::MalformedProof),
            Ok(()),
            Ok(()),
            Err(Error::OutOfGas),
            Ok(()),
            Ok(()),
            Ok(()),
            Ok(()),
            Ok(()),
        ],
        "the runs made ahead under the old limits and code were not taken"
    );
    assert_eq!(sealed.refused.len(), 2);
    // A second block on each, past the code changes, so that import replays two.
    let next = |genesis| {
        let xt = UncheckedExtrinsic::sign(
            &dev_account("bob"),
            verify(12, proof_with_seed(12, 7)),
            2,
            genesis,
        );
        vec![xt.encode(), vec![0; 3]]
    };
    let xts = next(one.runtime().genesis_hash());
    same(&one.seal(xts.clone()).unwrap(), &four.seal(xts).unwrap());
    let best = one.best().clone();
    assert_eq!(four.best(), &best);
    drop((one, four));
    // Each imports the other's blocks on the other thread count.
    for (path, threads) in [(&paths[0], FOUR), (&paths[1], ONE)] {
        let store = Store::open(path).unwrap();
        let executor = Arc::new(Executor::new());
        let replayed = Chain::replay(
            store,
            GenesisConfig::dev(),
            executor,
            Backend::Compiler,
            threads,
        )
        .unwrap();
        assert_eq!(replayed.best(), &best);
    }
    for path in paths {
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
