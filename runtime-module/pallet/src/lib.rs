//! # Ligerito pallet
//!
//! Verifies Ligerito proofs in the PolkaVM verifier guest and records the
//! commitments of valid ones: the runtime module's `verify`,
//! `set_verifier_code` and `set_limits` in FRAME's terms, with the module's
//! types, limits and errors (`ligerito_runtime::rules`); its weights come
//! from its own benchmarks (`weights.rs`).
//!
//! How the guest runs is [`Config::Runner`]: [`ViaHost`] calls the node
//! through a runtime interface ([`host::ligerito_verifier`]), so the node's
//! shared executor compiles the guest; [`InRuntime`] runs PolkaVM's
//! interpreter inside the runtime, for chains that add no host functions.
//! Both give the same verdicts and gas. See docs/FRAME.md.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod host;
pub mod in_runtime_weights;
#[cfg(test)]
mod mock;
mod runner;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod weights;

pub use ligerito_executor::{Outcome, Verdict};

/// A valid 2^20 proof (`ligerito-node prove --size 20 --random --seed 20`):
/// what the benchmarks verify and a node times at start
/// ([`host::time_proof_20`]).
#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub const PROOF_20: &[u8] = include_bytes!("../fixtures/proof-20.bin");
/// The block limits of both reference chains (`ligerito-node`'s runtime and
/// node-plugin/substrate's), for a FRAME runtime's `BlockWeights` and
/// `BlockLength`.
pub use ligerito_runtime::rules::{MAX_BLOCK_LENGTH, MAX_BLOCK_WEIGHT, NORMAL_DISPATCH_PERCENT};
/// The runtime module's error, which [`DryRun`] reports; the pallet's
/// [`Error`] has the same variants.
pub use ligerito_runtime::Error as VerifyError;
pub use ligerito_runtime::{
    BoundedCode, BoundedProof, SizeLimits, VerifiedCommitment, MAX_CODE_LEN, MAX_GAS_LIMIT,
    MAX_PROOF_LEN,
};
pub use pallet::*;
pub use runner::{GuestRunner, InRuntime, ViaHost};
pub use runtime_api::{ChainConfig, DryRun};
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::weights::Weight;
use ligerito_executor::sizes;
use ligerito_runtime::{decide, rules};
use sp_core::H256;

/// Gas in the unit the weight functions take (a benchmark component is a
/// `u32`): thousands, rounded up.
pub fn kilogas(gas: u64) -> u32 {
    u32::try_from(gas.div_ceil(1000)).unwrap_or(u32::MAX)
}

/// The least reference time `verify` is charged per unit of gas, in
/// picoseconds: the runtime module's, the slowest per gas of the 2^20 proof
/// shapes and each kernel's worst case, timed on the executor a node runs the
/// guest on (`ligerito_runtime::weights`, its command in its header). The gas
/// benchmark runs a valid proof on the committed verifier (about 98 ps per
/// gas via the host, 2026-12-05), and code root could set instead, a kernel's
/// worst shape called over and over, can take longer per gas. Interpreted in
/// the runtime the benchmark's slope is far above it (2.2 ns).
pub const LEAST_PICOS_PER_GAS: u64 = ligerito_runtime::weights::PICOS_PER_GAS;

/// Decoding a proof, per byte, in picoseconds: the runtime module's (its
/// first touch of fresh heap pages, which gas does not show), on top of
/// the bytes benchmark, whose proof the guest refuses before decoding.
pub const DECODE_PICOS_PER_BYTE: u64 = ligerito_runtime::weights::DECODE_PER_BYTE;

