//! Calls, events, errors and stored records, all SCALE with type metadata.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use ligerito_executor::sizes;
use scale_info::TypeInfo;
use sp_core::bounded::BoundedVec;
use sp_core::{sr25519, ConstU32, H256};

/// An account: an sr25519 public key.
pub type AccountId = sr25519::Public;

/// Block numbers.
pub type BlockNumber = u64;

/// Weight in picoseconds of reference execution time, as Substrate's `ref_time`.
pub type Weight = u64;

/// The longest proof any size accepts (see docs/ARCHITECTURE.md).
pub const MAX_PROOF_LEN: u32 = sizes::MAX_PROOF_LEN as u32;

/// The largest verifier code `set_verifier_code` accepts.
pub const MAX_CODE_LEN: u32 = 1 << 20;

/// The largest gas limit `set_limits` accepts for any size.
pub const MAX_GAS_LIMIT: u64 = 100_000_000_000;

/// A proof, bounded by the largest size's maximum.
pub type BoundedProof = BoundedVec<u8, ConstU32<MAX_PROOF_LEN>>;

/// Verifier code, bounded by [`MAX_CODE_LEN`].
pub type BoundedCode = BoundedVec<u8, ConstU32<MAX_CODE_LEN>>;

/// What one size may cost.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
)]
pub struct SizeLimits {
    /// Gas the guest may use for one proof of this size.
    pub gas_limit: u64,
    /// Longest proof accepted for this size, at most the size's derived maximum.
    pub max_proof_len: u32,
}

/// The module's calls.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Verify a proof of a 2^`log_size` polynomial; a valid one records its commitment.
    #[codec(index = 0)]
    Verify {
        /// log2 of the polynomial size.
        log_size: u32,
        /// The proof, as `ligerito prove` writes it.
        proof: BoundedProof,
    },
    /// Replace the verifier guest (root only); takes effect from the next extrinsic.
    #[codec(index = 1)]
    SetVerifierCode {
        /// A linked PolkaVM blob exporting `verify`.
        code: BoundedCode,
    },
    /// Set one size's gas limit and maximum proof length (root only).
    #[codec(index = 2)]
    SetLimits {
        /// log2 of the polynomial size.
        log_size: u32,
        /// The new limits.
        limits: SizeLimits,
    },
}

impl Call {
    /// Whether only the sudo key may make this call.
    pub fn is_root_only(&self) -> bool {
        !matches!(self, Call::Verify { .. })
    }
}

/// The module's events: `pallet-ligerito`'s, in the same order. A failed
/// call has none, as in FRAME, which reverts a failed call's events: its
/// error is in `ExtrinsicFailed`, its gas in the outcome and actual weight.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A proof verified and its commitment was recorded for its submitter.
    #[codec(index = 0)]
    ProofVerified {
        /// Who submitted it: the record is under this account.
        who: AccountId,
        /// log2 of the polynomial size.
        log_size: u32,
        /// The proof's initial Merkle root.
        commitment: H256,
        /// BLAKE2-256 of the proof bytes.
        proof_hash: H256,
        /// Gas the guest used.
        gas_used: u64,
    },
    /// The verifier code changed.
    #[codec(index = 1)]
    VerifierCodeUpdated {
        /// SHA-256 of the new code.
        code_hash: H256,
    },
    /// A size's limits changed.
    #[codec(index = 2)]
    LimitsUpdated {
        /// log2 of the polynomial size.
        log_size: u32,
        /// The new limits.
        limits: SizeLimits,
    },
}

/// Ways a dispatched call fails. The extrinsic is included, its nonce
/// advances and nothing else it did is kept. `pallet-ligerito`'s `Error`
/// has the same variants and docs, in the same order (a test compares them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The size is not one the verifier supports (12, 16, 20..=30).
    #[error("the size is not supported")]
    #[codec(index = 0)]
    UnsupportedSize,
    /// The proof is longer than the size's maximum proof length.
    #[error("the proof is longer than the size allows")]
    #[codec(index = 1)]
    ProofTooLarge,
    /// The submitter already recorded a proof of this commitment; the guest did not run.
    #[error("the commitment is already verified by this account")]
    #[codec(index = 2)]
    AlreadyVerified,
    /// The proof decoded but does not verify.
    #[error("the proof is invalid")]
    #[codec(index = 3)]
    InvalidProof,
    /// The proof is malformed (encoding, trailing bytes) or the guest failed.
    #[error("the proof is malformed")]
    #[codec(index = 4)]
    MalformedProof,
    /// The size's gas limit ran out before a verdict.
    #[error("the verifier ran out of gas")]
    #[codec(index = 5)]
    OutOfGas,
    /// The new code is not a PolkaVM program with the verifier's interface.
    #[error("the verifier code is invalid")]
    #[codec(index = 6)]
    InvalidCode,
    /// The limits are zero, above the size's derived maximum proof length or above the gas cap.
    #[error("the limits are out of range")]
    #[codec(index = 7)]
    InvalidLimits,
}

/// Ways an extrinsic is refused before it runs: not included, nothing changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum InvalidTransaction {
    /// The bytes are not exactly one extrinsic, or are longer than the maximum.
    #[error("malformed extrinsic")]
    Malformed,
    /// The signature does not match the signer, call, nonce and genesis hash.
    #[error("bad signature")]
    BadSignature,
    /// The nonce was already used.
    #[error("stale nonce")]
    Stale,
    /// The nonce is ahead of the account's next nonce.
    #[error("future nonce")]
    Future,
    /// A root-only call from an account that is not the sudo key.
    #[error("root-only call from a non-root signer")]
    BadOrigin,
    /// Its worst-case weight or its length does not fit in what is left of
    /// the block (or, in a pool, in an empty block).
    #[error("would exhaust the block limits")]
    ExhaustsResources,
}

/// Weight charged before and after dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct DispatchInfo {
    /// The worst case, charged before dispatch.
    pub weight: Weight,
    /// What the call used; the difference is refunded.
    pub actual_weight: Weight,
}

/// Events every extrinsic ends with, as FRAME's system pallet emits them.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum SystemEvent {
    /// The extrinsic's call succeeded.
    #[codec(index = 0)]
    ExtrinsicSuccess {
        /// Charged and actual weight.
        dispatch_info: DispatchInfo,
    },
    /// The extrinsic's call failed; only its nonce and fee-free events remain.
    #[codec(index = 1)]
    ExtrinsicFailed {
        /// Why it failed.
        dispatch_error: Error,
        /// Charged and actual weight.
        dispatch_info: DispatchInfo,
    },
}

/// Any event of this runtime.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeEvent {
    /// From the system part.
    #[codec(index = 0)]
    System(SystemEvent),
    /// From the Ligerito module.
    #[codec(index = 1)]
    Ligerito(Event),
}

/// An event with the index of the extrinsic that caused it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EventRecord {
    /// Position of the extrinsic in its block.
    pub extrinsic_index: u32,
    /// The event.
    pub event: RuntimeEvent,
}

/// What storage keeps for one account's verification of a commitment,
/// under the key (commitment, account). Generic so a FRAME chain's own
/// block number type fits (`pallet-ligerito`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct VerifiedCommitment<Block = BlockNumber> {
    /// Block it was verified in.
    pub block: Block,
    /// log2 of the polynomial size.
    pub log_size: u32,
    /// BLAKE2-256 of the proof bytes.
    pub proof_hash: H256,
}
