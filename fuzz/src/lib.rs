//! What the fuzz targets share: the input format `[size selector][proof]`
//! and upstream's verdict on exactly those bytes.

use ligerito::transcript::FiatShamir;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};

pub type Proof = ligerito::FinalizedLigeritoProof<BinaryElem32, BinaryElem128>;

/// The sizes the targets use: small enough for many executions a second.
pub fn split(data: &[u8]) -> Option<(u32, &[u8])> {
    let (&selector, proof) = data.split_first()?;
    Some((if selector & 1 == 0 { 12 } else { 16 }, proof))
}

/// Exactly one proof from exactly these bytes, bounded by the size's maximum
/// (a length prefix may not make bincode allocate more).
pub fn decode(log_size: u32, bytes: &[u8]) -> Option<Proof> {
    use bincode::Options;
    let max = ligerito_sizes::get(log_size)?.max_proof_len() as u64;
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_limit(max)
        .reject_trailing_bytes()
        .deserialize(bytes)
        .ok()
}

pub fn upstream_accepts(log_size: u32, proof: &Proof) -> bool {
    let config = ligerito_sizes::get(log_size).unwrap().verifier_config();
    ligerito::verify_with_transcript(&config, proof, FiatShamir::new_sha256(0)).unwrap_or(false)
}
