//! Whether gas bounds time: the worst case of every host kernel (the largest
//! arguments it accepts, from hand-assembled guests) and the proof shapes
//! that stop at each stage of a verification, each timed on the compiler
//! (the backend the weights assume) in one run. For each it prints the time
//! divided by what the runtime's weights allow that run
//! (`ligerito_runtime::rules::verify_weight`: `VERIFY_BASE + VERIFY_PER_BYTE ·
//! proof bytes + PICOS_PER_GAS · gas`, runtime-module/src/weights.rs),
//! and ends with the largest such ratio:
//!
//!   cargo bench -p ligerito-tests --bench gas-fairness
//!   LIGERITO_BENCH_SIZES=12,20 cargo bench -p ligerito-tests --bench gas-fairness
//!
//! What a machine unlike the one the weights assume would see, forced here:
//! `LIGERITO_BENCH_BACKEND=interpreter` (PolkaVM's interpreter, as where the
//! compiler cannot run) and `LIGERITO_SOFT_MULTIPLY=1` (the kernels'
//! software multiply, as without PCLMULQDQ). The weights do not cover
//! either; the figures say by how much.
//!
//! `max time/gas ratio: X (<case>)`: above 1, that case takes longer than a
//! chain charges for it. Each time is the median of [`RUNS`] runs after a
//! warm-up, the cases back to back (an idle moment slows the next run here).

mod common;

use ligerito_executor::{Backend, Code, Executor, Outcome, DEFAULT_GAS_LIMIT};
use ligerito_runtime::rules;
use ligerito_tests::hostile::worst_cases;
use ligerito_tests::shapes::shapes;
use std::time::Instant;

const RUNS: usize = 7;

/// A case: the code, the size and input it runs with, its gas limit.
struct Case {
    name: String,
    code: Code,
    log_size: u32,
    input: Vec<u8>,
    gas_limit: u64,
}

impl Case {
    fn kernel(name: &str, code: Code) -> Self {
        Case {
            name: format!("kernel {name}"),
            code,
            log_size: 20,
            input: Vec::new(),
            gas_limit: DEFAULT_GAS_LIMIT,
        }
    }

    fn proof(log_size: u32, name: &str, input: Vec<u8>) -> Self {
        Case {
            name: format!("2^{log_size} {name}"),
            code: Code::verifier(),
            log_size,
            input,
            gas_limit: DEFAULT_GAS_LIMIT,
        }
    }
}

fn proof_cases(executor: &Executor, log_size: u32) -> Vec<Case> {
    let shapes = shapes(log_size);
    let valid = shapes[0].proof.clone();
    let mut cases: Vec<Case> = shapes
        .into_iter()
        .map(|s| Case::proof(log_size, s.name, s.proof))
        .collect();
    let gas = executor
        .verify(log_size, &valid, DEFAULT_GAS_LIMIT, Backend::Compiler)
        .expect("compiler")
        .gas_used;
    let mut oog = Case::proof(log_size, "out of gas halfway", valid);
    oog.gas_limit = gas / 2;
    cases.push(oog);
    cases
}

fn backend() -> Backend {
    std::env::var("LIGERITO_BENCH_BACKEND").map_or(Backend::Compiler, |b| {
        b.parse()
            .expect("LIGERITO_BENCH_BACKEND: compiler or interpreter")
    })
}

/// The median time of [`RUNS`] runs after a warm-up, in picoseconds, and
/// the outcome.
fn time(executor: &Executor, case: &Case) -> (f64, Outcome) {
    let run = || {
        executor
            .verify_with(
                &case.code,
                case.log_size,
                &case.input,
                case.gas_limit,
                backend(),
            )
            .expect("executor")
    };
    let outcome = run();
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let again = run();
            let elapsed = start.elapsed().as_secs_f64() * 1e12;
            assert_eq!(again, outcome, "{}: a run differs", case.name);
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], outcome)
}

fn main() {
    let executor = Executor::new();
    let mut cases: Vec<Case> = worst_cases()
        .into_iter()
        .map(|(name, code)| Case::kernel(name, code))
        .collect();
    for log_size in common::sizes(&[12], &[12, 20, 24]) {
        cases.extend(proof_cases(&executor, log_size));
    }
    let multiply = match std::env::var_os("LIGERITO_SOFT_MULTIPLY") {
        Some(_) => "software",
        None => "the CPU's",
    };
    println!("{} backend, {multiply} multiply", backend().name());
    println!("| case | verdict | gas | time (µs) | ps/gas | time / weight |");
    println!("|---|---|---|---|---|---|");
    let mut worst = (0.0, String::new());
    for case in &cases {
        let (ps, outcome) = time(&executor, case);
        let weight = rules::verify_weight(case.input.len(), outcome.gas_used) as f64;
        let ratio = ps / weight;
        println!(
            "| {} | {:?} | {} | {:.1} | {:.0} | {ratio:.2} |",
            case.name,
            outcome.verdict,
            outcome.gas_used,
            ps / 1e6,
            ps / outcome.gas_used.max(1) as f64,
        );
        if ratio > worst.0 {
            worst = (ratio, case.name.clone());
        }
    }
    println!("max time/gas ratio: {:.2} ({})", worst.0, worst.1);
}
