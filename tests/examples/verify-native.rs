//! Decodes and verifies one proof file natively with upstream's verifier or
//! with ligerito-pvm-verifier, once: the program behind the phase profile in
//! docs/PERFORMANCE.md (run under `valgrind --tool=callgrind`).
//!
//!   cargo run --release -p ligerito-tests --example verify-native -- upstream|pvm SIZE FILE

use ligerito::transcript::FiatShamir;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [verifier, size, file] = args.as_slice() else {
        eprintln!("usage: verify-native upstream|pvm SIZE FILE");
        std::process::exit(2);
    };
    let log_size: u32 = size.parse().expect("SIZE: a number");
    let config = ligerito_sizes::get(log_size)
        .expect("a supported size")
        .verifier_config();
    let bytes = std::fs::read(file).expect("FILE readable");
    let proof: ligerito_tests::Proof = ligerito_tests::decode(&bytes);
    let valid = match verifier.as_str() {
        "upstream" => ligerito::verify_with_transcript(&config, &proof, FiatShamir::new_sha256(0))
            .unwrap_or(false),
        "pvm" => matches!(ligerito_pvm_verifier::verify(&config, &proof), Ok(Ok(()))),
        other => panic!("unknown verifier {other}"),
    };
    println!("{}", if valid { "valid" } else { "invalid" });
}
