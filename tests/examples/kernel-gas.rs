//! Calibrates the host kernels' gas prices and prints
//! `guest/executor/src/kernel_gas.rs`:
//!
//!   cargo run --release -p ligerito-tests --example kernel-gas > guest/executor/src/kernel_gas.rs
//!   cargo run --release -p ligerito-tests --example kernel-gas -- profile 24   # where 2^24's gas goes
//!
//! A unit of kernel gas is priced at the time a unit of guest gas takes: the
//! reference blob (upstream's verifier, no kernels) on the compiler gives
//! picoseconds per gas; the kernels, run as the host runs them on the
//! verification of a 2^20 proof, give picoseconds per unit of their work.
//! The fixed price per call is what an empty kernel call costs the compiler:
//! the sandbox's switch to the host and back, timed on a hand-assembled
//! guest that makes nothing but such calls; `READ`, one access to guest
//! memory, likewise (`sha256_each` of items read apart against packed).
//! Costs a guest can raise with few units are timed at their worst: a
//! point sorted among the most points (`TENSOR_POINT`), a GF(2^32) row
//! product's tables for a single row (`DOT32_SETUP`), a digest of a
//! one-byte item (`SHA256_ITEM`). Every figure is the median of its runs.

use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
use ligerito_executor::{
    kernel_gas, Backend, Code, Executor, DEFAULT_GAS_LIMIT, MAX_TENSOR_POINTS,
};
use ligerito_pvm_verifier::kernels::{blake3_batched, Hash, Kernels, Local, GUEST_SHA256_BLOCKS};
use ligerito_pvm_verifier::merkle::SIBLING;
use ligerito_pvm_verifier::sha256::State;
use ligerito_pvm_verifier::tensor::Tensor;
use ligerito_tests::hostile;
use std::cell::RefCell;
use std::time::{Duration, Instant};

const RUNS: usize = 15;
const SLOTS: usize = 14;

/// Calls, units of work and time of one kernel.
#[derive(Default, Clone, Copy)]
struct Tally {
    calls: u64,
    units: u64,
    time: Duration,
}

/// [`Local`], counting what each kernel is charged for and timing it; what
/// the guest computes itself (short SHA-256 work) is left uncounted, as in
/// guest/program/src/kernels.rs.
#[derive(Default)]
struct Counting {
    /// compress, each, squeeze, blake3, tensor elements, tensor products,
    /// dot32, dot128, tensor points, dot32 setups, sha256_each items, the
    /// guest memory accesses the host makes for them, BLAKE3 blocks hashed
    /// in batches, and those batches
    tallies: RefCell<[Tally; SLOTS]>,
}

impl Counting {
    fn time<T>(&self, k: usize, units: u64, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        let mut t = self.tallies.borrow_mut();
        t[k].calls += 1;
        t[k].units += units;
        t[k].time += start.elapsed();
        out
    }

    /// `n` reads or writes of guest memory, as src/kernels.rs makes them for
    /// one call (a batch's items lie together in the verifier's memory).
    fn accesses(&self, n: usize) {
        self.time(11, n as u64, || ());
    }
}

