//! The module's rules that do not depend on how state is kept: shared
//! with `pallet-ligerito`, so a FRAME chain decides exactly as this one.
//! [`crate::decide`] puts them in order for each call.

use crate::types::{Error, SizeLimits, Weight, MAX_GAS_LIMIT};
use crate::weights;
use ligerito_executor::{sizes, Verdict};
use sp_core::H256;

/// Default gas limit over a size's measured gas: room for proofs that
/// cost more than the measured one, and for guest changes.
pub const GAS_LIMIT_MARGIN: u64 = 2;

/// Default limits: twice the measured gas (the executor's cap for sizes
/// not measured) and the derived maximum proof length.
pub fn default_limits(size: &sizes::SizeConfig) -> SizeLimits {
    let measured = weights::MEASURED_GAS
        .iter()
        .find(|(log_size, _)| *log_size == size.log_size);
    SizeLimits {
        gas_limit: measured.map_or(ligerito_executor::DEFAULT_GAS_LIMIT, |(_, gas)| {
            gas * GAS_LIMIT_MARGIN
        }),
        max_proof_len: size.max_proof_len() as u32,
    }
}

/// Whether root may set `limits` for `size`: neither zero, the proof
/// length within the size's derived maximum, the gas within the cap.
pub fn limits_in_range(size: &sizes::SizeConfig, limits: &SizeLimits) -> bool {
    limits.gas_limit > 0
        && limits.gas_limit <= MAX_GAS_LIMIT
        && limits.max_proof_len > 0
        && limits.max_proof_len as usize <= size.max_proof_len()
}

/// The commitment a proof claims: its first field (bincode `Some` tag, then
/// the 32-byte initial Merkle root). Only a valid proof's claim is recorded.
pub fn claimed_commitment(proof: &[u8]) -> Option<H256> {
    match proof.get(..33) {
        Some([1, root @ ..]) => Some(H256::from_slice(root)),
        _ => None,
    }
}

/// Why a guest run that did not record a commitment failed. A valid
/// verdict without a claimed commitment cannot come from a real proof.
pub fn rejection(verdict: Verdict) -> Error {
    match verdict {
        Verdict::Invalid => Error::InvalidProof,
        Verdict::OutOfGas => Error::OutOfGas,
        Verdict::Error | Verdict::Valid => Error::MalformedProof,
    }
}

/// `verify`'s weight without the extrinsic's own overhead: the base, the
/// proof bytes, and `gas` (the limit before dispatch, the gas used after).
pub fn verify_weight(proof_len: usize, gas: u64) -> Weight {
    weights::VERIFY_BASE
        + (weights::VERIFY_PER_BYTE + weights::DECODE_PER_BYTE) * proof_len as u64
        + weights::PICOS_PER_GAS * gas
}

/// `set_verifier_code`'s weight without the extrinsic's own overhead.
pub fn set_code_weight(code_len: usize) -> Weight {
    weights::SET_CODE_BASE + weights::SET_CODE_PER_BYTE * code_len as u64
}
