//! The node's start-up check of its verifier's speed against the runtime's
//! weights, as Substrate's hardware benchmarks check a machine against the
//! reference: on a slower machine a block of verifications takes longer
//! than its weight.

use ligerito_executor::{Backend, Executor, DEFAULT_GAS_LIMIT};
use ligerito_runtime::rules;
use std::time::{Duration, Instant};

/// A valid 2^12 proof (`ligerito-node prove --size 12 --random --seed 1`),
/// committed so that a start proves nothing.
const PROOF_12: &[u8] = include_bytes!("../fixtures/proof-12.bin");

/// A 2^12 proof's verification here (the median of five runs after a
/// warm-up) and the weight the runtime charges for it, as time.
pub fn measure(executor: &Executor, backend: Backend) -> anyhow::Result<(Duration, Duration)> {
    let proof = PROOF_12;
    let run = || executor.verify(12, proof, DEFAULT_GAS_LIMIT, backend);
    let gas = run()?.gas_used;
    let mut times = Vec::with_capacity(5);
    for _ in 0..5 {
        let start = Instant::now();
        run()?;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    let charged = Duration::from_nanos(rules::verify_weight(proof.len(), gas) / 1000);
    Ok((times[2], charged))
}

/// Logs [`measure`]'s finding: a warning when this machine is slower than
/// the weights assume.
pub fn check(executor: &Executor, backend: Backend) {
    match measure(executor, backend) {
        Ok((time, charged)) if time > charged => tracing::warn!(
            "this machine verifies a 2^12 proof in {time:?} on the {backend} backend, longer \
             than the {charged:?} its weight charges: blocks of verifications may take longer \
             than their weight (the weights assume the hardware in docs/RUNTIME.md)"
        ),
        Ok((time, charged)) => tracing::info!(
            "verifier: a 2^12 proof in {time:?} here on the {backend} backend, {charged:?} charged"
        ),
        Err(e) => tracing::warn!("the verifier could not be timed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_proof_is_the_provers_and_valid() {
        let proof = ligerito_prover::prove(12, &ligerito_prover::random_polynomial(12, 1)).unwrap();
        assert!(
            PROOF_12 == proof.as_slice(),
            "regenerate fixtures/proof-12.bin"
        );
        let outcome = Executor::new()
            .verify(12, PROOF_12, DEFAULT_GAS_LIMIT, Backend::Interpreter)
            .unwrap();
        assert!(outcome.is_valid(), "{}", outcome.message);
    }
}
