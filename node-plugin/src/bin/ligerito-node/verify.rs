//! `ligerito-node verify`: one proof in the PolkaVM guest, one JSON line.

use crate::cli::ProofFormat;
use ligerito_executor::{Backend, Executor};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The JSON line `verify` prints.
#[derive(serde::Serialize)]
struct VerifyReport<'a> {
    valid: bool,
    exit_code: u8,
    gas_used: u64,
    message: &'a str,
    elapsed_ms: f64,
    code_hash: String,
    verdict: ligerito_executor::Verdict,
    backend: Backend,
    log_size: u32,
}

/// Verifies the proof at `path`; the exit code is the guest's.
pub fn run(
    size: u32,
    backend: Option<Backend>,
    gas: u64,
    path: &PathBuf,
    format: ProofFormat,
) -> anyhow::Result<ExitCode> {
    let proof = crate::proof_format::read_proof(path, format)?;
    let backend = backend.unwrap_or_else(Backend::preferred);
    let executor = Executor::new();
    let start = Instant::now();
    let outcome = executor.verify(size, &proof, gas, backend)?;
    let elapsed_ms = (start.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    let report = VerifyReport {
        valid: outcome.is_valid(),
        exit_code: outcome.exit_code,
        gas_used: outcome.gas_used,
        message: &outcome.message,
        elapsed_ms,
        code_hash: executor.code().hash().to_string(),
        verdict: outcome.verdict,
        backend,
        log_size: size,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::from(outcome.exit_code))
}
