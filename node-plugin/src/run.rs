//! `ligerito-node run --dev` (or `ligerito-node --dev`): the development node.

use crate::gate::GateArgs;
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

/// Where the node's JSON-RPC listens unless told otherwise (Substrate's port).
pub const DEFAULT_RPC_ADDR: &str = "127.0.0.1:9944";
/// Where the node's metrics are served unless told otherwise (Substrate's port).
pub const DEFAULT_PROMETHEUS_ADDR: &str = "127.0.0.1:9615";

/// The node's flags, taken by `run` and, without a command, by `ligerito-node` itself.
#[derive(Args)]
pub struct RunArgs {
    /// Run the development chain: alice is sudo, the well-known dev accounts sign.
    #[arg(long)]
    dev: bool,
    /// Where the chain database lives [default: $XDG_DATA_HOME/ligerito-node/dev,
    /// else ~/.local/share/ligerito-node/dev].
    #[arg(long, short = 'd', value_name = "DIR")]
    base_path: Option<PathBuf>,
    /// Keep the chain in a new temporary directory, removed on exit.
    #[arg(long, conflicts_with = "base_path")]
    tmp: bool,
    /// Seal what is pending every MS milliseconds instead of at once.
    #[arg(long, value_name = "MS")]
    block_time: Option<NonZeroU64>,
    /// Address for JSON-RPC over HTTP and WebSocket.
    #[arg(long, default_value = DEFAULT_RPC_ADDR)]
    rpc_addr: SocketAddr,
    /// Port for JSON-RPC: replaces --rpc-addr's port, keeping its host.
    #[arg(long, value_name = "PORT")]
    rpc_port: Option<u16>,
    /// Address for Prometheus metrics (GET /metrics).
    #[arg(long, default_value = DEFAULT_PROMETHEUS_ADDR)]
    prometheus_addr: SocketAddr,
    /// Do not serve Prometheus metrics.
    #[arg(long, conflicts_with = "prometheus_addr")]
    no_prometheus: bool,
    /// PolkaVM backend; defaults to the compiler where it is supported.
    #[arg(short, long)]
    backend: Option<Backend>,
    #[command(flatten)]
    gate: GateArgs,
}

impl RunArgs {
    /// --rpc-addr with --rpc-port's port, if given.
    fn rpc_addr(&self) -> SocketAddr {
        let mut addr = self.rpc_addr;
        if let Some(port) = self.rpc_port {
            addr.set_port(port);
        }
        addr
    }
}

/// Runs the development node until SIGINT or SIGTERM.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let _telemetry = crate::telemetry::init(None)?;
    if !args.dev {
        bail!("only the development chain exists so far: pass --dev");
    }
    match (&args.base_path, args.tmp) {
        (Some(path), _) => start(&args, path.clone()),
        (None, true) => {
            // As Substrate's --tmp: a new directory of a random name, which
            // its guard also removes if the node panics.
            let temp = tempfile::Builder::new()
                .prefix("ligerito-node-")
                .tempdir()
                .context("creating a temporary base path")?;
            let path = temp.path().to_owned();
            let result = start(&args, path.clone());
            if let Err(e) = temp.close() {
                tracing::warn!("removing {}: {e}", path.display());
            }
            result
        }
        (None, false) => start(&args, default_base_path()?),
    }
}

fn start(args: &RunArgs, base_path: PathBuf) -> anyhow::Result<()> {
    let mut plugin = PluginConfig::dev(base_path);
    if let Some(backend) = args.backend {
        plugin.backend = backend;
    }
    let mut rpc = RpcConfig {
        backend: plugin.backend,
        ..RpcConfig::default()
    };
    args.gate.apply(&mut rpc)?;
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
        rpc: bind(args.rpc_addr())?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        run: RunArgs,
    }

    fn rpc_addr(args: &[&str]) -> String {
        let argv = std::iter::once("ligerito-node").chain(args.iter().copied());
        Flags::try_parse_from(argv)
            .unwrap()
            .run
            .rpc_addr()
            .to_string()
    }

    #[test]
    fn rpc_port_replaces_the_port_of_rpc_addr() {
        assert_eq!(rpc_addr(&[]), DEFAULT_RPC_ADDR);
        assert_eq!(rpc_addr(&["--rpc-port", "9955"]), "127.0.0.1:9955");
        assert_eq!(
            rpc_addr(&["--rpc-addr", "0.0.0.0:1", "--rpc-port", "9955"]),
            "0.0.0.0:9955"
        );
        assert_eq!(rpc_addr(&["--rpc-addr", "[::1]:1"]), "[::1]:1");
    }
}
