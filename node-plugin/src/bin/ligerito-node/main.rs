//! `ligerito-node`: verify and prove on the command line, run the
//! development node, serve verification. One file per command; the library
//! `ligerito_node` holds what they share with a node that embeds the plugin.

mod cli;
mod gate;
mod input;
mod metadata;
mod proof_format;
mod prove;
mod replay;
mod run;
mod serve;
mod signals;
mod telemetry;
mod tx;
mod verify;

#[cfg(test)]
mod flags;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Run(cli.run));
    let result = match command {
        Command::Verify {
            size,
            backend,
            gas,
            format,
            proof,
        } => verify::run(size, backend, gas, &proof, format),
        Command::Prove {
            size,
            random,
            seed,
            output,
            format,
            polynomial,
        } => prove::run(size, random, seed, output, format, polynomial).map(|()| ExitCode::SUCCESS),
        Command::Metadata { json } => metadata::run(json).map(|()| ExitCode::SUCCESS),
        Command::Replay {
            base_path,
            backend,
            verify_threads,
        } => replay::run(&base_path, backend, verify_threads).map(|()| ExitCode::SUCCESS),
        Command::Serve(args) => serve::run(args).map(|()| ExitCode::SUCCESS),
        Command::Run(args) => run::run(args).map(|()| ExitCode::SUCCESS),
        Command::Tx { command } => tx::run(command),
    };
    result.unwrap_or_else(|e| {
        eprintln!("ligerito-node: {e:#}");
        ExitCode::from(2)
    })
}
