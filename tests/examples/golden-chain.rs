//! Writes the golden chain fixture:
//!
//!   cargo run --release -p ligerito-tests --example golden-chain
//!
//! Blocks hold valid, invalid, malformed, out-of-gas, duplicate (a proof
//! again by the account that verified it) and code-upgrade (to the
//! reference verifier and back) extrinsics, and a proof verified by a
//! second account, and are offered wrong-nonce, replayed and bad-signature
//! ones, which they refuse. Rerun it (and commit the result) when the guest,
//! the gas schedule or the runtime changes on purpose.

use codec::Encode;
use ligerito_executor::{sizes, Backend, REFERENCE_BLOB, VERIFIER_BLOB};
use ligerito_runtime::{dev_account, Call, SizeLimits, UncheckedExtrinsic};
#[path = "../tests/common/golden.rs"]
mod golden;
use golden::{fresh_chain, seal, GoldenBlock, FIXTURE};
use ligerito_tests::{proof_with_seed, REFERENCE_GAS_LIMIT};
use sp_core::bounded::BoundedVec;

fn main() {
    let dir = std::env::temp_dir().join(format!("ligerito-golden-{}", std::process::id()));
    let mut chain = fresh_chain(&dir, Backend::Compiler);
    let genesis = chain.runtime().genesis_hash();
    let sign = |who: &str, nonce: u64, call: Call| {
        UncheckedExtrinsic::sign(&dev_account(who), call, nonce, genesis).encode()
    };
    let verify = |proof: Vec<u8>| Call::Verify {
        log_size: 12,
        proof: BoundedVec::try_from(proof).unwrap(),
    };
    let limits = |gas_limit| Call::SetLimits {
        log_size: 12,
        limits: SizeLimits {
            gas_limit,
            max_proof_len: sizes::get(12).unwrap().max_proof_len() as u32,
        },
    };

    let mut tampered = proof_with_seed(12, 32);
    tampered[100] ^= 1;
    let mut trailing = proof_with_seed(12, 33);
    trailing.push(0);
    let mut bad_signature = sign("eve", 0, verify(proof_with_seed(12, 34)));
    bad_signature[40] ^= 1;
    let valid = sign("bob", 0, verify(proof_with_seed(12, 31)));

    let mut blocks: Vec<GoldenBlock> = Vec::new();
    blocks.push(seal(
        &mut chain,
        vec![
            valid.clone(),
            sign("charlie", 0, verify(tampered)),
            sign("dave", 0, verify(trailing)),
            bad_signature,
            sign("ferdie", 3, verify(proof_with_seed(12, 35))),
        ],
    ));
    blocks.push(seal(
        &mut chain,
        vec![
            sign("alice", 0, limits(1_000_000)),
            sign("bob", 1, verify(proof_with_seed(12, 36))),
            sign("bob", 2, verify(proof_with_seed(12, 31))),
            valid,
        ],
    ));
    let code = |blob: &[u8]| Call::SetVerifierCode {
        code: BoundedVec::try_from(blob.to_vec()).unwrap(),
    };
    // To upstream's verifier (the reference blob) and back. Under the
    // executor's default gas limit a verify is heavier than a block and is
    // refused; under the reference limit it runs.
    blocks.push(seal(
        &mut chain,
        vec![
            sign("alice", 1, code(REFERENCE_BLOB)),
            sign("alice", 2, limits(ligerito_executor::DEFAULT_GAS_LIMIT)),
            sign("bob", 3, verify(proof_with_seed(12, 37))),
            sign("alice", 3, limits(REFERENCE_GAS_LIMIT)),
            sign("bob", 3, verify(proof_with_seed(12, 37))),
        ],
    ));
    blocks.push(seal(
        &mut chain,
        vec![
            sign("alice", 4, code(VERIFIER_BLOB)),
            sign("bob", 4, verify(proof_with_seed(12, 38))),
            // bob's proof of block 1 again, by charlie: recorded for charlie too
            sign("charlie", 1, verify(proof_with_seed(12, 31))),
        ],
    ));

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    std::fs::write(&path, blocks.encode()).expect("write the fixture");
    std::fs::remove_dir_all(dir).expect("remove the temporary chain");
    eprintln!("wrote {} ({} blocks)", path.display(), blocks.len());
}
