//! What a node embeds to verify Ligerito proofs, and the pieces of the
//! reference node `ligerito-node`.

pub mod cli;
pub mod prove;
pub mod serve;
