//! `ligerito-substrate-node`: a Substrate node (Aura, GRANDPA) whose runtime
//! holds `pallet-ligerito` and whose executor has the Ligerito host functions,
//! modelled on the polkadot-sdk solochain template.
#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;
mod timed_import;

fn main() -> sc_cli::Result<()> {
    command::run()
}
