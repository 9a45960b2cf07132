//! Benchmarks (frame-benchmarking v2) for [`crate::weights::WeightInfo`].
//! `runtime-module/pallet/wasm/bench.sh` runs them in the example wasm
//! runtime and writes `weights.rs` (and, `--in-runtime`,
//! `in_runtime_weights.rs`); a chain runs them on its own runtime and
//! hardware. `cargo test -p pallet-ligerito` runs each once on the mock runtime.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// The top of `verify_gas`'s range in thousands of gas: just short of
/// `PROOF_20`'s whole verification, so that every run of it runs out.
pub(crate) const GAS_RANGE_KILOGAS: u32 = 4_900;

#[benchmarks]
mod benchmarks {
    use super::*;

    /// An `l`-byte proof that claims a commitment (so `verify` looks it up)
    /// and that the guest refuses early (all zeros: a short proof, then
    /// trailing bytes): the proof's copy and hash, every storage read and a
    /// guest run that ends at once.
    #[benchmark]
    fn verify_bytes(l: Linear<33, MAX_PROOF_LEN>) {
        let mut proof = vec![0; l as usize];
        proof[0] = 1;
        let proof = BoundedProof::try_from(proof).expect("within the bound");
        let caller: T::AccountId = whitelisted_caller();
        let result;
        #[block]
        {
            result = Pallet::<T>::verify(RawOrigin::Signed(caller).into(), 30, proof);
        }
        assert_eq!(
            result.map_err(|e| e.error),
            Err(Error::<T>::MalformedProof.into())
        );
    }

    /// `g` thousand gas of guest execution: a valid proof whose limit runs
    /// out. Time per gas varies along a verification, so the range spans
    /// nearly all of one: over a 2^12 proof's first million gas the slope
    /// came out at half this one's, and undercharged a whole verification
    /// two- to threefold.
    #[benchmark]
    fn verify_gas(g: Linear<1, GAS_RANGE_KILOGAS>) {
        let size = sizes::get(20).expect("a supported size");
        let limits = SizeLimits {
            gas_limit: u64::from(g) * 1000,
            max_proof_len: size.max_proof_len() as u32,
        };
        Limits::<T>::insert(20, limits);
        let proof = BoundedProof::try_from(PROOF_20.to_vec()).expect("within the bound");
        let caller: T::AccountId = whitelisted_caller();
        let result;
        #[block]
        {
            result = Pallet::<T>::verify(RawOrigin::Signed(caller).into(), 20, proof);
        }
        assert_eq!(
            result.map_err(|e| e.error),
            Err(Error::<T>::OutOfGas.into())
        );
    }

    /// Recording a verified `l`-byte proof: its hash, the commitment's
    /// record and the event, which only a valid proof pays.
    #[benchmark]
    fn record(l: Linear<33, MAX_PROOF_LEN>) {
        let proof = vec![1; l as usize];
        let commitment = H256::repeat_byte(1);
        let caller: T::AccountId = whitelisted_caller();
        #[block]
        {
            Pallet::<T>::record(caller.clone(), 20, commitment, &proof, 1);
        }
        assert!(Commitments::<T>::contains_key(commitment, caller));
    }

    /// A code upgrade to the reference verifier: the interface check, a load
    /// on the interpreter and, via the host, a compilation on the node.
    #[benchmark]
    fn set_verifier_code() {
        let code = BoundedCode::try_from(ligerito_executor::REFERENCE_BLOB.to_vec())
            .expect("within the bound");
        let code_hash = H256(ligerito_executor::CodeHash::of(&code).0);
        #[extrinsic_call]
        _(RawOrigin::Root, code);
        assert_eq!(CodeHash::<T>::get(), code_hash);
    }

    #[benchmark]
    fn set_limits() {
        let size = sizes::get(20).expect("a supported size");
        let limits = SizeLimits {
            gas_limit: MAX_GAS_LIMIT,
            max_proof_len: size.max_proof_len() as u32,
        };
        #[extrinsic_call]
        _(RawOrigin::Root, 20, limits);
        assert_eq!(Limits::<T>::get(20), Some(limits));
    }

    impl_benchmark_test_suite!(
        Pallet,
        crate::mock::via_host::new_test_ext(),
        crate::mock::via_host::Test
    );
}
