//! Proofs from the upstream prover verify, at the test sizes, at the
//! smallest CLI size, at a size with two recursive steps and at the sizes
//! above 24 whose proofs are committed.

use ligerito_executor::{sizes, Verdict};
use ligerito_tests::{committed_proof, valid_proof, verify, verify_on_both, COMMITTED_SIZES};

fn accepts(log_size: u32) {
    let proof = valid_proof(log_size);
    assert!(proof.len() <= sizes::get(log_size).unwrap().max_proof_len());
    let outcome = verify(log_size, &proof);
    assert_eq!(outcome.verdict, Verdict::Valid, "{}", outcome.message);
    assert_eq!((outcome.exit_code, outcome.message.as_str()), (0, "valid"));
    assert!(outcome.gas_used > 0);
}

#[test]
fn accepts_valid_proof_of_size_12() {
    accepts(12);
}

#[test]
fn accepts_valid_proof_of_size_16() {
    accepts(16);
}

#[test]
fn accepts_valid_proof_of_size_20() {
    accepts(20);
}

#[test]
fn accepts_valid_proof_of_size_22_with_two_recursive_steps() {
    assert_eq!(sizes::get(22).unwrap().recursive_steps, 2);
    accepts(22);
}

#[test]
fn committed_proofs_above_24_are_valid_on_both_backends_and_upstream() {
    for log_size in COMMITTED_SIZES {
        let proof = committed_proof(log_size);
        assert!(proof.len() <= sizes::get(log_size).unwrap().max_proof_len());
        let outcome = verify_on_both(log_size, &proof, ligerito_executor::DEFAULT_GAS_LIMIT);
        assert_eq!(
            outcome.verdict,
            Verdict::Valid,
            "2^{log_size}: {}",
            outcome.message
        );
        let decoded = ligerito_tests::decode(&proof);
        assert!(
            ligerito_tests::upstream_accepts(log_size, &decoded),
            "2^{log_size}"
        );
    }
}

ligerito_executor::per_backend! {
    fn one_executor_runs_both_verifiers_in_turn(backend) {
        let executor = ligerito_executor::Executor::new();
        let reference = ligerito_executor::Code::reference();
        let proof = ligerito_tests::valid_proof(12);
        for round in 0..3 {
            for code in [executor.code().clone(), reference.clone()] {
                let outcome = executor
                    .verify_with(&code, 12, &proof, ligerito_executor::DEFAULT_GAS_LIMIT, backend)
                    .unwrap_or_else(|e| panic!("round {round}, code {}: {e}", code.hash()));
                assert!(outcome.is_valid(), "{}", outcome.message);
            }
        }
    }
}
