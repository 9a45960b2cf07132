//! Weights of the pallet's calls.
//!
//! [`SubstrateWeight`] is the runtime module's measured formula
//! (`ligerito_runtime::weights`, PolkaVM's compiler: the [`crate::ViaHost`]
//! runner on an x86-64 node) plus FRAME's storage accesses. A chain that runs
//! [`crate::InRuntime`], or other hardware, generates its own from this
//! pallet's benchmarks (`frame-omni-bencher v1 benchmark pallet --pallet
//! pallet_ligerito ...`, docs/FRAME.md).

use core::marker::PhantomData;
use frame_support::traits::Get;
use frame_support::weights::{constants::RocksDbWeight, Weight};
use ligerito_runtime::weights as measured;

/// One function per benchmark.
pub trait WeightInfo {
    /// `verify` of an `l`-byte proof, including a guest run that ends at once.
    fn verify_bytes(l: u32) -> Weight;
    /// `g` thousand gas of guest execution.
    fn verify_gas(g: u32) -> Weight;
    /// `set_verifier_code`, charged as for the longest code.
    fn set_verifier_code() -> Weight;
    /// `set_limits`.
    fn set_limits() -> Weight;
}

/// The runtime module's figures with the chain's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn verify_bytes(l: u32) -> Weight {
        // Reads: Limits, Commitments, Code, CodeHash; writes: Commitments.
        verify_ref_time(l)
            .saturating_add(T::DbWeight::get().reads_writes(4, 1))
            .saturating_add(Weight::from_parts(0, CODE_PROOF_SIZE))
    }
    fn verify_gas(g: u32) -> Weight {
        gas_ref_time(g)
    }
    fn set_verifier_code() -> Weight {
        set_code_ref_time().saturating_add(T::DbWeight::get().writes(2))
    }
    fn set_limits() -> Weight {
        Weight::from_parts(measured::SET_LIMITS, 0).saturating_add(T::DbWeight::get().writes(1))
    }
}

/// For tests and chains without their own: RocksDB's storage weights.
impl WeightInfo for () {
    fn verify_bytes(l: u32) -> Weight {
        verify_ref_time(l)
            .saturating_add(RocksDbWeight::get().reads_writes(4, 1))
            .saturating_add(Weight::from_parts(0, CODE_PROOF_SIZE))
    }
    fn verify_gas(g: u32) -> Weight {
        gas_ref_time(g)
    }
    fn set_verifier_code() -> Weight {
        set_code_ref_time().saturating_add(RocksDbWeight::get().writes(2))
    }
    fn set_limits() -> Weight {
        Weight::from_parts(measured::SET_LIMITS, 0).saturating_add(RocksDbWeight::get().writes(1))
    }
}

/// `verify` reads the whole code: its bound, and the small items, count
/// toward a parachain's proof of validity.
const CODE_PROOF_SIZE: u64 = crate::MAX_CODE_LEN as u64 + 1024;

fn verify_ref_time(l: u32) -> Weight {
    Weight::from_parts(ligerito_runtime::rules::verify_weight(l as usize, 0), 0)
}

fn gas_ref_time(g: u32) -> Weight {
    Weight::from_parts(
        measured::PICOS_PER_GAS.saturating_mul(1000 * u64::from(g)),
        0,
    )
}

/// Root's code upgrades are few: each is charged as the longest code.
fn set_code_ref_time() -> Weight {
    Weight::from_parts(
        ligerito_runtime::rules::set_code_weight(crate::MAX_CODE_LEN as usize),
        0,
    )
}
