//! Shared fixtures for the end-to-end tests: proofs made at test time with
//! the upstream prover (exactly as `ligerito prove --size N` makes them),
//! and helpers that tamper with one part of a proof.

pub mod forge;
pub mod hostile;
pub mod shapes;

use ligerito::transcript::FiatShamir;
use ligerito::FinalizedLigeritoProof;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32, BinaryFieldElement};
use ligerito_executor::{Backend, Executor, Outcome, DEFAULT_GAS_LIMIT};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub type Proof = FinalizedLigeritoProof<BinaryElem32, BinaryElem128>;

/// The bytes of a valid proof for 2^`log_size`, made once per test process.
pub fn valid_proof(log_size: u32) -> Vec<u8> {
    proof_with_seed(log_size, u64::from(log_size))
}

type ProofCache = Mutex<HashMap<(u32, u64), Vec<u8>>>;

/// A valid proof of a random 2^`log_size` polynomial drawn with `seed`
/// (so different seeds give different commitments), made once per process.
pub fn proof_with_seed(log_size: u32, seed: u64) -> Vec<u8> {
    static CACHE: OnceLock<ProofCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(bytes) = cache.lock().unwrap().get(&(log_size, seed)) {
        return bytes.clone();
    }
    let poly = ligerito_prover::random_polynomial(log_size, seed);
    let bytes = ligerito_prover::prove(log_size, &poly).expect("upstream prover");
    cache
        .lock()
        .unwrap()
        .insert((log_size, seed), bytes.clone());
    bytes
}

/// Sizes above 24 with a committed valid proof in `tests/fixtures/`: they
/// take gigabytes to prove (2^29: 14 GB), so tests and benchmarks read them.
pub const COMMITTED_SIZES: [u32; 5] = [25, 26, 27, 28, 29];

/// The gas limit a chain switched to upstream's verifier (the reference
/// blob: 83 M gas at 2^12, 940 M at 2^20) sets: the default limits are
/// sized for ours, and the executor's 20 G makes a `verify` heavier than a
/// block, which refuses it; under this one its worst case (about 0.4 s of
/// weight) fits in the 1.5 s a block has for it.
pub const REFERENCE_GAS_LIMIT: u64 = 2_000_000_000;

/// The committed valid proof of 2^`log_size` (one of [`COMMITTED_SIZES`]):
/// `ligerito-node prove --size N --random --seed 1`, the polynomial
/// `proof_with_seed(N, 1)` proves.
pub fn committed_proof(log_size: u32) -> Vec<u8> {
    let path = format!(
        "{}/fixtures/proof-{log_size}.bin",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Upstream's verdict: `ligerito::verify_with_transcript` with the CLI's
/// transcript (SHA-256 seeded 0); an error counts as rejection.
pub fn upstream_accepts(log_size: u32, proof: &Proof) -> bool {
    let config = ligerito_sizes::get(log_size)
        .expect("a supported size")
        .verifier_config();
    ligerito::verify_with_transcript(&config, proof, FiatShamir::new_sha256(0)).unwrap_or(false)
}

pub fn decode(bytes: &[u8]) -> Proof {
    bincode::deserialize(bytes).expect("a proof this crate made")
}

pub fn encode(proof: &Proof) -> Vec<u8> {
    bincode::serialize(proof).expect("encodable")
}

/// A valid proof of 2^`log_size` with `tamper` applied to its decoded form.
pub fn tampered(log_size: u32, tamper: impl FnOnce(&mut Proof)) -> Vec<u8> {
    let mut proof = decode(&valid_proof(log_size));
    tamper(&mut proof);
    encode(&proof)
}

/// Flips the lowest bit of a field element.
pub fn flip<F: BinaryFieldElement>(x: &mut F) {
    *x = x.add(&F::one());
}

pub fn executor() -> &'static Executor {
    static EXECUTOR: OnceLock<Executor> = OnceLock::new();
    EXECUTOR.get_or_init(Executor::new)
}

/// Verifies on both backends, asserts they agree on everything (verdict,
/// exit code, gas and message) and returns the outcome.
pub fn verify_on_both(log_size: u32, proof: &[u8], gas_limit: u64) -> Outcome {
    let run = |backend| {
        executor()
            .verify(log_size, proof, gas_limit, backend)
            .expect("executor")
    };
    let compiler = run(Backend::Compiler);
    let interpreter = run(Backend::Interpreter);
    assert_eq!(compiler, interpreter, "the backends disagree");
    compiler
}

pub fn verify(log_size: u32, proof: &[u8]) -> Outcome {
    verify_on_both(log_size, proof, DEFAULT_GAS_LIMIT)
}
