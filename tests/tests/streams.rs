//! Differential streams: seeded random streams of extrinsics of every kind
//! (valid, invalid, malformed, out-of-gas, wrong-nonce, bad-signature,
//! bad-origin, duplicate, code-upgrade) sealed into blocks on the compiler,
//! on the interpreter, and on a compiler chain closed and re-opened from its
//! database in the middle of the stream. Every block's header (state and
//! extrinsics roots), receipt (events, results, gas) and refusals must be
//! identical, and every stored chain must replay.

use codec::Encode;
use ligerito_executor::{Backend, Executor, REFERENCE_BLOB, VERIFIER_BLOB};
use ligerito_node::chain::{Chain, Opened};
use ligerito_node::store::Store;
use ligerito_runtime::{
    dev_account, Call, Error, GenesisConfig, InvalidTransaction, SizeLimits, UncheckedExtrinsic,
};
#[path = "common/golden.rs"]
mod golden;
use golden::{assert_covers, fresh_chain, seal, GoldenBlock};
use ligerito_tests::proof_with_seed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sp_core::bounded::BoundedVec;
use sp_core::Pair;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

const LOG_SIZE: u32 = 12;
const BLOCKS: usize = 6;
const SIGNERS: [&str; 5] = ["bob", "charlie", "dave", "eve", "ferdie"];

