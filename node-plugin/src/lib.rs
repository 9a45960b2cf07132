//! What a node embeds to verify Ligerito proofs: the plugin, the chain it
//! seals and stores, its pool, its JSON-RPC methods and metrics. The
//! `ligerito-node` binary (src/bin/ligerito-node/) is one such node.
//!
//! Layering: each module names only modules of lower layers, so there is
//! no import cycle.
//!
//! | layer | modules |
//! |---|---|
//! | 6 | `node`: `node::run`, the plugin's RPC, metrics and sealing on ports |
//! | 5 | `rpc`: the node's JSON-RPC methods |
//! | 4 | `plugin`: the chain, the pool, the metrics and one executor |
//! | 3 | `metrics`: the node's Prometheus metrics |
//! | 2 | `chain`: seals blocks on the runtime into the store |
//! | 1 | `store`: blocks, receipts and state on disk |
//! | 0 | `block` (header, block, receipt), `pool`, `speed` |

pub mod block;
pub mod chain;
pub mod metrics;
pub mod node;
pub mod plugin;
pub mod pool;
pub mod rpc;
pub mod speed;
pub mod store;

/// The database file under a node's base path.
pub const CHAIN_DB: &str = "chain.redb";
