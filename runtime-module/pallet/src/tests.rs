mod differential;

use crate::mock::{commitment, proof};
use crate::*;
use codec::{Decode, Encode};
use frame_support::dispatch::{DispatchResultWithPostInfo, GetDispatchInfo};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_core::H256;

fn bounded(proof: Vec<u8>) -> BoundedProof {
    BoundedVec::try_from(proof).expect("within the largest maximum")
}

fn limits(gas_limit: u64, max_proof_len: u32) -> SizeLimits {
    SizeLimits {
        gas_limit,
        max_proof_len,
    }
}

/// `call` fails with `error` and leaves the storage as it was; unlike
/// `assert_noop!`, whatever post-dispatch weight it reports.
macro_rules! assert_fails {
    ($call:expr, $error:expr $(,)?) => {
        frame_support::assert_storage_noop!(frame_support::assert_err_ignore_postinfo!(
            $call, $error
        ))
    };
}

/// Each test body runs on both mock runtimes, as `via_host::name` and
/// `in_runtime::name`, with that runtime's `Test`, `System`, `Ligerito`,
/// `RuntimeOrigin`, `RuntimeEvent`, `RuntimeCall` and `new_test_ext`.
macro_rules! per_runner {
    ($(fn $name:ident() $body:block)*) => {
        mod via_host {
            use super::*;
            use crate::mock::via_host::*;
            $(#[test] fn $name() $body)*
        }
        mod in_runtime {
            use super::*;
            use crate::mock::in_runtime::*;
            $(#[test] fn $name() $body)*
        }
    };
}

per_runner! {
    fn genesis_stores_the_committed_verifier_and_default_limits() {
        new_test_ext().execute_with(|| {
            let blob = ligerito_executor::VERIFIER_BLOB;
            assert_eq!(&Code::<Test>::get()[..], blob);
            assert_eq!(CodeHash::<Test>::get().0, ligerito_executor::CodeHash::of(blob).0);
            let config = Ligerito::config();
            assert_eq!(config.code_hash, CodeHash::<Test>::get());
            assert_eq!(config.limits.len(), ligerito_executor::sizes::SIZES.len());
            for (log_size, in_force) in config.limits {
                let size = ligerito_executor::sizes::get(log_size).unwrap();
                assert_eq!(in_force, ligerito_runtime::rules::default_limits(size));
            }
        });
    }

    fn verify_records_the_commitment_and_refunds_unused_gas() {
        new_test_ext().execute_with(|| {
            let proof = proof(12, 1);
            let call = RuntimeCall::Ligerito(Call::verify { log_size: 12, proof: bounded(proof.clone()) });
            let charged = call.get_dispatch_info().call_weight;
            let gas_limit = Ligerito::gas_limit(12);
            assert_eq!(charged, Ligerito::verify_weight(proof.len(), gas_limit, true));

            let post = Ligerito::verify(RuntimeOrigin::signed(7), 12, bounded(proof.clone())).unwrap();
            let record = Ligerito::verified(commitment(&proof), 7).expect("recorded");
            assert_eq!((record.block, record.log_size), (1, 12));
            assert_eq!(record.proof_hash, H256(sp_io::hashing::blake2_256(&proof)));
            let Some(RuntimeEvent::Ligerito(Event::ProofVerified { who, log_size, commitment: c, proof_hash, gas_used })) =
                System::events().last().map(|r| r.event.clone())
            else {
                panic!("{:?}", System::events());
            };
            assert_eq!((who, log_size, c, proof_hash), (7, 12, commitment(&proof), record.proof_hash));
            assert!(gas_used > 0 && gas_used < gas_limit);
            let actual = post.actual_weight.expect("verify reports its weight");
            assert_eq!(actual, Ligerito::verify_weight(proof.len(), gas_used, true));
            assert!(actual.ref_time() < charged.ref_time(), "the unused gas is refunded");
        });
    }

    fn a_front_run_does_not_stop_the_honest_submitters_record() {
        new_test_ext().execute_with(|| {
            let proof = proof(12, 2);
            // account 1 copies account 2's proof from the pool and is included first
            assert_ok!(Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())));
            assert_ok!(Ligerito::verify(RuntimeOrigin::signed(2), 12, bounded(proof.clone())));
            let Some(RuntimeEvent::Ligerito(Event::ProofVerified { who, commitment: c, .. })) =
                System::events().last().map(|r| r.event.clone())
            else {
                panic!("{:?}", System::events());
            };
            assert_eq!((who, c), (2, commitment(&proof)));
            assert!(Ligerito::verified(commitment(&proof), 2).is_some());
            assert!(Ligerito::verified(commitment(&proof), 3).is_none());
            let mut verifiers: Vec<u64> = Ligerito::verifiers(commitment(&proof)).into_iter().map(|(who, _)| who).collect();
            verifiers.sort();
            assert_eq!(verifiers, [1, 2]);
        });
    }

    fn the_submitters_own_commitment_again_is_already_verified_without_a_guest_run() {
        new_test_ext().execute_with(|| {
            let proof = proof(12, 2);
            assert_ok!(Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())));
            let recorded = Ligerito::verified(commitment(&proof), 1);
            System::set_block_number(2);
            let error = Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())).unwrap_err();
            assert_eq!(error.error, Error::<Test>::AlreadyVerified.into());
            assert_eq!(error.post_info.actual_weight, Some(Ligerito::verify_weight(proof.len(), 0, false)));
            assert_eq!(Ligerito::verified(commitment(&proof), 1), recorded, "the first record stays");
        });
    }

    fn a_tampered_proof_is_invalid_and_pays_for_the_gas_it_used() {
        new_test_ext().execute_with(|| {
            let mut proof = proof(12, 3);
            proof[100] ^= 1; // inside the first opened row
            let error = Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())).unwrap_err();
            assert_eq!(error.error, Error::<Test>::InvalidProof.into());
            let dry = Ligerito::dry_run(12, &proof);
            let outcome = dry.outcome.clone().expect("the guest ran");
            assert_eq!((outcome.verdict, outcome.exit_code), (Verdict::Invalid, 1));
            assert_eq!(
                error.post_info.actual_weight,
                Some(Ligerito::verify_weight(proof.len(), outcome.gas_used, false))
            );
            assert!(Ligerito::verifiers(commitment(&proof)).is_empty());
        });
    }

    fn malformed_proofs_are_malformed() {
        new_test_ext().execute_with(|| {
            let mut trailing = proof(12, 4);
            trailing.push(0);
            for bad in [trailing, vec![1; 40], vec![0; 5], Vec::new()] {
                assert_fails!(
                    Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(bad)),
                    Error::<Test>::MalformedProof
                );
            }
        });
    }

    fn a_gas_limit_too_low_is_out_of_gas_and_charges_the_limit() {
        new_test_ext().execute_with(|| {
            let proof = proof(12, 5);
            let max = ligerito_executor::sizes::get(12).unwrap().max_proof_len() as u32;
            assert_ok!(Ligerito::set_limits(RuntimeOrigin::root(), 12, limits(100_000, max)));
            let error = Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())).unwrap_err();
            assert_eq!(error.error, Error::<Test>::OutOfGas.into());
            assert_eq!(error.post_info.actual_weight, Some(Ligerito::verify_weight(proof.len(), 100_000, false)));
        });
    }

    fn sizes_and_lengths_are_checked_before_the_guest() {
        new_test_ext().execute_with(|| {
            let proof = proof(12, 6);
            for log_size in [0, 11, 13, 17, 31, u32::MAX] {
                let error = Ligerito::verify(RuntimeOrigin::signed(1), log_size, bounded(proof.clone())).unwrap_err();
                assert_eq!(error.error, Error::<Test>::UnsupportedSize.into());
                assert_eq!(error.post_info.actual_weight, Some(Ligerito::verify_weight(proof.len(), 0, false)));
            }
            assert_ok!(Ligerito::set_limits(RuntimeOrigin::root(), 12, limits(1_000_000_000, 1000)));
            assert_fails!(
                Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())),
                Error::<Test>::ProofTooLarge
            );
            assert_fails!(Ligerito::verify(RuntimeOrigin::none(), 12, bounded(proof)), sp_runtime::DispatchError::BadOrigin);
        });
    }

    fn proofs_are_bounded_by_the_size_table() {
        let longest = ligerito_executor::sizes::MAX_PROOF_LEN;
        assert_eq!(MAX_PROOF_LEN as usize, longest);
        assert!(BoundedProof::try_from(vec![0; longest + 1]).is_err());
        // A call carrying a longer proof does not decode, so it never reaches the pallet.
        let encoded = |len: usize| (1u8, 0u8, 30u32, vec![0u8; len]).encode();
        let call = RuntimeCall::Ligerito(Call::verify { log_size: 30, proof: bounded(vec![0; longest]) });
        assert_eq!(encoded(longest), call.encode());
        assert_eq!(RuntimeCall::decode(&mut &encoded(longest)[..]).ok(), Some(call));
        assert!(RuntimeCall::decode(&mut &encoded(longest + 1)[..]).is_err());
    }

    fn set_verifier_code_is_root_only_checks_the_code_and_takes_effect() {
        new_test_ext().execute_with(|| {
            let reference = ligerito_executor::REFERENCE_BLOB.to_vec();
            let code = BoundedCode::try_from(reference.clone()).unwrap();
            assert_noop!(
                Ligerito::set_verifier_code(RuntimeOrigin::signed(1), code.clone()),
                sp_runtime::DispatchError::BadOrigin
            );
            for bad in [vec![0u8; 64], Vec::new(), reference[..reference.len() / 2].to_vec()] {
                assert_noop!(
                    Ligerito::set_verifier_code(RuntimeOrigin::root(), BoundedCode::try_from(bad).unwrap()),
                    Error::<Test>::InvalidCode
                );
            }
            assert_ok!(Ligerito::set_verifier_code(RuntimeOrigin::root(), code));
            let code_hash = H256(ligerito_executor::CodeHash::of(&reference).0);
            assert_eq!(CodeHash::<Test>::get(), code_hash);
            System::assert_last_event(RuntimeEvent::Ligerito(Event::VerifierCodeUpdated { code_hash }));

            // The reference verifier needs more gas than the default limit.
            let proof = proof(12, 7);
            let max = ligerito_executor::sizes::get(12).unwrap().max_proof_len() as u32;
            assert_fails!(
                Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())),
                Error::<Test>::OutOfGas
            );
            assert_ok!(Ligerito::set_limits(RuntimeOrigin::root(), 12, limits(MAX_GAS_LIMIT, max)));
            assert_ok!(Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof)));
        });
    }

    fn set_verifier_code_is_charged_as_for_the_longest_code() {
        let reference = ligerito_executor::REFERENCE_BLOB;
        let code = BoundedCode::try_from(reference.to_vec()).unwrap();
        let charged = RuntimeCall::Ligerito(Call::set_verifier_code { code }).get_dispatch_info().call_weight;
        let benchmarked = <() as WeightInfo>::set_verifier_code();
        // The benchmark used the reference verifier; the longest code is that many times longer.
        let longest_over_reference = MAX_CODE_LEN as u64 / reference.len() as u64;
        assert!(longest_over_reference >= 8);
        assert!(charged.ref_time() >= benchmarked.ref_time() * longest_over_reference);
        assert!(charged.ref_time() <= benchmarked.ref_time() * (longest_over_reference + 1));
    }

    fn set_limits_is_root_only_and_range_checked() {
        new_test_ext().execute_with(|| {
            let max = ligerito_executor::sizes::get(20).unwrap().max_proof_len() as u32;
            assert_noop!(
                Ligerito::set_limits(RuntimeOrigin::signed(1), 20, limits(1, max)),
                sp_runtime::DispatchError::BadOrigin
            );
            assert_noop!(Ligerito::set_limits(RuntimeOrigin::root(), 13, limits(1, max)), Error::<Test>::UnsupportedSize);
            for bad in [limits(0, max), limits(MAX_GAS_LIMIT + 1, max), limits(1, 0), limits(1, max + 1)] {
                assert_noop!(Ligerito::set_limits(RuntimeOrigin::root(), 20, bad), Error::<Test>::InvalidLimits);
            }
            let new = limits(MAX_GAS_LIMIT, max);
            assert_ok!(Ligerito::set_limits(RuntimeOrigin::root(), 20, new));
            assert_eq!(Ligerito::limits(20), Some(new));
            assert_eq!(Ligerito::gas_limit(20), MAX_GAS_LIMIT);
            System::assert_last_event(RuntimeEvent::Ligerito(Event::LimitsUpdated { log_size: 20, limits: new }));
        });
    }

    fn dry_run_concludes_as_verify_and_records_nothing() {
        new_test_ext().execute_with(|| {
            let proof = proof(12, 8);
            let dry = Ligerito::dry_run(12, &proof);
            assert_eq!(dry.result, Ok(commitment(&proof)));
            let outcome = dry.outcome.clone().expect("the guest ran");
            assert_eq!((outcome.verdict, outcome.message.as_str()), (Verdict::Valid, "valid"));
            assert!(Ligerito::verifiers(commitment(&proof)).is_empty());
            assert!(System::events().is_empty());

            let post = Ligerito::verify(RuntimeOrigin::signed(1), 12, bounded(proof.clone())).unwrap();
            assert_eq!(post.actual_weight, Some(Ligerito::verify_weight(proof.len(), outcome.gas_used, true)));
            // another account's verify would record it too
            assert_eq!(Ligerito::dry_run(12, &proof), dry);
            let too_long = vec![0; MAX_PROOF_LEN as usize + 1];
            assert_eq!(Ligerito::dry_run(30, &too_long).result, Err(ligerito_runtime::Error::ProofTooLarge));
        });
    }
}

