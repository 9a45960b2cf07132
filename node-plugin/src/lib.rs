//! What a node embeds to verify Ligerito proofs, and the pieces of the
//! reference node `ligerito-node`.

pub mod chain;
pub mod cli;
mod gate;
pub mod metrics;
pub mod node;
pub mod plugin;
pub mod pool;
pub mod proof_format;
pub mod rpc;
pub mod run;
pub mod serve;
pub mod speed;
pub mod store;
mod telemetry;
pub mod tx;

/// The database file under a node's base path.
pub const CHAIN_DB: &str = "chain.redb";