impl Kernels for Counting {
    fn sha256_compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        if blocks.len() < 64 * GUEST_SHA256_BLOCKS {
            return Local.sha256_compress(state, blocks);
        }
        self.accesses(3);
        self.time(0, blocks.len() as u64 / 64, || {
            Local.sha256_compress(state, blocks)
        })
    }

    fn sha256_each(&self, prefix: &[u8], items: &[&[u8]]) -> Vec<Hash> {
        let len = (prefix.len() + items.first().map_or(0, |i| i.len())) as u64;
        let blocks = items.len() as u64 * (len + 9).div_ceil(64);
        self.time(10, items.len() as u64, || ());
        self.accesses(3 + usize::from(!prefix.is_empty()));
        self.time(1, blocks, || Local.sha256_each(prefix, items))
    }

    fn sha256_squeeze(&self, state: &mut State, count: usize) -> Vec<Hash> {
        if count < GUEST_SHA256_BLOCKS / 2 {
            return (0..count).map(|_| state.squeeze(self)).collect();
        }
        self.accesses(3);
        self.time(2, count as u64, || Local.sha256_squeeze(state, count))
    }

    fn blake3_each(&self, items: &[u8], item_len: usize) -> Vec<Hash> {
        let count = (items.len() / item_len) as u64;
        self.accesses(2);
        if !blake3_batched(item_len) {
            return self.time(3, count, || Local.blake3_each(items, item_len));
        }
        self.time(3, 0, || ());
        self.time(13, 1, || ());
        self.time(12, count, || Local.blake3_each(items, item_len))
    }

    fn blake3_tree(
        &self,
        leaves: &[Hash],
        siblings: &[Hash],
        layers: &[u32],
        plan: &[[u32; 2]],
    ) -> Vec<Hash> {
        let sibling = plan.iter().flatten().any(|r| r & SIBLING != 0);
        self.accesses(5 + usize::from(sibling));
        self.time(3, 0, || ());
        self.time(13, layers.len() as u64, || ());
        self.time(12, plan.len() as u64, || {
            Local.blake3_tree(leaves, siblings, layers, plan)
        })
    }

    fn eval_many(&self, t: &Tensor<'_>) -> Vec<u128> {
        let elements = (t.y.len() + t.images.len()) as u64;
        self.time(4, elements, || ());
        self.time(8, t.points.len() as u64, || ());
        self.accesses(3 + usize::from(!t.images.is_empty()) + usize::from(!t.points.is_empty()));
        let products = t.products(t.factors().expect("fits"));
        self.time(5, products, || Local.eval_many(t))
    }

    fn dots32(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        let elements = rows
            .iter()
            .map(|r| r.len() / size_of::<BinaryElem32>())
            .sum::<usize>() as u64;
        self.time(9, 1, || ());
        self.accesses(5);
        self.time(6, elements, || Local.dots32(rows, rs))
    }

    fn dots128(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        let elements = rows
            .iter()
            .map(|r| r.len() / size_of::<BinaryElem128>())
            .sum::<usize>() as u64;
        self.accesses(5);
        self.time(7, elements, || Local.dots128(rows, rs))
    }
}

/// The median of several runs: what a busy node sees more often than the
/// fastest run.
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The median wall time of a verification on the compiler, and its gas.
fn guest_run(executor: &Executor, code: &Code, log_size: u32, proof: &[u8]) -> (f64, u64) {
    executor
        .verify_with(code, log_size, proof, DEFAULT_GAS_LIMIT, Backend::Compiler)
        .expect("compiler");
    let mut gas = 0;
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let outcome = executor
                .verify_with(code, log_size, proof, DEFAULT_GAS_LIMIT, Backend::Compiler)
                .expect("compiler");
            assert!(outcome.is_valid(), "{}", outcome.message);
            gas = outcome.gas_used;
            start.elapsed().as_secs_f64() * 1e12
        })
        .collect();
    (median(times), gas)
}

/// A guest whose `verify` calls `blake3_each` on no items `calls` times.
fn empty_calls(calls: u32) -> Code {
    let d = hostile::data_address();
    hostile::caller("blake3_each", &[d, 32, 0, d], Vec::new(), calls)
}

/// The time of `f`, the median of [`RUNS`] runs of `reps` calls each, per call.
fn ps_per_call<T>(reps: u32, mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..reps {
                    std::hint::black_box(f());
                }
                start.elapsed().as_secs_f64() * 1e12 / f64::from(reps)
            })
            .collect(),
    )
}

/// Per point of the `tensor_eval` a guest gets for the least gas: the most
/// points, all distinct (so their sort is the longest), and factors that
/// ignore them (so the descent is 2^12 - 1 products for any number of
/// points); the products' own time taken out.
fn ps_per_tensor_point(ps_per_product: f64) -> f64 {
    const N: usize = 12;
    let y: Vec<u128> = (1..=1u128 << N).collect();
    let images = vec![1u128; N];
    let points: Vec<u32> = (0..MAX_TENSOR_POINTS)
        .map(|k| k.wrapping_mul(0x9e37_79b9))
        .collect();
    let t = Tensor {
        y: &y,
        images: &images,
        width: 1,
        from: 32,
        points: &points,
    };
    let products = t.products(N);
    let time = ps_per_call(20, || (t.products(N), Local::try_eval_many(&t)));
    ((time - products as f64 * ps_per_product) / points.len() as f64).max(0.0)
}

