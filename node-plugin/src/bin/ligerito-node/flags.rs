//! The node's flags work at the top level as on a Substrate node, and
//! under `run` as before; a flag and a command together are refused.

use crate::cli::{Cli, Command};
use clap::Parser;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("ligerito-node").chain(args.iter().copied()))
}

#[test]
fn run_flags_parse_without_the_command() {
    for args in [
        &["--dev"][..],
        &["--dev", "--tmp"],
        &["--dev", "--base-path", "/tmp/x"],
        &["--dev", "-d", "/tmp/x", "--rpc-port", "9955"],
        &[
            "--dev",
            "--tmp",
            "--rpc-addr",
            "127.0.0.1:0",
            "--no-prometheus",
        ],
    ] {
        let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(cli.command.is_none(), "{args:?}");
    }
}

#[test]
fn run_keeps_its_flags() {
    let cli = parse(&["run", "--dev", "--tmp", "--rpc-port", "9955"]).unwrap();
    assert!(matches!(cli.command, Some(Command::Run(_))));
}

#[test]
fn refuses_tmp_with_a_base_path_and_flags_before_a_command() {
    for args in [
        &["--dev", "--tmp", "--base-path", "/tmp/x"][..],
        &["--dev", "run", "--dev"],
        &["--dev", "metadata"],
    ] {
        assert!(parse(args).is_err(), "{args:?} parsed");
    }
}
