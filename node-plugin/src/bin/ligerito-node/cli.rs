//! The `ligerito-node` command line: every command and flag, and nothing
//! that runs them. It names only other crates, so tests/deploy.rs includes
//! this file to parse the deploy files' commands exactly as the binary does.

use clap::{Args, Parser, Subcommand};
use ligerito_executor::{Backend, DEFAULT_GAS_LIMIT};
use ligerito_rpc::RpcConfig;
use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::PathBuf;

// No doc comment: clap would take it for the long help.
#[derive(Parser)]
#[command(
    name = "ligerito-node",
    version,
    about = "Verify Ligerito proofs in the PolkaVM sandbox"
)]
#[command(
    args_conflicts_with_subcommands = true,
    arg_required_else_help = true,
    after_help = "Without a command, the options run the development node as `run` \
                  does, as on a Substrate node: `ligerito-node --dev --tmp`."
)]
pub struct Cli {
    // Every `run` flag works without the command too.
    #[command(flatten)]
    pub run: RunArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `ligerito-node` does.
#[derive(Subcommand)]
pub enum Command {
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
        /// Threads each block's proofs are verified on [default: half the cores on the
        /// compiler, all on the interpreter; at least 1].
        #[arg(long, value_name = "N")]
        verify_threads: Option<NonZeroUsize>,
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
    Run(RunArgs),
    /// Sign and submit extrinsics to a running node.
    Tx {
        #[command(subcommand)]
        command: TxCommand,
    },
    /// Serve verification over JSON-RPC (HTTP and WebSocket on one port).
    ///
    /// A stateless verifier service: run as many as needed behind an
    /// ordinary load balancer, probing GET /health. Methods, errors and
    /// limits: docs/RPC.md. Stops on SIGINT or SIGTERM after in-flight
    /// calls finish. Logs go to standard error (RUST_LOG sets the filter).
    Serve(ServeArgs),
}

/// Where the node's JSON-RPC listens unless told otherwise (Substrate's port).
pub const DEFAULT_RPC_ADDR: &str = "127.0.0.1:9944";
/// Where the node's metrics are served unless told otherwise (Substrate's port).
pub const DEFAULT_PROMETHEUS_ADDR: &str = "127.0.0.1:9615";

/// The node's flags, taken by `run` and, without a command, by `ligerito-node` itself.
#[derive(Args)]
pub struct RunArgs {
    /// Run the development chain: alice is sudo, the well-known dev accounts sign.
    #[arg(long)]
    pub dev: bool,
    /// Where the chain database lives [default: $XDG_DATA_HOME/ligerito-node/dev,
    /// else ~/.local/share/ligerito-node/dev].
    #[arg(long, short = 'd', value_name = "DIR")]
    pub base_path: Option<PathBuf>,
    /// Keep the chain in a new temporary directory, removed on exit.
    #[arg(long, conflicts_with = "base_path")]
    pub tmp: bool,
    /// Seal what is pending every MS milliseconds instead of at once.
    #[arg(long, value_name = "MS")]
    pub block_time: Option<NonZeroU64>,
    /// Address for JSON-RPC over HTTP and WebSocket.
    #[arg(long, default_value = DEFAULT_RPC_ADDR)]
    pub rpc_addr: SocketAddr,
    /// Port for JSON-RPC: replaces --rpc-addr's port, keeping its host.
    #[arg(long, value_name = "PORT")]
    pub rpc_port: Option<u16>,
    /// Address for Prometheus metrics (GET /metrics).
    #[arg(long, default_value = DEFAULT_PROMETHEUS_ADDR)]
    pub prometheus_addr: SocketAddr,
    /// Port for Prometheus metrics: replaces --prometheus-addr's port, keeping its host.
    #[arg(long, value_name = "PORT")]
    pub prometheus_port: Option<u16>,
    /// Do not serve Prometheus metrics.
    #[arg(long, conflicts_with_all = ["prometheus_addr", "prometheus_port"])]
    pub no_prometheus: bool,
    /// PolkaVM backend; defaults to the compiler where it is supported.
    #[arg(short, long)]
    pub backend: Option<Backend>,
    /// Threads each block's proofs are verified on, ahead of applying its
    /// extrinsics in order (sealing and importing; the same block on any
    /// number) [default: half the cores on the compiler, all on the interpreter;
    /// at least 1].
    #[arg(long, value_name = "N")]
    pub verify_threads: Option<NonZeroUsize>,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// `serve`'s flags.
#[derive(Args)]
pub struct ServeArgs {
    /// Address for JSON-RPC over HTTP and WebSocket, GET /health and GET /config.
    #[arg(long, default_value = "127.0.0.1:9944")]
    pub rpc_addr: SocketAddr,
    /// Address for Prometheus metrics (GET /metrics).
    #[arg(long, default_value = "127.0.0.1:9615")]
    pub prometheus_addr: SocketAddr,
    /// Do not serve Prometheus metrics.
    #[arg(long, conflicts_with = "prometheus_addr")]
    pub no_prometheus: bool,
    /// PolkaVM backend; defaults to the compiler where it is supported.
    #[arg(short, long)]
    pub backend: Option<Backend>,
    /// Gas limit of each verification.
    #[arg(short, long, default_value_t = RpcConfig::default().gas_limit)]
    pub gas: u64,
    /// Verifications running at once [default: half the cores on the compiler, all on
    /// the interpreter; at least 1].
    #[arg(long)]
    pub workers: Option<usize>,
    /// Verifications that may wait for a worker; beyond this callers get the busy error.
    #[arg(long, default_value_t = RpcConfig::default().queue)]
    pub queue: usize,
    /// Most proofs in one ligerito_verifyBatch (and calls in one JSON-RPC batch).
    #[arg(long, default_value_t = RpcConfig::default().max_batch)]
    pub max_batch: usize,
    /// Most open connections.
    #[arg(long, default_value_t = RpcConfig::default().max_connections)]
    pub max_connections: usize,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Verdicts kept for repeated proofs (least recently used out first); 0 turns the cache off.
    #[arg(long, value_name = "N", default_value_t = RpcConfig::default().cache_entries)]
    pub cache_entries: u32,
    /// Bytes the in-process verdict cache may hold; 0 turns it off.
    #[arg(long, value_name = "BYTES", default_value_t = RpcConfig::default().cache_bytes)]
    pub cache_bytes: usize,
    /// A verdict cache shared by every instance: redis://[:PASSWORD@]HOST[:PORT][/DB].
    #[arg(long, value_name = "URL", requires = "cache_secret_file")]
    pub cache_url: Option<String>,
    /// The key that authenticates shared-cache values: a file of 32 to 4096 bytes, the same
    /// on every instance, e.g. made with `head -c 32 /dev/urandom > FILE`.
    #[arg(long, value_name = "PATH", requires = "cache_url")]
    pub cache_secret_file: Option<PathBuf>,
    /// Export traces (spans of each request, its queueing and its guest run) to this
    /// OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318/v1/traces.
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    /// Seconds a verdict lives in the shared cache.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 86_400,
        requires = "cache_url"
    )]
    pub cache_ttl: u64,
    /// Most milliseconds a shared-cache lookup or store may take; past it the proof is verified.
    #[arg(long, value_name = "MS", default_value_t = 50, requires = "cache_url")]
    pub cache_timeout_ms: u64,
}

