//! Forged proofs that pass every Merkle opening (see `ligerito_tests::forge`)
//! fail the check each is built to fail: natively, naming it; upstream; and
//! in the guest, on both backends with the same gas.

use ligerito::transcript::FiatShamir;
use ligerito_executor::Verdict;
use ligerito_pvm_verifier::short::Short;
use ligerito_pvm_verifier::{Error, Rejection};
use ligerito_tests::forge::{forge, Stop, UPSTREAM_SEED};
use ligerito_tests::{decode, verify};

/// The smallest size with two recursive steps.
const MULTI_STEP: u32 = 22;

fn rejects(log_size: u32, seed: u64, stop: Stop, want: Rejection) {
    let bytes = forge(log_size, seed, stop);
    let proof = decode(&bytes);
    let config = ligerito_sizes::get(log_size).unwrap().verifier_config();
    assert_eq!(
        ligerito_pvm_verifier::verify(&config, &proof),
        Ok(Err(want)),
        "native, 2^{log_size} {stop:?}"
    );
    let upstream = ligerito::verify_with_transcript(&config, &proof, FiatShamir::new_sha256(0));
    assert!(
        matches!(upstream, Ok(false)),
        "upstream, 2^{log_size} {stop:?}: {upstream:?}"
    );
    // `verify` asserts that both backends give the same outcome, gas included
    let outcome = verify(log_size, &bytes);
    assert_eq!(outcome.verdict, Verdict::Invalid, "{}", outcome.message);
    assert_eq!(outcome.message, format!("verify: {want}"));
}

#[test]
fn multi_step_size_has_two_recursive_steps() {
    assert_eq!(ligerito_sizes::get(MULTI_STEP).unwrap().recursive_steps, 2);
}

#[test]
fn rejects_forged_round_0_at_size_12() {
    rejects(
        12,
        1,
        Stop::SumcheckRound0,
        Rejection::Sumcheck { round: 0 },
    );
}

#[test]
fn rejects_forged_round_0_with_two_steps() {
    let want = Rejection::Sumcheck { round: 0 };
    rejects(MULTI_STEP, 2, Stop::SumcheckRound0, want);
}

#[test]
fn rejects_forged_final_message_at_size_12() {
    rejects(12, 3, Stop::FinalClaim, Rejection::FinalClaim);
}

#[test]
fn rejects_forged_final_message_with_two_steps() {
    rejects(MULTI_STEP, 4, Stop::FinalClaim, Rejection::FinalClaim);
}

#[test]
fn rejects_forged_final_rows_at_size_12() {
    rejects(12, 5, Stop::RowCheck, Rejection::RowCheck { row: 0 });
}

#[test]
fn rejects_forged_final_rows_with_two_steps() {
    rejects(
        MULTI_STEP,
        6,
        Stop::RowCheck,
        Rejection::RowCheck { row: 0 },
    );
}

#[test]
fn rejects_upstreams_random_matrix_forgery() {
    rejects(
        12,
        UPSTREAM_SEED,
        Stop::PatchedRounds,
        Rejection::FinalClaim,
    );
}

#[test]
fn rejects_patched_rounds_with_two_steps() {
    rejects(MULTI_STEP, 7, Stop::PatchedRounds, Rejection::FinalClaim);
}

/// A value too few from any kernel is a broken host: no verdict, where a
/// zip over the result would have skipped a row.
#[test]
fn short_kernel_results_get_no_verdict() {
    let proof = decode(&forge(12, 5, Stop::RowCheck));
    let config = ligerito_sizes::get(12).unwrap().verifier_config();
    for kernel in [
        "sha256_each",
        "sha256_squeeze",
        "blake3_each",
        "blake3_tree",
        "tensor_eval",
        "row_dots",
    ] {
        let got = ligerito_pvm_verifier::verify_with(&config, &proof, &Short(kernel));
        assert!(
            matches!(got, Err(Error::Kernel(m)) if m.kernel == kernel && m.got + 1 == m.want),
            "{kernel}: {got:?}"
        );
    }
}