#[test]
fn the_gas_benchmark_spans_nearly_a_whole_verification() {
    use crate::benchmarking::GAS_RANGE_KILOGAS;
    use crate::mock::via_host::{new_test_ext, Ligerito};
    use crate::PROOF_20;
    let outcome = new_test_ext()
        .execute_with(|| Ligerito::dry_run(20, PROOF_20))
        .outcome
        .expect("the guest ran");
    assert_eq!(outcome.verdict, Verdict::Valid);
    let top = u64::from(GAS_RANGE_KILOGAS) * 1000;
    // A range that stops short misses the costlier part of a verification.
    assert!(top < outcome.gas_used && top * 100 >= outcome.gas_used * 95);
}

#[test]
fn via_host_charges_gas_no_less_than_the_executors_slowest_code_takes() {
    use crate::mock::via_host::Ligerito;
    use ligerito_runtime::weights::PICOS_PER_GAS;
    // The gas benchmark's valid proof runs at about 98 ps per gas; a kernel's
    // worst shape, which root could set as code, at up to the runtime
    // module's figure.
    for gas in [1_000, 9_000_000, 18_416_332, 20_000_000_000] {
        let charged = Ligerito::verify_weight(1_000, gas, false)
            .saturating_sub(Ligerito::verify_weight(1_000, 0, false));
        assert!(charged.ref_time() >= gas * PICOS_PER_GAS, "{gas} gas");
    }
}

