//! Proofs in the upstream CLI's format, made with the upstream prover.
//!
//! `ligerito prove --size N` proves with a SHA-256 transcript seeded with 0
//! and writes the proof with bincode 1; so does [`prove`], for every size the
//! verifier supports (12 and 16 with upstream's hardcoded configurations).
//!
//! Upstream picks its carry-less multiply at compile time, so a build for any
//! x86-64 proved in software, about 14 times slower; the workspace's copy of
//! `ligerito-binary-fields` (third_party/) picks it at run time. Same bytes
//! either way; `LIGERITO_SOFT_MULTIPLY=1` forces the software path.

use ligerito::transcript::FiatShamir;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
use ligerito_sizes as sizes;
use rand::{Rng, SeedableRng};
use std::marker::PhantomData;

#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error("size 2^{0} is not supported (supported: {sizes})", sizes = supported_sizes())]
    UnsupportedSize(u32),
    #[error("a 2^{log_size} polynomial is {expected} bytes (4 per coefficient), got {got}")]
    WrongLength {
        log_size: u32,
        expected: usize,
        got: usize,
    },
    #[error("upstream prover failed: {0}")]
    Prover(String),
    #[error("encoding the proof failed: {0}")]
    Encode(String),
}

/// The supported sizes as text, e.g. `12, 16, 20..=30`.
pub fn supported_sizes() -> String {
    let all: Vec<u32> = sizes::SIZES.iter().map(|s| s.log_size).collect();
    format!(
        "{}, {}, {}..={}",
        all[0],
        all[1],
        all[2],
        all[all.len() - 1]
    )
}

/// Proves a polynomial given as little-endian u32 coefficients, the input
/// format of `ligerito prove`.
pub fn prove_bytes(log_size: u32, coefficients: &[u8]) -> Result<Vec<u8>, ProveError> {
    sizes::get(log_size).ok_or(ProveError::UnsupportedSize(log_size))?;
    let expected = 4usize << log_size;
    if coefficients.len() != expected {
        return Err(ProveError::WrongLength {
            log_size,
            expected,
            got: coefficients.len(),
        });
    }
    let poly: Vec<BinaryElem32> = coefficients
        .chunks_exact(4)
        .map(|c| BinaryElem32::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    prove(log_size, &poly)
}

/// Proves `poly`, which must have 2^`log_size` coefficients.
pub fn prove(log_size: u32, poly: &[BinaryElem32]) -> Result<Vec<u8>, ProveError> {
    sizes::get(log_size).ok_or(ProveError::UnsupportedSize(log_size))?;
    if poly.len() != 1 << log_size {
        return Err(ProveError::WrongLength {
            log_size,
            expected: 4 << log_size,
            got: 4 * poly.len(),
        });
    }
    let config = match log_size {
        12 => {
            ligerito::hardcoded_config_12(PhantomData::<BinaryElem32>, PhantomData::<BinaryElem128>)
        }
        16 => {
            ligerito::hardcoded_config_16(PhantomData::<BinaryElem32>, PhantomData::<BinaryElem128>)
        }
        _ => ligerito::prover_config_for_log_size::<BinaryElem32, BinaryElem128>(log_size),
    };
    let proof = ligerito::prove_with_transcript(&config, poly, FiatShamir::new_sha256(0))
        .map_err(|e| ProveError::Prover(e.to_string()))?;
    bincode::serialize(&proof).map_err(|e| ProveError::Encode(e.to_string()))
}

/// 2^`log_size` coefficients drawn from ChaCha8 seeded with `seed`.
pub fn random_polynomial(log_size: u32, seed: u64) -> Vec<BinaryElem32> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..1usize << log_size)
        .map(|_| BinaryElem32::from(rng.gen::<u32>()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn proves_with_the_cpus_carry_less_multiply_where_it_has_one() {
        let has = std::is_x86_feature_detected!("pclmulqdq")
            && std::is_x86_feature_detected!("sse4.1")
            && std::env::var_os("LIGERITO_SOFT_MULTIPLY").is_none();
        assert_eq!(ligerito_binary_fields::simd::clmul_available(), has);
    }
}
