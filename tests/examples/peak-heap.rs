//! The guest's peak heap use per size: runs a blob built by
//! `guest/build.sh --peak-heap DIR` (which appends "(peak heap N bytes)" to
//! its diagnostic) on a valid proof of each size and prints a Markdown table.
//! Sizes the guest's `HEAP_SIZE` (guest/program/src/heap.rs).
//!
//!   guest/build.sh --peak-heap /tmp/peak
//!   cargo run --release -p ligerito-tests --example peak-heap -- /tmp/peak/ligerito-verifier.polkavm [SIZE...]

use ligerito_executor::{Backend, Code, Executor, DEFAULT_GAS_LIMIT};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(blob) = args.next() else {
        eprintln!("usage: peak-heap BLOB [SIZE...]");
        std::process::exit(2);
    };
    let mut sizes: Vec<u32> = args.map(|n| n.parse().expect("SIZE: a number")).collect();
    if sizes.is_empty() {
        sizes = vec![12, 16, 20, 22, 24];
    }
    let code = Code::new(std::fs::read(&blob).expect("BLOB readable"));
    let executor = Executor::with_code(code);
    println!("| size | proof bytes | size's largest proof | peak heap | peak / proof |");
    println!("|---|---|---|---|---|");
    for log_size in sizes {
        let proof = ligerito_tests::valid_proof(log_size);
        let outcome = executor
            .verify(log_size, &proof, DEFAULT_GAS_LIMIT, Backend::preferred())
            .expect("the blob runs");
        assert!(
            outcome.message.starts_with("valid"),
            "2^{log_size}: {}",
            outcome.message
        );
        let peak: usize = outcome
            .message
            .rsplit_once("(peak heap ")
            .and_then(|(_, rest)| rest.strip_suffix(" bytes)"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no peak in {:?}: not a peak-heap blob?", outcome.message));
        let largest = ligerito_sizes::get(log_size).unwrap().max_proof_len();
        println!(
            "| 2^{log_size} | {} | {largest} | {peak} | {:.2} |",
            proof.len(),
            peak as f64 / proof.len() as f64
        );
    }
}
