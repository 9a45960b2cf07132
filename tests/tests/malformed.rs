//! Input that is not exactly one proof of the stated size is never valid.

use ligerito_executor::{sizes, Verdict, DEFAULT_GAS_LIMIT};
use ligerito_tests::{valid_proof, verify, verify_on_both};

fn error(log_size: u32, bytes: &[u8]) -> String {
    let outcome = verify(log_size, bytes);
    assert_eq!(outcome.verdict, Verdict::Error, "{}", outcome.message);
    assert_eq!(outcome.exit_code, 2);
    outcome.message
}

#[test]
fn rejects_empty_input() {
    assert_eq!(error(12, &[]), "decode: unexpected end at byte 0");
}

#[test]
fn rejects_proof_cut_short_by_one_byte() {
    let proof = valid_proof(12);
    let cut = &proof[..proof.len() - 1];
    assert_eq!(
        error(12, cut),
        format!("decode: unexpected end at byte {}", cut.len())
    );
}

#[test]
fn rejects_proof_cut_in_half() {
    let proof = valid_proof(16);
    assert!(error(16, &proof[..proof.len() / 2]).starts_with("decode: unexpected end"));
}

#[test]
fn rejects_trailing_byte_that_upstream_accepts() {
    let mut proof = valid_proof(12);
    let len = proof.len();
    proof.push(0);
    assert_eq!(
        error(12, &proof),
        format!("decode: 1 trailing bytes after the proof at byte {len}")
    );
}

#[test]
fn rejects_proof_followed_by_a_second_copy() {
    let proof = valid_proof(12);
    let twice = [proof.clone(), proof].concat();
    assert!(error(12, &twice).contains("exceeds the maximum"));
}

#[test]
fn rejects_random_bytes_of_a_proofs_length() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let bytes: Vec<u8> = (0..valid_proof(12).len())
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect();
    let outcome = verify(12, &bytes);
    assert_ne!(outcome.verdict, Verdict::Valid);
    assert_ne!(outcome.exit_code, 0);
}

#[test]
fn rejects_proofs_submitted_as_another_size() {
    for (made, claimed) in [(12, 16), (16, 12), (20, 21), (20, 22), (22, 20), (12, 30)] {
        let outcome = verify(claimed, &valid_proof(made));
        assert_ne!(outcome.verdict, Verdict::Valid, "2^{made} as 2^{claimed}");
        assert_ne!(
            outcome.exit_code, 0,
            "2^{made} as 2^{claimed}: {}",
            outcome.message
        );
    }
}

#[test]
fn names_the_mismatched_part_of_a_proof_for_another_size() {
    let outcome = verify(16, &valid_proof(12));
    assert_eq!(outcome.verdict, Verdict::Invalid);
    assert!(
        outcome.message.starts_with("shape: "),
        "{}",
        outcome.message
    );
}

#[test]
fn proof_over_the_size_maximum_is_an_error() {
    let max = sizes::get(20).unwrap().max_proof_len();
    let mut proof = valid_proof(20);
    proof.resize(max + 1, 0);
    assert!(error(20, &proof).starts_with(&format!(
        "proof: {} bytes exceeds the maximum {max}",
        max + 1
    )));
}

#[test]
fn out_of_gas_is_deterministic_and_exact() {
    let proof = valid_proof(12);
    let needed = verify(12, &proof).gas_used;
    let short = verify_on_both(12, &proof, needed - 1);
    assert_eq!(short.verdict, Verdict::OutOfGas);
    assert_eq!((short.exit_code, short.gas_used), (2, needed - 1));
    let exact = verify_on_both(12, &proof, needed);
    assert_eq!((exact.verdict, exact.gas_used), (Verdict::Valid, needed));
    assert!(DEFAULT_GAS_LIMIT > needed);
}