#[test]
fn charges_decoding_per_byte_beyond_the_bytes_benchmark() {
    use crate::mock::via_host::Ligerito;
    use ligerito_runtime::weights::DECODE_PER_BYTE;
    // the bytes benchmark's proof is refused before it is decoded
    for len in [33, 151_690, 468_780] {
        let decoding = Weight::from_parts(len as u64 * DECODE_PER_BYTE, 0);
        assert_eq!(
            Ligerito::verify_weight(len, 0, false),
            <() as crate::WeightInfo>::verify_bytes(len as u32) + decoding
        );
    }
}

#[test]
fn via_host_checks_new_code_on_every_backend_the_node_supports() {
    use crate::mock::via_host::*;
    let code = ligerito_executor::REFERENCE_BLOB.to_vec();
    new_test_ext().execute_with(|| {
        let upgrade = BoundedCode::try_from(code.clone()).unwrap();
        assert_ok!(Ligerito::set_verifier_code(RuntimeOrigin::root(), upgrade));
    });
    let (executor, _) = crate::host::shared_executor();
    let code = ligerito_executor::Code::new(code);
    for backend in ligerito_executor::Backend::ALL {
        let loaded = executor.is_prepared(&code, backend);
        assert_eq!(loaded, backend.is_supported(), "checked on {backend}");
    }
}