/// What a batch of BLAKE3 blocks takes beyond its blocks at `ps_per_block`,
/// at its worst over batches of 1 to 64 blocks: the SIMD lanes a small
/// batch leaves idle.
fn ps_per_blake3_batch(ps_per_block: f64) -> f64 {
    let blocks = [7u8; 64 * 64];
    (1..=64)
        .map(|n| {
            let time = ps_per_call(200, || Local.blake3_each(&blocks[..64 * n], 64));
            time - n as f64 * ps_per_block
        })
        .fold(0.0, f64::max)
}

/// What the compiler takes to read guest memory once: `sha256_each` of
/// one-byte items 4 KiB apart (a read each) against the same items packed
/// (one read).
fn ps_per_scattered_read(executor: &Executor) -> f64 {
    const ITEMS: u32 = 4096;
    let d = hostile::data_address();
    let table = |spacing: u32| {
        let table: Vec<u32> = (0..ITEMS).map(|k| d + (64 << 10) + spacing * k).collect();
        let out = d + hostile::DATA_SIZE - 32 * ITEMS;
        hostile::caller(
            "sha256_each",
            &[d, ITEMS, 1, d, 0, out],
            hostile::words(&table),
            1,
        )
    };
    let (packed, _) = guest_run(executor, &table(1), 20, &[]);
    let (scattered, _) = guest_run(executor, &table(4096), 20, &[]);
    ((scattered - packed) / f64::from(ITEMS)).max(0.0)
}

/// When and where: `2026-12-03 21:04 UTC, <CPU>, <N> cores`.
fn calibration() -> String {
    let now = std::process::Command::new("date")
        .args(["-u", "+%F %H:%M UTC"])
        .output()
        .expect("date");
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = info
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| Some(l.split(':').nth(1)?.trim()))
        .unwrap_or("unknown CPU");
    let cores = info.lines().filter(|l| l.starts_with("processor")).count();
    format!(
        "{}, {cpu}, {cores} cores",
        String::from_utf8_lossy(&now.stdout).trim()
    )
}

/// The committed prices, by tally slot.
const COMMITTED: [u64; SLOTS] = [
    kernel_gas::SHA256_BLOCK,
    kernel_gas::SHA256_BLOCK,
    kernel_gas::SHA256_SQUEEZE,
    kernel_gas::BLAKE3_ITEM,
    kernel_gas::TENSOR_ELEMENT,
    kernel_gas::TENSOR_PRODUCT,
    kernel_gas::DOT32_ELEMENT,
    kernel_gas::DOT128_ELEMENT,
    kernel_gas::TENSOR_POINT,
    kernel_gas::DOT32_SETUP,
    kernel_gas::SHA256_ITEM,
    kernel_gas::READ,
    kernel_gas::BLAKE3_BLOCK,
    kernel_gas::BLAKE3_BATCH,
];

/// A verification of 2^`log_size` (seed 1), counted: the kernels' tally and
/// the gas of the guest's own code.
fn count(executor: &Executor, log_size: u32) -> ([Tally; SLOTS], u64) {
    let proof = ligerito_tests::proof_with_seed(log_size, 1);
    let config = ligerito_sizes::get(log_size)
        .expect("a size")
        .verifier_config();
    let counting = Counting::default();
    let verdict =
        ligerito_pvm_verifier::verify_with(&config, &ligerito_tests::decode(&proof), &counting);
    assert_eq!(verdict, Ok(Ok(())));
    let tally = counting.tallies.into_inner();
    let charged: u64 = tally
        .iter()
        .zip(COMMITTED)
        .map(|(t, p)| t.units * p)
        .sum::<u64>()
        + calls(&tally) * kernel_gas::CALL;
    let outcome = executor
        .verify(log_size, &proof, DEFAULT_GAS_LIMIT, Backend::Compiler)
        .expect("compiler");
    (tally, outcome.gas_used - charged)
}

