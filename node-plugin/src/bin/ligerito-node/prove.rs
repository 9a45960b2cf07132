//! `ligerito-node prove`: the upstream prover, writing the upstream CLI's format.

use crate::cli::ProofFormat;
use anyhow::{bail, Context};
use ligerito_executor::sizes;
use ligerito_prover as prove;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Proves the polynomial read from `polynomial` (or a random one) and
/// writes the proof to `output` or standard output.
pub fn run(
    size: u32,
    random: bool,
    seed: Option<u64>,
    output: Option<PathBuf>,
    format: ProofFormat,
    polynomial: Option<PathBuf>,
) -> anyhow::Result<()> {
    if sizes::get(size).is_none() {
        bail!(prove::ProveError::UnsupportedSize(size));
    }
    if output.is_none() && format == ProofFormat::Bincode && std::io::stdout().is_terminal() {
        bail!("refusing to write a binary proof to a terminal: redirect standard output or use --output");
    }
    let proof = if random {
        let seed = seed.unwrap_or_else(rand::random);
        prove::prove(size, &prove::random_polynomial(size, seed))?
    } else {
        let path = polynomial.unwrap_or_else(|| PathBuf::from("-"));
        let expected = 4u64 << size;
        let coefficients = crate::input::read_bounded(&path, expected + 1)?;
        prove::prove_bytes(size, &coefficients)?
    };
    let proof = crate::proof_format::encode(proof, format);
    match output {
        Some(path) => {
            std::fs::write(&path, &proof).with_context(|| format!("writing {}", path.display()))?
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&proof)?;
            stdout.flush()?;
        }
    }
    Ok(())
}