/// Inputs whose verdicts cover every kind, for comparing the runners.
fn inputs() -> Vec<(u32, Vec<u8>, u64)> {
    let valid = proof(12, 9);
    let gas = ligerito_runtime::rules::default_limits(ligerito_executor::sizes::get(12).unwrap())
        .gas_limit;
    let mut tampered = valid.clone();
    tampered[100] ^= 1;
    let mut trailing = valid.clone();
    trailing.push(7);
    vec![
        (12, valid.clone(), gas),
        (12, tampered, gas),
        (12, trailing, gas),
        (12, valid[..valid.len() / 2].to_vec(), gas),
        (16, valid.clone(), gas),
        (12, valid, 50_000),
        (12, vec![0xff; 1000], gas),
    ]
}

#[test]
fn both_runners_give_the_same_verdicts_gas_and_messages() {
    let code = ligerito_executor::VERIFIER_BLOB;
    let hash = H256(ligerito_executor::CodeHash::of(code).0);
    let mut verdicts = Vec::new();
    for (log_size, proof, gas_limit) in inputs() {
        let host = ViaHost::verify(code, hash, log_size, &proof, gas_limit);
        let runtime = InRuntime::verify(code, hash, log_size, &proof, gas_limit);
        assert_eq!(
            host,
            runtime,
            "log_size {log_size}, {} bytes, gas {gas_limit}",
            proof.len()
        );
        verdicts.push(host.verdict);
    }
    assert_eq!(
        verdicts,
        [
            Verdict::Valid,
            Verdict::Invalid,
            Verdict::Error,
            Verdict::Error,
            Verdict::Invalid,
            Verdict::OutOfGas,
            Verdict::Error
        ]
    );
    for code in [
        code,
        ligerito_executor::REFERENCE_BLOB,
        &[0u8; 64][..],
        &[][..],
    ] {
        assert_eq!(ViaHost::code_is_valid(code), InRuntime::code_is_valid(code));
    }
}

