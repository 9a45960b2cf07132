//! `ligerito-node run --dev`: the development node.

use crate::node::{Listeners, NodeConfig, Sealing};
use crate::plugin::PluginConfig;
use anyhow::{bail, Context};
use clap::Args;
use ligerito_executor::Backend;
use ligerito_rpc::RpcConfig;
use std::net::SocketAddr;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_RPC_ADDR: &str = "127.0.0.1:9944";
pub const DEFAULT_PROMETHEUS_ADDR: &str = "127.0.0.1:9615";

#[derive(Args)]
pub struct RunArgs {
    /// Run the development chain: alice is sudo, the well-known dev accounts sign.
    #[arg(long)]
    dev: bool,
    /// Where the chain database lives [default: $XDG_DATA_HOME/ligerito-node/dev,
    /// else ~/.local/share/ligerito-node/dev].
    #[arg(long, value_name = "DIR")]
    base_path: Option<PathBuf>,
    /// Keep the chain in a temporary directory, removed on exit.
    #[arg(long, conflicts_with = "base_path")]
    tmp: bool,
    /// Seal what is pending every MS milliseconds instead of at once.
    #[arg(long, value_name = "MS")]
    block_time: Option<NonZeroU64>,
    /// Address for JSON-RPC over HTTP and WebSocket.
    #[arg(long, default_value = DEFAULT_RPC_ADDR)]
    rpc_addr: SocketAddr,
    /// Address for Prometheus metrics (GET /metrics).
    #[arg(long, default_value = DEFAULT_PROMETHEUS_ADDR)]
    prometheus_addr: SocketAddr,
    /// Do not serve Prometheus metrics.
    #[arg(long, conflicts_with = "prometheus_addr")]
    no_prometheus: bool,
    /// PolkaVM backend; defaults to the compiler where it is supported.
    #[arg(short, long)]
    backend: Option<Backend>,
}

impl RunArgs {
    /// What `ligerito-node --dev` runs: `run --dev` with defaults.
    pub fn dev() -> Self {
        Self {
            dev: true,
            base_path: None,
            tmp: false,
            block_time: None,
            rpc_addr: DEFAULT_RPC_ADDR.parse().expect("a socket address"),
            prometheus_addr: DEFAULT_PROMETHEUS_ADDR.parse().expect("a socket address"),
            no_prometheus: false,
            backend: None,
        }
    }
}

/// Removes the `--tmp` directory however the node ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!("removing {}: {e}", self.0.display());
        }
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let _telemetry = crate::telemetry::init(None)?;
    if !args.dev {
        bail!("only the development chain exists so far: pass --dev");
    }
    // The guard lives until run returns, however it returns.
    let (base_path, _temp) = match (args.base_path, args.tmp) {
        (Some(path), _) => (path, None),
        (None, true) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path =
                std::env::temp_dir().join(format!("ligerito-node-{}-{nanos}", std::process::id()));
            (path.clone(), Some(TempDir(path)))
        }
        (None, false) => (default_base_path()?, None),
    };
    let mut plugin = PluginConfig::dev(base_path);
    if let Some(backend) = args.backend {
        plugin.backend = backend;
    }
    let rpc = RpcConfig {
        backend: plugin.backend,
        ..RpcConfig::default()
    };
    let config = NodeConfig {
        plugin,
        sealing: match args.block_time {
            None => Sealing::Instant,
            Some(ms) => Sealing::Interval(Duration::from_millis(ms.get())),
        },
        rpc,
    };
    let bind = |addr: SocketAddr| {
        let listener =
            std::net::TcpListener::bind(addr).with_context(|| format!("binding {addr}"))?;
        listener.set_nonblocking(true)?;
        anyhow::Ok(listener)
    };
    let listeners = Listeners {
        rpc: bind(args.rpc_addr)?,
        prometheus: (!args.no_prometheus)
            .then(|| bind(args.prometheus_addr))
            .transpose()?,
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(crate::node::run(
            config,
            listeners,
            crate::serve::shutdown_signal(),
        ))?;
    Ok(())
}

fn default_base_path() -> anyhow::Result<PathBuf> {
    let data = match (std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME")) {
        (Some(data), _) if !data.is_empty() => PathBuf::from(data),
        (_, Some(home)) if !home.is_empty() => PathBuf::from(home).join(".local/share"),
        _ => bail!("no data directory ($XDG_DATA_HOME or $HOME): pass --base-path or --tmp"),
    };
    Ok(data.join("ligerito-node").join("dev"))
}