/// Kernel calls (a tensor's elements, products and points are one call, as
/// are a dot32's setup and elements).
fn calls(tally: &[Tally; SLOTS]) -> u64 {
    tally[..8].iter().map(|t| t.calls).sum::<u64>() - tally[4].calls
}

const NAMES: [&str; 8] = [
    "compress", "each", "squeeze", "blake3", "", "tensor", "dot32", "dot128",
];

/// Where the gas goes at `prices` and `call`, as a Markdown table.
fn print_profile(tally: &[Tally; SLOTS], guest_gas: u64, prices: [u64; SLOTS], call: u64) {
    eprintln!("| kernel | calls | units | gas (work + calls) |\n|---|---|---|---|");
    for k in (0..8).filter(|&k| k != 4) {
        let work = tally[k].units * prices[k]
            + match k {
                1 => tally[10].units * prices[10],
                3 => tally[12].units * prices[12] + tally[13].units * prices[13],
                5 => tally[4].units * prices[4] + tally[8].units * prices[8],
                6 => tally[9].units * prices[9],
                _ => 0,
            };
        let units = match k {
            3 => format!(
                "{} items, {} blocks in {} batches",
                tally[3].units, tally[12].units, tally[13].units
            ),
            _ => tally[k].units.to_string(),
        };
        eprintln!(
            "| {} | {} | {units} | {work} + {} |",
            NAMES[k],
            tally[k].calls,
            tally[k].calls * call
        );
    }
    eprintln!(
        "| guest memory accesses | | {} | {} |",
        tally[11].units,
        tally[11].units * prices[11]
    );
    eprintln!("| guest code | | | {guest_gas} |");
}

