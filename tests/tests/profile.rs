//! The guest profiler behind the `guest-profile` example.

use ligerito_executor::profile::{profile, UNNAMED};
use ligerito_executor::{Backend, Code, Executor, Verdict, DEFAULT_GAS_LIMIT};

#[test]
fn counts_every_instruction_of_the_run_it_profiles() {
    let proof = ligerito_tests::valid_proof(12);
    let p = profile(&Code::verifier(), 12, &proof, DEFAULT_GAS_LIMIT).expect("profile");
    let run = Executor::new()
        .verify(12, &proof, DEFAULT_GAS_LIMIT, Backend::Interpreter)
        .expect("verify");
    assert_eq!(p.outcome, run);
    // the kernels' gas comes on top of one per instruction
    assert!(p.instructions > 0 && p.instructions < run.gas_used);
    assert_eq!(p.listing.iter().map(|l| l.1).sum::<u64>(), p.instructions);
    // the committed blob carries no debug information
    assert_eq!(p.functions, [(UNNAMED.to_owned(), p.instructions)]);
}

#[test]
fn stops_where_the_gas_runs_out() {
    let proof = ligerito_tests::valid_proof(12);
    let p = profile(&Code::verifier(), 12, &proof, 100_000).expect("profile");
    assert_eq!(p.outcome.verdict, Verdict::OutOfGas);
    assert!(p.instructions <= 100_000, "{}", p.instructions);
}
