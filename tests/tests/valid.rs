//! Proofs from the upstream prover verify, at the test sizes, at the
//! smallest CLI size and at a size with two recursive steps.

use ligerito_executor::{sizes, Verdict};
use ligerito_tests::{valid_proof, verify};

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
