//! `LigeritoApi`: what RPC and other off-chain callers ask the runtime.
//! A runtime implements it in `impl_runtime_apis!` with the pallet's
//! [`crate::Pallet::verified`], [`crate::Pallet::verifiers`],
//! [`crate::Pallet::config`] and [`crate::Pallet::dry_run`] (docs/FRAME.md).

use crate::{SizeLimits, VerifiedCommitment};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_core::H256;

/// The verifier in force.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ChainConfig {
    /// SHA-256 of the verifier guest.
    pub code_hash: H256,
    /// Every supported size (log2) and its limits.
    pub limits: Vec<(u32, SizeLimits)>,
}

/// What `verify` would conclude for an account that has not recorded the
/// proof's commitment (so never `AlreadyVerified`): the commitment it would
/// record or the error it would fail with, and the guest's outcome if the
/// guest ran. It is the decision `verify` itself acts on.
pub type DryRun = ligerito_runtime::decide::Decision;

sp_api::decl_runtime_apis! {
    /// Read the Ligerito pallet's state and try a proof without a transaction.
    /// Version 2: records are per commitment and account (`verified` takes
    /// the account; `verifiers` lists them).
    #[api_version(2)]
    pub trait LigeritoApi<AccountId, BlockNumber> where
        AccountId: Codec,
        BlockNumber: Codec,
    {
        /// When and how `who` verified `commitment`; `None` if it has not.
        fn verified(commitment: H256, who: AccountId) -> Option<VerifiedCommitment<BlockNumber>>;
        /// Every account that verified `commitment`, with its record.
        fn verifiers(commitment: H256) -> Vec<(AccountId, VerifiedCommitment<BlockNumber>)>;
        /// The verifier code hash and the limits per size.
        fn config() -> ChainConfig;
        /// Runs `verify`'s checks and the guest on `proof`, recording nothing.
        fn dry_run(log_size: u32, proof: Vec<u8>) -> DryRun;
    }
}
