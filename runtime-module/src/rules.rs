//! The module's rules that do not depend on how state is kept: shared
//! with `pallet-ligerito`, so a FRAME chain decides exactly as this one.
//! [`crate::decide`] puts them in order for each call.

use crate::types::{Error, SizeLimits, Weight, MAX_GAS_LIMIT};
use crate::weights;
use ligerito_executor::{sizes, Verdict};
use sp_core::H256;

/// A block's weight: two seconds of reference time (weight is in
/// picoseconds), in a six-second slot.
pub const MAX_BLOCK_WEIGHT: Weight = 2_000_000_000_000;

/// A block's encoded extrinsics: 5 MiB, several of the largest proofs.
pub const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// The share of a block's weight and length, in percent, that normal
/// extrinsics (every call here) may fill; FRAME keeps the rest for
/// operational and mandatory work.
pub const NORMAL_DISPATCH_PERCENT: u8 = 75;

/// The weight normal extrinsics may fill in one block.
pub const MAX_NORMAL_WEIGHT: Weight = MAX_BLOCK_WEIGHT / 100 * NORMAL_DISPATCH_PERCENT as Weight;

/// The encoded bytes normal extrinsics may fill in one block.
pub const MAX_NORMAL_LENGTH: u64 = MAX_BLOCK_LENGTH as u64 * NORMAL_DISPATCH_PERCENT as u64 / 100;

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
