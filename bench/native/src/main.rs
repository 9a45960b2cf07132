//! `ligerito-native-bench SIZE FILE RUNS`: decodes and verifies the proof in
//! FILE with upstream's verifier RUNS times on one thread and prints the
//! median in nanoseconds, or fails if the proof is not valid.

use ligerito::transcript::FiatShamir;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
use std::time::Instant;

type Proof = ligerito::FinalizedLigeritoProof<BinaryElem32, BinaryElem128>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [size, file, runs] = args.as_slice() else {
        eprintln!("usage: ligerito-native-bench SIZE FILE RUNS");
        std::process::exit(2);
    };
    let log_size: u32 = size.parse().expect("SIZE");
    let runs: usize = runs.parse().expect("RUNS");
    let bytes = std::fs::read(file).expect("FILE");
    let config = match log_size {
        12 => ligerito::hardcoded_config_12_verifier(),
        16 => ligerito::hardcoded_config_16_verifier(),
        _ => ligerito::verifier_config_for_log_size(log_size),
    };
    let mut times: Vec<u128> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let proof: Proof = bincode::deserialize(&bytes).expect("a proof");
            let valid = ligerito::verify_with_transcript(&config, &proof, FiatShamir::new_sha256(0));
            assert!(matches!(valid, Ok(true)), "upstream rejects the proof");
            start.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    println!("{}", times[times.len() / 2]);
}
