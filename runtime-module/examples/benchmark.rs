//! Measures the runtime module's weights and prints `src/weights.rs`.
//!
//!   cargo run --release -p ligerito-runtime --example benchmark -- [compiler|interpreter] > runtime-module/src/weights.rs
//!
//! Weights are picoseconds of this machine's time on the given backend
//! (default: the compiler, which nodes run), medians of repeated runs.

use codec::Encode;
use ligerito_executor::{sizes, Backend, Code, Executor, DEFAULT_GAS_LIMIT};
use ligerito_runtime::*;
use sp_core::bounded::BoundedVec;
use std::sync::Arc;
use std::time::Instant;

/// Less gas than this (about 20 µs) is lost in the noise of a run's time.
const NOISE_GAS: u64 = 100_000;

/// The median of nanosecond `times`, in picoseconds.
fn median(mut times: Vec<u128>) -> u64 {
    times.sort_unstable();
    (times[times.len() / 2] * 1000) as u64
}

/// Median wall time of `f` in picoseconds.
fn median_ps(runs: usize, mut f: impl FnMut()) -> u64 {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_nanos()
            })
            .collect(),
    )
}

/// Median wall times of `a` and `b` in picoseconds, run in turns, so that
/// the machine's drift over the runs reaches both alike.
fn median_pair_ps(runs: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (u64, u64) {
    let (ta, tb): (Vec<u128>, Vec<u128>) = (0..runs)
        .map(|_| {
            let start = Instant::now();
            a();
            let middle = Instant::now();
            b();
            ((middle - start).as_nanos(), middle.elapsed().as_nanos())
        })
        .unzip();
    (median(ta), median(tb))
}

/// An input of `len` bytes the verifier refuses at its first byte (an
/// `Option` tag of 2): what reading such an input costs, without the work.
fn refused_at_first_byte(len: usize) -> Vec<u8> {
    let mut input = vec![0u8; len];
    if let Some(tag) = input.first_mut() {
        *tag = 2;
    }
    input
}

fn main() {
    let backend: Backend = std::env::args()
        .nth(1)
        .map_or(Backend::Compiler, |b| b.parse().expect("backend"));
    let executor = Arc::new(Executor::new());
    let mut runtime = Runtime::genesis(GenesisConfig::dev(), executor.clone(), backend);
    runtime.initialize_block(1);
    let alice = dev_account("alice");
    let genesis = runtime.genesis_hash();

    // Decoding, signature and nonce checks of a small extrinsic.
    let call = Call::Verify {
        log_size: 12,
        proof: BoundedVec::truncate_from(vec![0; 64]),
    };
    let xt = UncheckedExtrinsic::sign(&alice, call, 0, genesis).encode();
    let extrinsic_base = median_ps(200, || {
        let xt = UncheckedExtrinsic::decode_exact(&xt).unwrap();
        runtime.validate(&xt, false).unwrap();
    });

    // Hashing and copying the proof, per byte.
    let bytes = vec![7u8; sizes::MAX_PROOF_LEN];
    let hash_per_byte = median_ps(50, || {
        std::hint::black_box(sp_crypto_hashing::blake2_256(&bytes));
        std::hint::black_box(bytes.clone());
    }) / bytes.len() as u64;

    // A guest run that ends at once: instance reset, input copy, call.
    let empty = executor
        .verify(12, &[], DEFAULT_GAS_LIMIT, backend)
        .unwrap();
    let empty_ps = median_ps(200, || {
        executor
            .verify(12, &[], DEFAULT_GAS_LIMIT, backend)
            .unwrap();
    });

    // The guest's own cost per input byte, which its gas does not show (the
    // copy into fresh heap pages, each faulting in on first touch): the
    // longest proof any size takes, refused at its first byte (an `Option`
    // tag of 2), against the empty run; all of it counted per byte.
    let largest = sizes::SIZES
        .iter()
        .find(|s| s.max_proof_len() == sizes::MAX_PROOF_LEN)
        .expect("the size of the longest proof")
        .log_size;
    let longest = refused_at_first_byte(sizes::MAX_PROOF_LEN);
    let refused = executor
        .verify(largest, &longest, DEFAULT_GAS_LIMIT, backend)
        .unwrap();
    assert!(
        refused.message.ends_with("at byte 1"),
        "{}",
        refused.message
    );
    let guest_per_byte = median_ps(50, || {
        executor
            .verify(largest, &longest, DEFAULT_GAS_LIMIT, backend)
            .unwrap();
    })
    .saturating_sub(empty_ps)
    .div_ceil(longest.len() as u64);
    let per_byte = hash_per_byte + guest_per_byte;

    // Decoding's cost per proof byte beyond its gas: the decoded rows land
    // on fresh heap pages, each faulting in on first touch (one gas per
    // instruction does not show it: decoding took 330-350 ps per gas, a
    // valid proof's verification about 125). A proof cut short by a byte is
    // decoded in full and then refused; timed in turns with its twin refused
    // at the first byte, all of the difference is counted per byte (its
    // decoding gas too), at the dearest of these sizes.
    let decode_per_byte = [12, 16, 20, 22, 24]
        .into_iter()
        .map(|log_size| {
            let cut = ligerito_tests::shapes::shapes(log_size)
                .into_iter()
                .find(|s| s.name == "cut short by a byte")
                .expect("the shape")
                .proof;
            let twin = refused_at_first_byte(cut.len());
            let run = |input: &[u8]| {
                executor
                    .verify(log_size, input, DEFAULT_GAS_LIMIT, backend)
                    .unwrap();
            };
            let (ps, base_ps) = median_pair_ps(21, || run(&cut), || run(&twin));
            ps.saturating_sub(base_ps).div_ceil(cut.len() as u64)
        })
        .max()
        .expect("sizes");

    // The time per unit of gas: the slowest per gas of the 2^20 shapes that
    // stop at each check (a valid proof, a failed opening, garbage, ...) and
    // of every kernel's worst case (code `set_verifier_code` accepts may make
    // any calls), so that the weight covers every run and not only valid ones.
    // Each is timed in turns with the verifier on an input of its length
    // refused at the first byte, and charged the difference less decoding's
    // per-byte cost: reading and decoding the input are the per-byte
    // weights'. (Subtracting a per-byte figure measured apart left a shape
    // of a few hundred thousand gas to the machine's drift: 200 to 450 ps
    // per gas from one run to the next.) A shape that stops within
    // `NOISE_GAS` of that refusal (garbage, a proof decoded and refused)
    // has no time of its own to measure: the base and per-byte weights are
    // its.
    let compiler = backend == Backend::Compiler;
    let verifier = Code::verifier();
    let shapes = ligerito_tests::shapes::shapes(20).into_iter().map(|shape| {
        (
            shape.name,
            Code::verifier(),
            shape.proof,
            if compiler { 21 } else { 5 },
        )
    });
    let kernels = ligerito_tests::hostile::worst_cases()
        .into_iter()
        .map(|(name, code)| (name, code, Vec::new(), 5));
    let (picos_per_gas, slowest) = shapes
        .chain(kernels)
        .map(|(name, code, input, runs)| {
            let refused = refused_at_first_byte(input.len());
            let run = |code: &Code, input: &[u8]| {
                executor
                    .verify_with(code, 20, input, DEFAULT_GAS_LIMIT, backend)
                    .unwrap()
            };
            let (outcome, base) = (run(&code, &input), run(&verifier, &refused));
            let (ps, base_ps) = median_pair_ps(
                runs,
                || {
                    run(&code, &input);
                },
                || {
                    run(&verifier, &refused);
                },
            );
            let extra_gas = outcome.gas_used.saturating_sub(base.gas_used);
            let decoding = decode_per_byte * input.len() as u64;
            let own = ps.saturating_sub(base_ps).saturating_sub(decoding);
            (own.div_ceil(extra_gas.max(1)), extra_gas, name)
        })
        .filter(|&(_, extra_gas, _)| extra_gas >= NOISE_GAS)
        .map(|(picos, _, name)| (picos, name))
        .max()
        .expect("shapes");
    let verify_base = empty_ps.saturating_sub(picos_per_gas * empty.gas_used);

    // Checking a code upgrade, per byte of code: its interface, then a load
    // on every backend, on an executor that has not seen it (so a new
    // engine too: an upper bound, as an upgrade is rare).
    let code = Code::verifier();
    let set_code_per_byte = median_ps(20, || {
        let code = ligerito_executor::Code::new(code.bytes().to_vec());
        code.check_interface().unwrap();
        Executor::new().check_code(&code).unwrap();
    }) / code.bytes().len() as u64;

    // A root call that writes one value: the cost of a state write and its events.
    let mut nonce = 0;
    let set_limits = median_ps(200, || {
        let limits = SizeLimits {
            gas_limit: 1_000 + nonce,
            max_proof_len: 1_000,
        };
        let xt = UncheckedExtrinsic::sign(
            &alice,
            Call::SetLimits {
                log_size: 20,
                limits,
            },
            nonce,
            genesis,
        )
        .encode();
        runtime.apply_extrinsic(&xt).unwrap();
        nonce += 1;
    })
    .saturating_sub(extrinsic_base);

    // Gas of a valid proof per size, for the default gas limits. Sizes
    // above 24 take minutes and gigabytes to prove: their proofs are
    // committed, and sizes without one are not measured.
    let proved = [12, 16, 20, 21, 22, 23, 24].map(|n| (n, ligerito_tests::proof_with_seed(n, 1)));
    let committed =
        ligerito_tests::COMMITTED_SIZES.map(|n| (n, ligerito_tests::committed_proof(n)));
    let measured_gas: Vec<String> = proved
        .into_iter()
        .chain(committed)
        .map(|(log_size, proof)| {
            let outcome = executor
                .verify(log_size, &proof, DEFAULT_GAS_LIMIT, backend)
                .unwrap();
            assert!(outcome.is_valid());
            format!("    ({log_size}, {}),", outcome.gas_used)
        })
        .collect();
    let measured_gas = measured_gas.join("\n");

    let calibration = ligerito_executor::kernel_gas::CALIBRATION;
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());

    print!(
        "\
//! Weights of the Ligerito runtime module, in picoseconds of reference time.
//!
//! GENERATED by this command; do not edit by hand:
//!
//!   cargo run --release -p ligerito-runtime --example benchmark -- {backend} > runtime-module/src/weights.rs
//!
//! Machine: {cpu}. Backend: {backend}. Medians of repeated runs.

use crate::types::Weight;

/// The kernel prices' calibration these weights were measured after
/// (`ligerito_executor::kernel_gas::CALIBRATION`; a test compares them).
pub const CALIBRATION: &str = \"{calibration}\";

/// Decoding an extrinsic and checking its signature, nonce and origin.
pub const EXTRINSIC_BASE: Weight = {extrinsic_base};

/// A guest run that ends at once: instance reset, input copy, call, storage.
pub const VERIFY_BASE: Weight = {verify_base};

/// Hashing and copying the proof, and its copy into the guest, per byte.
pub const VERIFY_PER_BYTE: Weight = {per_byte};

/// Decoding the proof, per byte: its first touch of fresh heap pages, which
/// its gas does not show (`pallet-ligerito` charges it too).
pub const DECODE_PER_BYTE: Weight = {decode_per_byte};

/// Guest execution, per unit of gas: the slowest per gas of the 2^20
/// proof shapes (ligerito-tests' `shapes`) and the kernels' worst cases
/// (`hostile::worst_cases`), here \"{slowest}\".
pub const PICOS_PER_GAS: Weight = {picos_per_gas};

/// Storing new verifier code, besides the per-byte check.
pub const SET_CODE_BASE: Weight = {set_limits};

/// Parsing new verifier code and loading it on every backend, per byte.
pub const SET_CODE_PER_BYTE: Weight = {set_code_per_byte};

/// Setting one size's limits.
pub const SET_LIMITS: Weight = {set_limits};

/// Gas a valid proof of each measured size used (a random polynomial;
/// gas varies slightly with the proof).
pub const MEASURED_GAS: &[(u32, u64)] = &[
{measured_gas}
];
"
    );
}
