//! Verify time per size: the upstream crate natively (as its CLI is built:
//! rayon and hardware acceleration; on all cores and on one thread) beside
//! our guest on both PolkaVM backends, in one run. Gas per size is printed
//! before the timings.
//!
//!   cargo bench -p ligerito-tests --bench verify            # sizes 20, 22, 24
//!   cargo bench -p ligerito-tests --bench verify -- executor   # overheads only
//!   LIGERITO_BENCH_SIZES=12,16 cargo bench -p ligerito-tests --bench verify

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use ligerito::transcript::FiatShamir;
use ligerito_executor::{Backend, Code, Executor, DEFAULT_GAS_LIMIT};
use ligerito_tests::{decode, executor, valid_proof};
use std::time::Duration;

fn upstream_config(log_size: u32) -> ligerito::VerifierConfig {
    match log_size {
        12 => ligerito::hardcoded_config_12_verifier(),
        16 => ligerito::hardcoded_config_16_verifier(),
        _ => ligerito::verifier_config_for_log_size(log_size),
    }
}

fn verify(c: &mut Criterion) {
    for log_size in common::sizes(&[20, 22, 24], &[20, 22, 24]) {
        let bytes = valid_proof(log_size);
        let mut group = c.benchmark_group(format!("verify_2^{log_size}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));

        let config = upstream_config(log_size);
        let native = || {
            // Decoding is part of the guest's work too.
            let proof = decode(&bytes);
            assert!(
                ligerito::verify_with_transcript(&config, &proof, FiatShamir::new_sha256(0))
                    .unwrap()
            );
        };
        group.bench_function("native", |b| b.iter(native));
        // The guest runs on one thread; so does this baseline.
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        group.bench_function("native_1_thread", |b| b.iter(|| one_thread.install(native)));
        for backend in Backend::ALL {
            let outcome = executor()
                .verify(log_size, &bytes, DEFAULT_GAS_LIMIT, backend)
                .unwrap();
            assert!(outcome.is_valid(), "{}", outcome.message);
            eprintln!(
                "2^{log_size}: {} bytes, {} gas on the {backend}",
                bytes.len(),
                outcome.gas_used
            );
            group.bench_function(backend.name(), |b| {
                b.iter(|| {
                    executor()
                        .verify(log_size, &bytes, DEFAULT_GAS_LIMIT, backend)
                        .unwrap()
                })
            });
        }
        group.finish();
    }
}

/// What the executor costs around a verification: compiling the module
/// (once per code and backend), a call that ends at once (instance
/// reset, input copy, entry and exit), and a 2^12 verify by a second
/// executor beside the first's.
fn executor_overheads(c: &mut Criterion) {
    let mut group = c.benchmark_group("executor");
    group.sample_size(10);
    for backend in Backend::ALL {
        group.bench_function(format!("cold_compile/{backend}"), |b| {
            b.iter(|| Executor::new().prepare(&Code::verifier(), backend).unwrap())
        });
        let executor = Executor::new();
        executor.prepare(executor.code(), backend).unwrap();
        group.bench_function(format!("tiny_call/{backend}"), |b| {
            b.iter(|| {
                executor
                    .verify(12, &[], DEFAULT_GAS_LIMIT, backend)
                    .unwrap()
            })
        });
        // With another executor alive: the two share the engine (with an
        // engine each, this call took 200 times as long on the compiler).
        let proof = valid_proof(12);
        for (name, executor) in [("first", &executor), ("second", &Executor::new())] {
            group.bench_function(format!("2^12_{name}_executor/{backend}"), |b| {
                b.iter(|| {
                    executor
                        .verify(12, &proof, DEFAULT_GAS_LIMIT, backend)
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, executor_overheads, verify);
criterion_main!(benches);
