//! Where the guest's own gas goes, by function:
//!
//!   guest/build.sh --profile /tmp/profile    # blobs with debug information
//!   cargo run --release -p ligerito-tests --example guest-profile -- /tmp/profile/ligerito-verifier.polkavm 20
//!
//! Runs the 2^SIZE proof of seed 1 once on the interpreter, stopping after
//! every instruction, and prints the functions that executed the most
//! instructions (each costs one gas: the guest's own gas, kernels apart,
//! which `kernel-gas -- profile SIZE` shows), or with FUNCTION, the
//! instructions of the functions whose name contains it, with how often
//! each ran. The profile blobs' gas is within 0.01% of the committed ones'
//! (debug information moves a few instructions).

use ligerito_executor::{profile::profile, Code, DEFAULT_GAS_LIMIT};

const SHOWN: usize = 30;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (blob, size, function) = match args.as_slice() {
        [blob, size] => (blob, size, None),
        [blob, size, function] => (blob, size, Some(function)),
        _ => {
            eprintln!("usage: guest-profile BLOB SIZE [FUNCTION]");
            std::process::exit(2);
        }
    };
    let code = Code::new(std::fs::read(blob).expect("BLOB: a readable file"));
    let size: u32 = size.parse().expect("SIZE: a number");
    let proof = ligerito_tests::proof_with_seed(size, 1);
    let p = profile(&code, size, &proof, DEFAULT_GAS_LIMIT).expect("the guest runs");
    println!(
        "2^{size}: {:?} ({}), {} gas, {} instructions in the guest's own code\n",
        p.outcome.verdict, p.outcome.message, p.outcome.gas_used, p.instructions
    );
    if let Some(function) = function {
        for (pc, count, _, text) in p.listing.iter().filter(|l| l.2.contains(function.as_str())) {
            println!("{pc:>8} {count:>9}  {text}");
        }
        return;
    }
    println!("| function | instructions | share |\n|---|---|---|");
    for (name, count) in p.functions.iter().take(SHOWN) {
        let share = 100.0 * *count as f64 / p.instructions.max(1) as f64;
        println!("| `{}` | {count} | {share:.1}% |", plain(name));
    }
}

/// `name` without the crate hashes in brackets that symbol names carry.
fn plain(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0;
    for c in name.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}
