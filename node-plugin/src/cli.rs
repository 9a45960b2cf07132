//! The `ligerito-node` command line.

use crate::proof_format::{self, ProofFormat};
use crate::{run, serve, tx};
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use ligerito_executor::{sizes, Backend, Executor, DEFAULT_GAS_LIMIT};
use ligerito_prover as prove;
use ligerito_runtime::GenesisConfig;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "ligerito-node",
    version,
    about = "Verify Ligerito proofs in the PolkaVM sandbox"
)]
#[command(args_conflicts_with_subcommands = true, arg_required_else_help = true)]
struct Cli {
    /// Run the development node with defaults: the same as `run --dev`.
    #[arg(long)]
    dev: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a proof in the PolkaVM guest and print one JSON line.
    ///
    /// The proof is what `ligerito prove --size N` (or `ligerito-node prove`)
    /// writes: bincode with a SHA-256 transcript, or with --format hex what
    /// `ligerito prove --format hex` writes. Prints
    /// {"valid","exit_code","gas_used","message","elapsed_ms","code_hash",...}
    /// and exits with 0 (valid), 1 (invalid) or 2 (error or out of gas).
    Verify {
        /// log2 of the polynomial size: 12, 16 or 20..=30.
        #[arg(short, long)]
        size: u32,
        /// PolkaVM backend; defaults to the compiler where it is supported.
        #[arg(short, long)]
        backend: Option<Backend>,
        /// Gas limit; running out is exit code 2.
        #[arg(short, long, default_value_t = DEFAULT_GAS_LIMIT)]
        gas: u64,
        /// How the proof file is encoded, as upstream's --format.
        #[arg(short, long, value_enum, default_value_t)]
        format: ProofFormat,
        /// Proof file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        proof: PathBuf,
    },
    /// Prove a polynomial with the upstream prover, in the upstream CLI's format.
    ///
    /// The polynomial is 2^N little-endian u32 coefficients (4 * 2^N bytes),
    /// as `ligerito prove` reads it, from FILE or standard input; or random
    /// with --random. The proof goes to standard output or --output.
    Prove {
        /// log2 of the polynomial size: 12, 16 or 20..=30.
        #[arg(short, long)]
        size: u32,
        /// Prove a random polynomial instead of reading one.
        #[arg(long, conflicts_with = "polynomial")]
        random: bool,
        /// Seed for --random, for a reproducible proof.
        #[arg(long, requires = "random")]
        seed: Option<u64>,
        /// Write the proof here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// How to encode the proof, as upstream's --format: hex is one line.
        #[arg(short, long, value_enum, default_value_t)]
        format: ProofFormat,
        /// Polynomial file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        polynomial: Option<PathBuf>,
    },
    /// Re-execute a stored chain from genesis, checking every block.
    ///
    /// Every block's header (state and extrinsics roots) and receipt
    /// (events, results, gas) must come out as stored; the first mismatch
    /// is named and the exit code is non-zero. Assumes the development
    /// genesis.
    Replay {
        /// The node's base path (holds chain.redb).
        #[arg(long)]
        base_path: PathBuf,
        /// PolkaVM backend; defaults to the compiler where it is supported.
        #[arg(short, long)]
        backend: Option<Backend>,
    },
    /// Print the runtime module's metadata: calls, events, errors and storage.
    ///
    /// A plain listing, or with --json the full metadata with every type
    /// from the scale-info registry (type ids point into "types").
    Metadata {
        /// Print JSON instead of a listing.
        #[arg(long)]
        json: bool,
    },
    /// Run the development node: seal blocks, serve the node's JSON-RPC.
    ///
    /// Seals a block as soon as extrinsics arrive (or every --block-time
    /// MS), never an empty one. Serves Substrate's author_, chain_, state_
    /// and system_ methods and the verifier's ligerito_ methods on one port,
    /// and Prometheus metrics on another (docs/NODE.md). SIGINT or SIGTERM
    /// seals what is pending and stops; the next start continues at the
    /// same block from the stored state.
    Run(run::RunArgs),
    /// Sign and submit extrinsics to a running node.
    Tx {
        #[command(subcommand)]
        command: tx::TxCommand,
    },
    /// Serve verification over JSON-RPC (HTTP and WebSocket on one port).
    ///
    /// A stateless verifier service: run as many as needed behind an
    /// ordinary load balancer, probing GET /health. Methods, errors and
    /// limits: docs/RPC.md. Stops on SIGINT or SIGTERM after in-flight
    /// calls finish. Logs go to standard error (RUST_LOG sets the filter).
    Serve(serve::ServeArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Some(command) => command,
        // arg_required_else_help: without a subcommand, --dev was given.
        None => {
            debug_assert!(cli.dev);
            Command::Run(run::RunArgs::dev())
        }
    };
    let result = match command {
        Command::Verify {
            size,
            backend,
            gas,
            format,
            proof,
        } => verify(size, backend, gas, &proof, format),
        Command::Prove {
            size,
            random,
            seed,
            output,
            format,
            polynomial,
        } => prove(size, random, seed, output, format, polynomial).map(|()| ExitCode::SUCCESS),
        Command::Metadata { json } => metadata(json).map(|()| ExitCode::SUCCESS),
        Command::Replay { base_path, backend } => {
            replay(&base_path, backend).map(|()| ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve::run(args).map(|()| ExitCode::SUCCESS),
        Command::Run(args) => run::run(args).map(|()| ExitCode::SUCCESS),
        Command::Tx { command } => tx::run(command),
    };
    result.unwrap_or_else(|e| {
        eprintln!("ligerito-node: {e:#}");
        ExitCode::from(2)
    })
}

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

fn verify(
    size: u32,
    backend: Option<Backend>,
    gas: u64,
    path: &PathBuf,
    format: ProofFormat,
) -> anyhow::Result<ExitCode> {
    let proof = proof_format::read_proof(path, format)?;
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

fn prove(
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
        let coefficients = read_bounded(&path, expected + 1)?;
        prove::prove_bytes(size, &coefficients)?
    };
    let proof = proof_format::encode(proof, format);
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

fn replay(base_path: &std::path::Path, backend: Option<Backend>) -> anyhow::Result<()> {
    let path = base_path.join(crate::CHAIN_DB);
    if !path.is_file() {
        bail!("no chain at {}", path.display());
    }
    let backend = backend.unwrap_or_else(Backend::preferred);
    let store = crate::store::Store::open(&path)?;
    let chain = crate::chain::Chain::replay(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        backend,
    )?;
    let best = chain.best();
    let report = serde_json::json!({
        "blocks": best.number,
        "best": format!("{:?}", best.hash()),
        "state_root": format!("{:?}", best.state_root),
        "backend": backend,
    });
    println!("{report}");
    Ok(())
}

fn metadata(json: bool) -> anyhow::Result<()> {
    let metadata = ligerito_runtime::metadata::metadata();
    if json {
        println!("{}", serde_json::to_string_pretty(&metadata)?);
    } else {
        print!("{}", metadata.summary());
    }
    Ok(())
}

/// Reads at most `limit` bytes of a file or standard input (`-`).
pub(crate) fn read_bounded(path: &PathBuf, limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        file.take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod deploy;