/// How many times the benchmarked code the longest code is.
const SET_CODE_SCALE: u64 =
    (MAX_CODE_LEN as u64).div_ceil(ligerito_executor::REFERENCE_BLOB.len() as u64);

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use sp_runtime::DispatchErrorWithPostInfo;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// How the verifier guest runs: [`ViaHost`] or [`InRuntime`].
        type Runner: GuestRunner;
        /// Weights of the calls: [`weights::SubstrateWeight`] with [`ViaHost`],
        /// [`in_runtime_weights::InRuntimeWeight`] with [`InRuntime`], or a
        /// chain's own from the benchmarks.
        type WeightInfo: WeightInfo;
    }

    /// Verified commitments (initial Merkle roots) by the account that
    /// verified each: when and how. Keyed by both so that no account's record
    /// can stop another's; each entry is written by its account's own
    /// successful `verify`, whose weight includes the write.
    #[pallet::storage]
    pub type Commitments<T: Config> = StorageDoubleMap<
        _,
        Blake2_128Concat,
        H256,
        Blake2_128Concat,
        T::AccountId,
        VerifiedCommitment<BlockNumberFor<T>>,
    >;

    /// Per-size limits set by root; other sizes use the defaults.
    #[pallet::storage]
    pub type Limits<T: Config> = StorageMap<_, Blake2_128Concat, u32, SizeLimits>;

    /// The verifier guest (a PolkaVM blob).
    #[pallet::storage]
    pub type Code<T: Config> = StorageValue<_, BoundedCode, ValueQuery>;

    /// SHA-256 of the verifier guest.
    #[pallet::storage]
    pub type CodeHash<T: Config> = StorageValue<_, H256, ValueQuery>;

    #[pallet::genesis_config]
    pub struct GenesisConfig<T: Config> {
        /// The verifier guest, hex in JSON; the committed verifier blob by default.
        #[serde(with = "sp_core::bytes")]
        pub code: Vec<u8>,
        #[serde(skip)]
        pub _config: core::marker::PhantomData<T>,
    }

    impl<T: Config> Default for GenesisConfig<T> {
        fn default() -> Self {
            Self {
                code: ligerito_executor::VERIFIER_BLOB.to_vec(),
                _config: Default::default(),
            }
        }
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            // A chain spec is the operator's, not a user's: a bad one stops the chain at genesis.
            let code = BoundedCode::try_from(self.code.clone())
                .expect("the genesis verifier code is at most MAX_CODE_LEN bytes");
            assert!(
                T::Runner::code_is_valid(&code),
                "the genesis verifier code is not a verifier guest"
            );
            Pallet::<T>::store_code(code);
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A proof verified and its commitment was recorded for its submitter.
        ProofVerified {
            /// Who submitted it: the record is under this account.
            who: T::AccountId,
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
        VerifierCodeUpdated {
            /// SHA-256 of the new code.
            code_hash: H256,
        },
        /// A size's limits changed.
        LimitsUpdated {
            /// log2 of the polynomial size.
            log_size: u32,
            /// The new limits.
            limits: SizeLimits,
        },
    }

    /// The runtime module's errors (`ligerito_runtime::Error`): the same
    /// variants, order and docs (`errors_and_events_are_the_runtime_modules`).
    #[pallet::error]
    pub enum Error<T> {
        /// The size is not one the verifier supports (12, 16, 20..=30).
        UnsupportedSize,
        /// The proof is longer than the size's maximum proof length.
        ProofTooLarge,
        /// The submitter already recorded a proof of this commitment; the guest did not run.
        AlreadyVerified,
        /// The proof decoded but does not verify.
        InvalidProof,
        /// The proof is malformed (encoding, trailing bytes) or the guest failed.
        MalformedProof,
        /// The size's gas limit ran out before a verdict.
        OutOfGas,
        /// The new code is not a PolkaVM program with the verifier's interface.
        InvalidCode,
        /// The limits are zero, above the size's derived maximum proof length or above the gas cap.
        InvalidLimits,
    }

    impl<T> From<ligerito_runtime::Error> for Error<T> {
        fn from(error: ligerito_runtime::Error) -> Self {
            use ligerito_runtime::Error as E;
            match error {
                E::UnsupportedSize => Self::UnsupportedSize,
                E::ProofTooLarge => Self::ProofTooLarge,
                E::AlreadyVerified => Self::AlreadyVerified,
                E::InvalidProof => Self::InvalidProof,
                E::MalformedProof => Self::MalformedProof,
                E::OutOfGas => Self::OutOfGas,
                E::InvalidCode => Self::InvalidCode,
                E::InvalidLimits => Self::InvalidLimits,
            }
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Verify a proof of a 2^`log_size` polynomial; a valid one records its
        /// commitment for the signer, whatever other accounts recorded. Charged
        /// for the size's whole gas limit and the record; what the guest did not
        /// use, and the record of a proof that fails, is refunded.
        #[pallet::call_index(0)]
        #[pallet::weight(Pallet::<T>::verify_weight(proof.len(), Pallet::<T>::gas_limit(*log_size), true))]
        pub fn verify(
            origin: OriginFor<T>,
            log_size: u32,
            proof: BoundedProof,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let decision = Self::run(Some(&who), log_size, &proof);
            let gas_used = decision.gas_used();
            let actual = |recorded| Some(Self::verify_weight(proof.len(), gas_used, recorded));
            match decision.result {
                Ok(commitment) => {
                    Self::record(who, log_size, commitment, &proof, gas_used);
                    Ok(actual(true).into())
                }
                Err(error) => Err(DispatchErrorWithPostInfo {
                    post_info: actual(false).into(),
                    error: Error::<T>::from(error).into(),
                }),
            }
        }

        /// Replace the verifier guest (root only); `verify` uses it from the next call.
        #[pallet::call_index(1)]
        #[pallet::weight(Pallet::<T>::set_verifier_code_weight())]
        pub fn set_verifier_code(origin: OriginFor<T>, code: BoundedCode) -> DispatchResult {
            ensure_root(origin)?;
            ensure!(T::Runner::code_is_valid(&code), Error::<T>::InvalidCode);
            let code_hash = Self::store_code(code);
            Self::deposit_event(Event::VerifierCodeUpdated { code_hash });
            Ok(())
        }

        /// Set one size's gas limit and maximum proof length (root only).
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::set_limits())]
        pub fn set_limits(
            origin: OriginFor<T>,
            log_size: u32,
            limits: SizeLimits,
        ) -> DispatchResult {
            ensure_root(origin)?;
            decide::set_limits(log_size, &limits).map_err(Error::<T>::from)?;
            Limits::<T>::insert(log_size, limits);
            Self::deposit_event(Event::LimitsUpdated { log_size, limits });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// `who`'s record of `commitment`: when and how that account verified
        /// it; `None` if it has not (whoever else has).
        pub fn verified(
            commitment: H256,
            who: T::AccountId,
        ) -> Option<VerifiedCommitment<BlockNumberFor<T>>> {
            Commitments::<T>::get(commitment, who)
        }

        /// Every account that verified `commitment`, with its record, in the
        /// order of their keys' hashes. One read per account: each paid a
        /// `verify` for its entry.
        pub fn verifiers(
            commitment: H256,
        ) -> Vec<(T::AccountId, VerifiedCommitment<BlockNumberFor<T>>)> {
            Commitments::<T>::iter_prefix(commitment).collect()
        }

        /// The limits in force for a supported size.
        pub fn limits(log_size: u32) -> Option<SizeLimits> {
            sizes::get(log_size).map(Self::limits_of)
        }

        /// The code hash and every supported size's limits.
        pub fn config() -> ChainConfig {
            ChainConfig {
                code_hash: CodeHash::<T>::get(),
                limits: sizes::SIZES
                    .iter()
                    .map(|size| (size.log_size, Self::limits_of(size)))
                    .collect(),
            }
        }

        /// What `verify` would conclude now for an account that has not
        /// recorded the proof's commitment, without recording anything.
        pub fn dry_run(log_size: u32, proof: &[u8]) -> DryRun {
            Self::run(None, log_size, proof)
        }

        fn limits_of(size: &sizes::SizeConfig) -> SizeLimits {
            Limits::<T>::get(size.log_size).unwrap_or_else(|| rules::default_limits(size))
        }

        /// The gas `verify` is charged for before dispatch: the size's limit,
        /// none for an unsupported size.
        pub fn gas_limit(log_size: u32) -> u64 {
            Self::limits(log_size).map_or(0, |limits| limits.gas_limit)
        }

        /// `set_verifier_code`'s weight. Upgrades are few, and checking and
        /// compiling code takes time about in proportion to its length: each is
        /// charged as for the longest code, the benchmark's (the reference
        /// verifier's) weight scaled by length.
        pub fn set_verifier_code_weight() -> Weight {
            T::WeightInfo::set_verifier_code().saturating_mul(SET_CODE_SCALE)
        }

        /// `verify`'s weight for a proof of `proof_len` bytes and `gas`: the
        /// bytes benchmark, which has the call's fixed costs and every read,
        /// plus the gas benchmark's slope (its base is a whole call too) but
        /// no less than [`LEAST_PICOS_PER_GAS`] per gas, plus decoding's
        /// [`DECODE_PICOS_PER_BYTE`], plus, when the proof is `recorded`, the
        /// record benchmark.
        pub fn verify_weight(proof_len: usize, gas: u64, recorded: bool) -> Weight {
            let kilogas = kilogas(gas);
            let benchmarked =
                T::WeightInfo::verify_gas(kilogas).saturating_sub(T::WeightInfo::verify_gas(0));
            let least = u64::from(kilogas)
                .saturating_mul(1000)
                .saturating_mul(LEAST_PICOS_PER_GAS);
            let per_gas = benchmarked.max(Weight::from_parts(least, 0));
            let record = if recorded {
                T::WeightInfo::record(proof_len as u32)
            } else {
                Weight::zero()
            };
            let decoding = (proof_len as u64).saturating_mul(DECODE_PICOS_PER_BYTE);
            T::WeightInfo::verify_bytes(proof_len as u32)
                .saturating_add(Weight::from_parts(decoding, 0))
                .saturating_add(per_gas)
                .saturating_add(record)
        }

        /// Records a verified proof: its hash, the commitment's record and the event.
        pub(crate) fn record(
            who: T::AccountId,
            log_size: u32,
            commitment: H256,
            proof: &[u8],
            gas_used: u64,
        ) {
            let proof_hash = H256(sp_io::hashing::blake2_256(proof));
            let record = VerifiedCommitment {
                block: frame_system::Pallet::<T>::block_number(),
                log_size,
                proof_hash,
            };
            Commitments::<T>::insert(commitment, &who, record);
            Self::deposit_event(Event::ProofVerified {
                who,
                log_size,
                commitment,
                proof_hash,
                gas_used,
            });
        }

        /// `verify` by `who` (`None`: an account without records) as the
        /// runtime module decides it (`decide::verify`); writes nothing.
        fn run(who: Option<&T::AccountId>, log_size: u32, proof: &[u8]) -> DryRun {
            let Ok(decision) = decide::verify(
                log_size,
                proof,
                Self::limits_of,
                |commitment| who.is_some_and(|who| Commitments::<T>::contains_key(commitment, who)),
                |gas_limit| {
                    // The runner panics when the machinery fails (see `runner`).
                    Ok::<_, core::convert::Infallible>(T::Runner::verify(
                        &Code::<T>::get(),
                        CodeHash::<T>::get(),
                        log_size,
                        proof,
                        gas_limit,
                    ))
                },
            );
            decision
        }

        /// Stores `code` and its SHA-256; returns the hash.
        fn store_code(code: BoundedCode) -> H256 {
            let code_hash = H256(ligerito_executor::CodeHash::of(&code).0);
            Code::<T>::put(code);
            CodeHash::<T>::put(code_hash);
            code_hash
        }
    }
}