/// The same calls on both mock runtimes leave the same events, results,
/// weights and state root.
#[test]
fn both_runtimes_agree_call_for_call() {
    fn run_all<T: Config>(
        mut ext: sp_io::TestExternalities,
        calls: Vec<(Option<u64>, Call<T>)>,
    ) -> Vec<Vec<u8>>
    where
        T::AccountId: From<u64>,
    {
        use frame_support::traits::UnfilteredDispatchable;
        ext.execute_with(|| {
            let mut results = Vec::new();
            for (signer, call) in calls {
                let origin = match signer {
                    Some(who) => frame_system::RawOrigin::Signed(who.into()),
                    None => frame_system::RawOrigin::Root,
                };
                let result: DispatchResultWithPostInfo = call.dispatch_bypass_filter(origin.into());
                results.push(result.encode());
            }
            results.push(frame_system::Pallet::<T>::events().encode());
            results.push(sp_io::storage::root(sp_runtime::StateVersion::V1));
            results
        })
    }
    let max = ligerito_executor::sizes::get(12).unwrap().max_proof_len() as u32;
    fn calls<T: Config>(max: u32) -> Vec<(Option<u64>, Call<T>)> {
        let mut calls: Vec<(Option<u64>, Call<T>)> = inputs()
            .into_iter()
            .map(|(log_size, proof, _)| {
                (
                    Some(1),
                    Call::verify {
                        log_size,
                        proof: bounded(proof),
                    },
                )
            })
            .collect();
        calls.push((
            None,
            Call::set_limits {
                log_size: 12,
                limits: limits(50_000, max),
            },
        ));
        calls.push((
            Some(2),
            Call::verify {
                log_size: 12,
                proof: bounded(proof(12, 10)),
            },
        ));
        calls.push((
            None,
            Call::set_verifier_code {
                code: BoundedCode::try_from(vec![0u8; 64]).unwrap(),
            },
        ));
        calls
    }
    let host =
        run_all::<crate::mock::via_host::Test>(crate::mock::via_host::new_test_ext(), calls(max));
    let runtime = run_all::<crate::mock::in_runtime::Test>(
        crate::mock::in_runtime::new_test_ext(),
        calls(max),
    );
    assert_eq!(host, runtime);
}

#[test]
fn weights_follow_the_kernel_prices_calibration() {
    let line = format!(
        "Calibration: {}",
        ligerito_executor::kernel_gas::CALIBRATION
    );
    for (file, text) in [
        ("weights.rs", include_str!("weights.rs")),
        (
            "in_runtime_weights.rs",
            include_str!("in_runtime_weights.rs"),
        ),
    ] {
        assert!(
            text.contains(&line),
            "{file} was measured after other kernel prices: run bench.sh again"
        );
    }
}

/// The pallet's errors and events are the runtime module's: the same names,
/// codec indices, docs and fields (whose account type differs), as in the
/// metadata both publish.
#[test]
fn errors_and_events_are_the_runtime_modules() {
    use scale_info::{TypeDef, TypeInfo};
    type Field = (Option<&'static str>, Vec<&'static str>);
    fn variants<E: TypeInfo>() -> Vec<(u8, &'static str, Vec<&'static str>, Vec<Field>)> {
        let TypeDef::Variant(def) = E::type_info().type_def else {
            panic!("an enum")
        };
        def.variants
            .into_iter()
            .map(|v| {
                let fields = v.fields.into_iter().map(|f| (f.name, f.docs)).collect();
                (v.index, v.name, v.docs, fields)
            })
            .collect()
    }
    type Test = crate::mock::via_host::Test;
    let errors = variants::<ligerito_runtime::Error>();
    assert_eq!(errors.len(), 8);
    assert!(errors.iter().all(|(_, _, docs, _)| !docs.is_empty()));
    assert_eq!(variants::<Error<Test>>(), errors);
    let events = variants::<ligerito_runtime::Event>();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|(_, _, docs, _)| !docs.is_empty()));
    assert_eq!(variants::<Event<Test>>(), events);
}
