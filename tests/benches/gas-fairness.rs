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

use ligerito_executor::{Backend, Code, Executor, Outcome, DEFAULT_GAS_LIMIT, MAX_TENSOR_POINTS};
use ligerito_pvm_verifier::merkle::SIBLING;
use ligerito_runtime::rules;
use ligerito_tests::hostile::{caller, data_address, words, DATA_SIZE};
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

/// A kernel's argument block at the data's start, its output after it, and
/// `tables` (address, bytes) laid out where they say.
fn with_args(args: &[u32], tables: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let base = data_address();
    let mut data = words(args);
    for (at, bytes) in tables {
        let at = (at - base) as usize;
        if data.len() < at + bytes.len() {
            data.resize(at + bytes.len(), 0);
        }
        data[at..at + bytes.len()].copy_from_slice(bytes);
    }
    data
}

fn kernel_cases() -> Vec<Case> {
    let d = data_address();
    let out = d + (DATA_SIZE / 2);
    let half = DATA_SIZE / 2;
    let mut cases = Vec::new();

    let blocks = (half - 4096) / 64;
    cases.push(Case::kernel(
        "sha256_compress: 16 MiB of blocks",
        caller("sha256_compress", &[d, d + 4096, blocks], Vec::new(), 1),
    ));

    // one-byte items, one block each: packed (one read), then 4 KiB apart
    // (a read each); the table first, the items after it
    let items = 1 << 18;
    let table: Vec<u32> = (0..items).map(|k| d + (1 << 20) + k).collect();
    cases.push(Case::kernel(
        "sha256_each: 2^18 packed one-byte items",
        caller("sha256_each", &[d, items, 1, d, 0, out], words(&table), 1),
    ));
    let items = 1 << 12;
    let table: Vec<u32> = (0..items).map(|k| d + (64 << 10) + 4096 * k).collect();
    cases.push(Case::kernel(
        "sha256_each: 2^12 one-byte items 4 KiB apart",
        caller(
            "sha256_each",
            &[d, items, 1, d, 0, out + (8 << 20)],
            words(&table),
            1,
        ),
    ));

    cases.push(Case::kernel(
        "sha256_squeeze: 2^18 squeezes",
        caller("sha256_squeeze", &[d, 1 << 18, out], Vec::new(), 1),
    ));
    cases.push(Case::kernel(
        "blake3_each: 2^18 64-byte items",
        caller("blake3_each", &[d, 64, 1 << 18, out], Vec::new(), 1),
    ));
    cases.push(Case::kernel(
        "blake3_each: 2^19 one-byte items",
        caller("blake3_each", &[d, 1, 1 << 19, d], Vec::new(), 1),
    ));

    // a walk of 2^18 layers, one pair each: the leaf (or the node below)
    // with the one sibling
    let layers = 1u32 << 18;
    let (leaves, siblings, layer_at, plan_at) = (d + 64, d + 128, d + 4096, d + 4096 + 4 * layers);
    let plan: Vec<u32> = (0..layers).flat_map(|_| [0, SIBLING]).collect();
    cases.push(Case::kernel(
        "blake3_tree: 2^18 layers of one pair",
        caller(
            "blake3_tree",
            &[d, d + 32],
            with_args(
                &[leaves, 1, siblings, 1, layer_at, layers, plan_at, layers],
                &[
                    (layer_at, words(&vec![1; layers as usize])),
                    (plan_at, words(&plan)),
                ],
            ),
            1,
        ),
    ));

    // the most points, all distinct, over factors that ignore them: the
    // sort is all the work
    let points: Vec<u32> = (0..MAX_TENSOR_POINTS)
        .map(|k| k.wrapping_mul(0x9e37_79b9))
        .collect();
    let (y, images, points_at) = (d + 4096, d + 4096 + (16 << 12), d + (1 << 20));
    cases.push(Case::kernel(
        "tensor_eval: 4,096 distinct points, 2^12 values, 200 calls",
        caller(
            "tensor_eval",
            &[d, out],
            with_args(
                &[y, 1 << 12, images, 12, 1, 32, points_at, MAX_TENSOR_POINTS],
                &[(points_at, words(&points))],
            ),
            200,
        ),
    ));
    // the same points through a full descent of 2^16 values
    cases.push(Case::kernel(
        "tensor_eval: 4,096 points, 2^16 values, 32 columns",
        caller(
            "tensor_eval",
            &[d, out],
            with_args(
                &[
                    d + (2 << 20),
                    1 << 16,
                    d + (4 << 20),
                    16 * 32,
                    32,
                    0,
                    points_at,
                    MAX_TENSOR_POINTS,
                ],
                &[
                    (points_at, words(&points)),
                    (
                        d + (4 << 20),
                        (0..16 * 32 * 16).map(|k| (k * 7 + 1) as u8).collect(),
                    ),
                ],
            ),
            1,
        ),
    ));

    // row_dots: a GF(2^32) call's tables for one two-element row; then
    // 2^12 rows of 2^10; then GF(2^128) rows 4 KiB apart
    cases.push(Case::kernel(
        "row_dots: one 2-element GF(2^32) row, 20,000 calls",
        caller(
            "row_dots",
            &[d, out],
            with_args(
                &[d + 64, 1, 2, 4, d + 128, 1],
                &[(d + 64, words(&[d + 256]))],
            ),
            20_000,
        ),
    ));
    let rows = 1u32 << 12;
    let table: Vec<u32> = (0..rows).map(|k| d + (1 << 20) + 4096 * k).collect();
    cases.push(Case::kernel(
        "row_dots: 2^12 GF(2^32) rows of 2^10",
        caller(
            "row_dots",
            &[d, out],
            with_args(
                &[d + 4096, rows, 1 << 10, 4, d + 64, 10],
                &[(d + 4096, words(&table))],
            ),
            1,
        ),
    ));
    let rows = 1u32 << 12;
    let table: Vec<u32> = (0..rows).map(|k| d + (1 << 20) + 4096 * k).collect();
    cases.push(Case::kernel(
        "row_dots: 2^12 2-element GF(2^128) rows 4 KiB apart",
        caller(
            "row_dots",
            &[d, out],
            with_args(
                &[d + 4096, rows, 2, 16, d + 64, 1],
                &[(d + 4096, words(&table))],
            ),
            1,
        ),
    ));

    cases.push(Case::kernel(
        "empty calls (blake3_each of nothing), 100,000",
        caller("blake3_each", &[d, 32, 0, d], Vec::new(), 100_000),
    ));
    cases
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
    let mut cases = kernel_cases();
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