/// `tx`'s commands.
#[derive(Subcommand)]
pub enum TxCommand {
    /// Submit a proof for on-chain verification and print its block's outcome.
    ///
    /// Prints one JSON line: the block, the extrinsic's outcome and its
    /// events. Exits 0 if the proof was recorded, 1 if the extrinsic was
    /// included but failed (e.g. an invalid proof), 2 on any other error.
    Verify(VerifyArgs),
}

/// `tx verify`'s flags.
#[derive(Args)]
pub struct VerifyArgs {
    /// log2 of the polynomial size: 12, 16 or 20..=30.
    #[arg(short, long)]
    pub size: u32,
    /// The development account that signs: alice, bob, charlie, dave, eve or ferdie.
    #[arg(long, default_value = "alice")]
    pub signer: String,
    /// The node's JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:9944")]
    pub rpc: String,
    /// Seconds to wait for the extrinsic's block.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// How the proof file is encoded, as upstream's --format.
    #[arg(short, long, value_enum, default_value_t)]
    pub format: ProofFormat,
    /// Proof file, or - for standard input.
    #[arg(value_name = "FILE|-")]
    pub proof: PathBuf,
}

/// Who may call a port and how often: the same flags for `serve` and the
/// node, whose ports are assembled the same way (`ligerito_rpc::serve_port`).
#[derive(Args)]
pub struct GateArgs {
    /// Require `Authorization: Bearer KEY` on JSON-RPC requests; repeat for more keys.
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,
    /// Read API keys from a file, one a line (blank lines and # comments ignored).
    #[arg(long, value_name = "FILE")]
    pub api_keys_file: Option<PathBuf>,
    /// Tenants with their own API keys, rate limits and quotas (TOML, docs/RPC.md);
    /// reloaded on SIGHUP and when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tenants: Option<PathBuf>,
    /// Seconds between looks for a changed tenants file; 0: only on SIGHUP.
    #[arg(long, value_name = "SECS", default_value_t = 5, requires = "tenants")]
    pub tenants_poll_secs: u64,
    /// Proofs per second each client IP may submit, e.g. 10 or 10/s.
    #[arg(long, value_name = "N/s", value_parser = parse_rate)]
    pub rate_limit: Option<NonZeroU32>,
}

/// How a proof file is encoded (upstream's `--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProofFormat {
    /// The proof's bytes (bincode), as `ligerito prove` writes them.
    #[default]
    Bincode,
    /// The same bytes as hex, with or without `0x`, surrounding white
    /// space ignored, as `ligerito prove --format hex` writes them.
    Hex,
}

/// `--rate-limit`: `10` or `10/s`.
fn parse_rate(s: &str) -> Result<NonZeroU32, String> {
    s.strip_suffix("/s").unwrap_or(s).parse().map_err(|_| {
        format!("expected a positive number of proofs per second such as 10/s, got '{s}'")
    })
}
