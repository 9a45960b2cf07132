//! `ligerito-node run --dev` (or `ligerito-node --dev`): the development node.

use crate::cli::RunArgs;
use anyhow::{bail, Context};
use ligerito_node::node::{Listeners, NodeConfig, Sealing};
use ligerito_node::plugin::PluginConfig;
use ligerito_rpc::RpcConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

impl RunArgs {
    /// --rpc-addr with --rpc-port's port, if given.
    fn rpc_addr(&self) -> SocketAddr {
        with_port(self.rpc_addr, self.rpc_port)
    }

    /// --prometheus-addr with --prometheus-port's port, if given.
    fn prometheus_addr(&self) -> SocketAddr {
        with_port(self.prometheus_addr, self.prometheus_port)
    }
}

/// As Substrate's `--rpc-port` and `--prometheus-port`: the port alone,
/// on the address's host.
fn with_port(mut addr: SocketAddr, port: Option<u16>) -> SocketAddr {
    if let Some(port) = port {
        addr.set_port(port);
    }
    addr
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
    plugin.verify_threads = args
        .verify_threads
        .unwrap_or_else(|| plugin.backend.parallel_runs());
    let mut rpc = RpcConfig::for_backend(plugin.backend);
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
            .then(|| bind(args.prometheus_addr()))
            .transpose()?,
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(ligerito_node::node::run(
            config,
            listeners,
            crate::signals::shutdown_signal(),
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
    use crate::cli::{DEFAULT_PROMETHEUS_ADDR, DEFAULT_RPC_ADDR};
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        run: RunArgs,
    }

    fn parse(args: &[&str]) -> RunArgs {
        let argv = std::iter::once("ligerito-node").chain(args.iter().copied());
        Flags::try_parse_from(argv).unwrap().run
    }

    fn rpc_addr(args: &[&str]) -> String {
        parse(args).rpc_addr().to_string()
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

    #[test]
    fn prometheus_port_replaces_the_port_of_prometheus_addr() {
        let metrics = |args: &[&str]| parse(args).prometheus_addr().to_string();
        assert_eq!(metrics(&[]), DEFAULT_PROMETHEUS_ADDR);
        assert_eq!(metrics(&["--prometheus-port", "9616"]), "127.0.0.1:9616");
        assert_eq!(
            metrics(&[
                "--prometheus-addr",
                "0.0.0.0:1",
                "--prometheus-port",
                "9616"
            ]),
            "0.0.0.0:9616"
        );
        let argv = [
            "ligerito-node",
            "--no-prometheus",
            "--prometheus-port",
            "9616",
        ];
        assert!(
            Flags::try_parse_from(argv).is_err(),
            "--no-prometheus conflicts"
        );
    }
}