fn main() {
    let executor = Executor::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, size] = args.as_slice() {
        assert_eq!(mode, "profile", "usage: kernel-gas [profile SIZE]");
        let (tally, guest_gas) = count(&executor, size.parse().expect("SIZE: a number"));
        print_profile(&tally, guest_gas, COMMITTED, kernel_gas::CALL);
        return;
    }
    let reference = guest_run(
        &executor,
        &Code::reference(),
        16,
        &ligerito_tests::valid_proof(16),
    );
    let ps_per_gas = reference.0 / reference.1 as f64;
    let price = |ps: f64| (ps / ps_per_gas).ceil().max(1.0) as u64;

    // Each kernel's time per unit, timed as the host runs it on a 2^20 verification.
    let proof = ligerito_tests::proof_with_seed(20, 1);
    let config = ligerito_sizes::get(20).expect("2^20").verifier_config();
    let decoded = ligerito_tests::decode(&proof);
    let runs: Vec<[Tally; SLOTS]> = (0..RUNS)
        .map(|_| {
            let counting = Counting::default();
            let verdict = ligerito_pvm_verifier::verify_with(&config, &decoded, &counting);
            assert_eq!(verdict, Ok(Ok(())));
            counting.tallies.into_inner()
        })
        .collect();
    let ps_per_unit = |k: usize| {
        median(
            runs.iter()
                .map(|t| t[k].time.as_secs_f64() * 1e12 / t[k].units.max(1) as f64)
                .collect(),
        )
    };
    // the dearer of the two ways to compress
    let ps_per_block = ps_per_unit(0).max(ps_per_unit(1));
    let sha256_block = price(ps_per_block);
    let tensor_point = price(ps_per_tensor_point(ps_per_unit(5)));
    let one_byte = [[0u8]; 1024];
    let items: Vec<&[u8]> = one_byte.iter().map(|b| &b[..]).collect();
    let ps_per_item = ps_per_call(20, || Local.sha256_each(&[], &items)) / 1024.0;
    let sha256_item = price((ps_per_item - ps_per_block).max(0.0));
    let read = price(ps_per_scattered_read(&executor));
    let dot32_setup = price(ps_per_call(1000, || {
        Local::prepare_dots::<BinaryElem32>(&[3], 1, 2)
    }));
    let dot128 = price(ps_per_unit(7));
    // reading a value is a small part of a row element's fold
    let tensor_element = dot128.div_ceil(16);
    let blake3_block = ps_per_unit(12);
    let blake3_batch = ps_per_blake3_batch(blake3_block);
    let new = [
        sha256_block,
        sha256_block,
        price(ps_per_unit(2)),
        price(ps_per_unit(3)),
        tensor_element,
        price(ps_per_unit(5)),
        price(ps_per_unit(6)),
        dot128,
        tensor_point,
        dot32_setup,
        sha256_item,
        read,
        price(blake3_block),
        price(blake3_batch),
    ];
    let prices = [
        (
            "SHA256_BLOCK",
            new[0],
            "Per 64-byte block compressed (`sha256_compress`, `sha256_each`).",
        ),
        (
            "SHA256_ITEM",
            new[10],
            "Per item of `sha256_each`: a digest's set-up and finish.",
        ),
        (
            "READ",
            new[11],
            "Per read or write of guest memory a kernel makes (of any length).",
        ),
        (
            "SHA256_SQUEEZE",
            new[2],
            "Per transcript squeeze (`sha256_squeeze`).",
        ),
        (
            "BLAKE3_ITEM",
            new[3],
            "Per item shorter than 64 bytes (`blake3_each`), hashed one at a time.",
        ),
        (
            "BLAKE3_BLOCK",
            new[12],
            "Per 64-byte item hashed in a batch (`blake3_each`, `blake3_tree`'s pairs).",
        ),
        (
            "BLAKE3_BATCH",
            new[13],
            "Per batch of 64-byte items (a `blake3_each` call, a layer of `blake3_tree`):\n/// the most a batch of at most 64 takes beyond its items' `BLAKE3_BLOCK`.",
        ),
        (
            "TENSOR_ELEMENT",
            new[4],
            "Per GF(2^128) value `tensor_eval` reads.",
        ),
        (
            "TENSOR_POINT",
            new[8],
            "Per point of `tensor_eval`: read, sorted among at most 4,096, written.",
        ),
        (
            "TENSOR_PRODUCT",
            new[5],
            "Per GF(2^128) product of `tensor_eval`'s descent.",
        ),
        (
            "DOT32_ELEMENT",
            new[6],
            "Per GF(2^32) row element (`row_dots`).",
        ),
        (
            "DOT128_ELEMENT",
            new[7],
            "Per GF(2^128) row element (`row_dots`).",
        ),
        (
            "DOT32_SETUP",
            new[9],
            "Per `row_dots` call on GF(2^32) rows: its two embedding tables.",
        ),
    ];

    // An empty call, less the loop's own guest gas.
    const CALLS: u32 = 10_000;
    let (time, gas) = guest_run(&executor, &empty_calls(CALLS), 20, &[]);
    let guest_ps = (gas - u64::from(CALLS) * kernel_gas::CALL) as f64 * ps_per_gas;
    let call = price(((time - guest_ps) / f64::from(CALLS)).max(0.0));

    let (tally, guest_gas) = count(&executor, 20);
    print_profile(&tally, guest_gas, new, call);

    println!("//! Gas prices of the host kernels (src/kernels.rs).");
    println!("//!");
    println!("//! GENERATED by this command; do not edit by hand:");
    println!("//!");
    println!("//!   cargo run --release -p ligerito-tests --example kernel-gas > guest/executor/src/kernel_gas.rs");
    println!("//!");
    println!("//! A unit of kernel gas takes as long as a unit of guest gas on the compiler:");
    println!(
        "//! {ps_per_gas:.1} ps here (the reference blob on a 2^16 proof). Medians of {RUNS} runs."
    );
    let per_kernel: Vec<String> = (0..8)
        .filter(|&k| k != 4)
        .map(|k| format!("{} {}", NAMES[k], tally[k].calls))
        .collect();
    println!(
        "//! A 2^20 verification makes {} kernel calls ({}); its guest code",
        calls(&tally),
        per_kernel.join(", ")
    );
    println!("//! uses {guest_gas} gas.");
    println!();
    println!("/// This calibration: the runtime's and the pallet's weights name the one");
    println!("/// they were measured after (a test compares them).");
    println!("pub const CALIBRATION: &str = \"{}\";", calibration());
    println!();
    println!("/// Every kernel call: the sandbox's switch to the host and back.");
    println!("pub const CALL: u64 = {call};");
    for (name, value, doc) in prices {
        println!("/// {doc}");
        println!("pub const {name}: u64 = {value};");
    }
}