/// Builds one block's candidates at a time from the reference chain's
/// state, so that nonces and limits follow what the chain did.
struct Stream {
    rng: ChaCha8Rng,
    genesis: sp_core::H256,
    /// Proofs made so far: seeds are drawn fresh for valid proofs.
    next_proof_seed: u64,
    /// Each proof made (before any tampering) and who signed it first.
    used_proofs: Vec<(&'static str, Vec<u8>)>,
    /// Extrinsics offered earlier, re-offered as duplicates.
    offered: Vec<Vec<u8>>,
    reference_code: bool,
}

impl Stream {
    fn new(seed: u64, genesis: sp_core::H256) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            genesis,
            next_proof_seed: 1_000 * seed,
            used_proofs: Vec::new(),
            offered: Vec::new(),
            reference_code: false,
        }
    }

    fn fresh_proof(&mut self, who: &'static str) -> Vec<u8> {
        self.next_proof_seed += 1;
        let proof = proof_with_seed(LOG_SIZE, self.next_proof_seed);
        self.used_proofs.push((who, proof.clone()));
        proof
    }

    fn block(&mut self, chain: &Chain) -> Vec<Vec<u8>> {
        let runtime = chain.runtime();
        let mut nonces: HashMap<&'static str, u64> = SIGNERS
            .iter()
            .chain(&["alice"])
            .map(|who| (*who, runtime.nonce(&dev_account(who).public())))
            .collect();
        let limits = runtime.limits(LOG_SIZE).expect("size 12 is supported");
        let genesis = self.genesis;
        // Signs with the signer's next nonce, as far as this block goes.
        let sign = |nonces: &mut HashMap<&'static str, u64>, who: &'static str, call: Call| {
            let nonce = nonces.get_mut(who).unwrap();
            *nonce += 1;
            UncheckedExtrinsic::sign(&dev_account(who), call, *nonce - 1, genesis).encode()
        };
        let mut candidates = Vec::new();
        for _ in 0..self.rng.gen_range(2..=5) {
            let who = SIGNERS[self.rng.gen_range(0..SIGNERS.len())];
            match self.rng.gen_range(0..10) {
                0 | 1 => {
                    let proof = self.fresh_proof(who);
                    candidates.push(sign(&mut nonces, who, verify(proof)));
                }
                2 => {
                    let mut proof = self.fresh_proof(who);
                    let at = self.rng.gen_range(0..proof.len());
                    proof[at] ^= 1 << self.rng.gen_range(0..8);
                    candidates.push(sign(&mut nonces, who, verify(proof)));
                }
                3 => {
                    let mut proof = self.fresh_proof(who);
                    if self.rng.gen() {
                        proof.truncate(self.rng.gen_range(0..proof.len()));
                    } else {
                        proof.push(self.rng.gen());
                    }
                    candidates.push(sign(&mut nonces, who, verify(proof)));
                }
                4 => {
                    // Out of gas under a lowered limit, then the limit back.
                    let low = SizeLimits {
                        gas_limit: self.rng.gen_range(100_000..2_000_000),
                        ..limits
                    };
                    candidates.push(sign(&mut nonces, "alice", set_limits(low)));
                    let proof = self.fresh_proof(who);
                    candidates.push(sign(&mut nonces, who, verify(proof)));
                    candidates.push(sign(&mut nonces, "alice", set_limits(limits)));
                }
                5 => {
                    // A nonce already used, or one ahead of the next.
                    let next = nonces[who];
                    let nonce = if next > 0 && self.rng.gen() {
                        next - 1
                    } else {
                        next + self.rng.gen_range(1..3)
                    };
                    let proof = self.fresh_proof(who);
                    candidates.push(
                        UncheckedExtrinsic::sign(&dev_account(who), verify(proof), nonce, genesis)
                            .encode(),
                    );
                }
                6 => {
                    let proof = self.fresh_proof(who);
                    let mut xt = UncheckedExtrinsic::sign(
                        &dev_account(who),
                        verify(proof),
                        nonces[who],
                        genesis,
                    )
                    .encode();
                    let at = self.rng.gen_range(0..xt.len());
                    xt[at] ^= 1 << self.rng.gen_range(0..8);
                    candidates.push(xt);
                }
                7 => {
                    // The same bytes again, or a proof made before signed by its
                    // first signer and by another: AlreadyVerified for a signer
                    // that recorded it, else recorded for that signer too.
                    if !self.offered.is_empty() && self.rng.gen() {
                        let again = self.offered[self.rng.gen_range(0..self.offered.len())].clone();
                        candidates.push(again);
                    } else if !self.used_proofs.is_empty() {
                        let (first, proof) =
                            self.used_proofs[self.rng.gen_range(0..self.used_proofs.len())].clone();
                        candidates.push(sign(&mut nonces, first, verify(proof.clone())));
                        candidates.push(sign(&mut nonces, who, verify(proof)));
                    }
                }
                8 => {
                    // To upstream's verifier (it needs a higher gas limit) and back.
                    let code = if self.reference_code {
                        VERIFIER_BLOB
                    } else {
                        let high = SizeLimits {
                            gas_limit: ligerito_tests::REFERENCE_GAS_LIMIT,
                            ..limits
                        };
                        candidates.push(sign(&mut nonces, "alice", set_limits(high)));
                        REFERENCE_BLOB
                    };
                    self.reference_code = !self.reference_code;
                    let code = BoundedVec::try_from(code.to_vec()).unwrap();
                    candidates.push(sign(&mut nonces, "alice", Call::SetVerifierCode { code }));
                }
                _ => {
                    // Root-only from a non-root signer, or bytes that are no extrinsic.
                    if self.rng.gen() {
                        let low = SizeLimits {
                            gas_limit: 1,
                            ..limits
                        };
                        candidates.push(sign(&mut nonces, who, set_limits(low)));
                    } else {
                        let len = self.rng.gen_range(0..200);
                        candidates.push((0..len).map(|_| self.rng.gen()).collect());
                    }
                }
            }
        }
        self.offered.extend(candidates.iter().cloned());
        candidates
    }
}

fn verify(proof: Vec<u8>) -> Call {
    Call::Verify {
        log_size: LOG_SIZE,
        proof: BoundedVec::try_from(proof).unwrap(),
    }
}

fn set_limits(limits: SizeLimits) -> Call {
    Call::SetLimits {
        log_size: LOG_SIZE,
        limits,
    }
}

fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ligerito-streams-{name}-{}", std::process::id()))
}

fn assert_same(seed: u64, number: usize, what: &str, a: &GoldenBlock, b: &GoldenBlock) {
    let at = format!("seed {seed}, block {}, {what}", number + 1);
    assert_eq!(a.header, b.header, "{at}: header");
    assert_eq!(a.receipt.encode(), b.receipt.encode(), "{at}: receipt");
    assert_eq!(a.refused, b.refused, "{at}: refusals");
}

/// Runs one stream on the three chains; returns every block sealed and
/// how many of them were sealed under upstream's verifier (the reference blob).
fn run_stream(seed: u64) -> (Vec<GoldenBlock>, usize) {
    let dirs =
        ["compiler", "interpreter", "restarted"].map(|name| temp_dir(&format!("{seed}-{name}")));
    let mut compiler = fresh_chain(&dirs[0], Backend::Compiler);
    let mut interpreter = fresh_chain(&dirs[1], Backend::Interpreter);
    let mut restarted = Some(fresh_chain(&dirs[2], Backend::Compiler));
    let mut stream = Stream::new(seed, compiler.runtime().genesis_hash());
    let restart_at = ChaCha8Rng::seed_from_u64(!seed).gen_range(1..BLOCKS);
    let verifier_code = compiler.runtime().code_hash();
    let mut on_reference = 0;
    let mut blocks = Vec::new();
    for number in 0..BLOCKS {
        if number == restart_at {
            drop(restarted.take());
            let chain = fresh_chain(&dirs[2], Backend::Compiler);
            assert_eq!(chain.opened(), Opened::Restored, "seed {seed}");
            assert_eq!(
                chain.best(),
                compiler.best(),
                "seed {seed}: re-opened at the best block"
            );
            restarted = Some(chain);
        }
        on_reference += usize::from(compiler.runtime().code_hash() != verifier_code);
        let candidates = stream.block(&compiler);
        let reference = seal(&mut compiler, candidates.clone());
        let other = seal(&mut interpreter, candidates.clone());
        assert_same(seed, number, "interpreter", &reference, &other);
        let other = seal(restarted.as_mut().unwrap(), candidates);
        assert_same(seed, number, "restarted", &reference, &other);
        blocks.push(reference);
    }
    drop((compiler, interpreter, restarted));
    for dir in &dirs {
        let store = Store::open(&dir.join("chain.redb")).expect("store");
        let replayed = Chain::replay(
            store,
            GenesisConfig::dev(),
            Arc::new(Executor::new()),
            Backend::Compiler,
            // Sealed on several threads, imported on one: the same blocks.
            std::num::NonZeroUsize::MIN,
        )
        .unwrap_or_else(|e| panic!("seed {seed}: {} replays: {e}", dir.display()));
        assert_eq!(replayed.best(), &blocks.last().unwrap().header);
        drop(replayed);
        std::fs::remove_dir_all(dir).unwrap();
    }
    (blocks, on_reference)
}

#[test]
fn seeded_streams_agree_on_both_backends_and_across_a_restart() {
    let mut blocks = Vec::new();
    let mut on_reference = 0;
    for seed in 1..=3 {
        let (sealed, reference) = run_stream(seed);
        blocks.extend(sealed);
        on_reference += reference;
    }

    // The seeds are fixed: they must keep covering every kind.
    assert_covers(
        &blocks,
        &[
            Ok(()),
            Err(Error::InvalidProof),
            Err(Error::MalformedProof),
            Err(Error::OutOfGas),
            Err(Error::AlreadyVerified),
        ],
        &[
            InvalidTransaction::Malformed,
            InvalidTransaction::BadSignature,
            InvalidTransaction::Future,
            InvalidTransaction::Stale,
            InvalidTransaction::BadOrigin,
        ],
    );
    assert!(on_reference > 0, "no block ran upstream's verifier");
}
