use crate::mock::*;
use crate::*;
use codec::Encode;
use ligerito_executor::Backend;
use sp_core::H256;
use sp_core::{bounded::BoundedVec, Pair};

fn apply(runtime: &mut Runtime, xt: &[u8]) -> ApplyOutcome {
    runtime.apply_extrinsic(xt).expect("applied")
}

/// Signs `call` as `name` with its next nonce and applies it.
fn submit(runtime: &mut Runtime, name: &str, call: Call) -> ApplyOutcome {
    let xt = signed(runtime, name, call);
    apply(runtime, &xt)
}

fn invalid(runtime: &mut Runtime, xt: &[u8]) -> InvalidTransaction {
    match runtime.apply_extrinsic(xt) {
        Err(ApplyError::Invalid(invalid)) => invalid,
        other => panic!("expected an invalid transaction, got {other:?}"),
    }
}

fn set_limits(log_size: u32, gas_limit: u64, max_proof_len: u32) -> Call {
    Call::SetLimits {
        log_size,
        limits: SizeLimits {
            gas_limit,
            max_proof_len,
        },
    }
}

/// Applies `xt` and asserts it was refused without touching the state.
fn refused_without_change(runtime: &mut Runtime, xt: &[u8]) -> InvalidTransaction {
    let root = runtime.state_root();
    let error = invalid(runtime, xt);
    assert_eq!(runtime.state_root(), root);
    assert!(events(runtime).is_empty());
    error
}

ligerito_executor::per_backend! {
    fn records_commitment_of_valid_proof(backend) {
        let mut chain = new_chain(backend);
        let proof = proof(12, 1);
        let outcome = submit(&mut chain, "bob", verify_call(12, proof.clone()));
        assert_eq!(outcome.result, Ok(()));
        assert!(outcome.gas_used > 0);
        let record = chain.verified(&commitment(&proof), &account("bob")).expect("recorded");
        assert_eq!((record.block, record.log_size), (1, 12));
        assert_eq!(record.proof_hash, H256(sp_crypto_hashing::blake2_256(&proof)));
        assert_eq!(
            events(&chain)[0],
            RuntimeEvent::Ligerito(Event::ProofVerified {
                who: account("bob"),
                log_size: 12,
                commitment: commitment(&proof),
                proof_hash: record.proof_hash,
                gas_used: outcome.gas_used,
            })
        );
        assert!(matches!(events(&chain)[1], RuntimeEvent::System(SystemEvent::ExtrinsicSuccess { .. })));
        assert_eq!(chain.nonce(&account("bob")), 1);
    }

    fn rejects_tampered_proof(backend) {
        let mut chain = new_chain(backend);
        let mut proof = proof(12, 2);
        proof[100] ^= 1; // inside the first opened row
        let outcome = submit(&mut chain, "bob", verify_call(12, proof.clone()));
        assert_eq!(outcome.result, Err(Error::InvalidProof));
        assert!(outcome.gas_used > 0, "the guest ran");
        assert!(chain.verified(&commitment(&proof), &account("bob")).is_none());
        assert_eq!(chain.nonce(&account("bob")), 1);
        // The error is the only event, as FRAME keeps no event of a failed call.
        let [RuntimeEvent::System(SystemEvent::ExtrinsicFailed { dispatch_error, dispatch_info })] = &events(&chain)[..] else {
            panic!("{:?}", events(&chain));
        };
        assert_eq!(*dispatch_error, Error::InvalidProof);
        let used = weights::EXTRINSIC_BASE + rules::verify_weight(proof.len(), outcome.gas_used);
        assert_eq!(dispatch_info.actual_weight, used);
    }

    fn rejects_malformed_proof(backend) {
        let mut chain = new_chain(backend);
        let mut proof = proof(12, 3);
        proof.push(0);
        let outcome = submit(&mut chain, "bob", verify_call(12, proof));
        assert_eq!(outcome.result, Err(Error::MalformedProof));
        assert!(outcome.gas_used > 0, "the guest ran");
        assert!(matches!(
            &events(&chain)[..],
            [RuntimeEvent::System(SystemEvent::ExtrinsicFailed { dispatch_error: Error::MalformedProof, .. })]
        ));
    }

    fn runs_out_of_gas_at_the_size_limit(backend) {
        let mut chain = new_chain(backend);
        let max = ligerito_executor::sizes::get(12).unwrap().max_proof_len() as u32;
        assert_eq!(submit(&mut chain, "alice", set_limits(12, 1_000_000, max)).result, Ok(()));
        let outcome = submit(&mut chain, "bob", verify_call(12, proof(12, 4)));
        assert_eq!(outcome.result, Err(Error::OutOfGas));
        assert_eq!(outcome.gas_used, 1_000_000);
    }

    fn refunds_unused_gas_weight(backend) {
        let mut chain = new_chain(backend);
        let outcome = submit(&mut chain, "bob", verify_call(12, proof(12, 5)));
        let expected = weights::EXTRINSIC_BASE
            + weights::VERIFY_BASE
            + (weights::VERIFY_PER_BYTE + weights::DECODE_PER_BYTE) * proof(12, 5).len() as u64
            + weights::PICOS_PER_GAS * outcome.gas_used;
        assert_eq!(outcome.info.actual_weight, expected);
        assert!(outcome.info.actual_weight < outcome.info.weight);
    }
}

#[test]
fn same_extrinsics_give_the_same_roots_events_and_gas_on_both_backends() {
    let run = |backend| {
        let mut chain = new_chain(backend);
        let mut tampered = proof(16, 7);
        tampered[500] ^= 4;
        let xts = [
            signed(&chain, "bob", verify_call(16, proof(16, 6))),
            signed(&chain, "charlie", verify_call(16, tampered)),
            signed(&chain, "dave", verify_call(12, vec![1; 40])),
        ];
        let outcomes: Vec<ApplyOutcome> = xts.iter().map(|xt| apply(&mut chain, xt)).collect();
        (outcomes, chain.finalize_block())
    };
    let (compiler, interpreter) = (run(Backend::Compiler), run(Backend::Interpreter));
    assert_eq!(compiler, interpreter);
    assert_eq!(compiler.0[0].result, Ok(()));
    assert_eq!(compiler.0[1].result, Err(Error::InvalidProof));
    assert_eq!(compiler.0[2].result, Err(Error::MalformedProof));
}

#[test]
fn rejects_bad_signature() {
    let mut chain = new_chain(Backend::Compiler);
    let mut xt =
        UncheckedExtrinsic::decode_exact(&signed(&chain, "bob", verify_call(12, proof(12, 1))))
            .unwrap();
    let mut raw = [0u8; 64];
    raw.copy_from_slice(xt.signature.as_ref());
    raw[10] ^= 1;
    xt.signature = sp_core::sr25519::Signature::from_raw(raw);
    assert_eq!(
        refused_without_change(&mut chain, &xt.encode()),
        InvalidTransaction::BadSignature
    );
}

#[test]
fn rejects_signature_over_another_nonce() {
    let mut chain = new_chain(Backend::Compiler);
    let mut xt =
        UncheckedExtrinsic::decode_exact(&signed(&chain, "bob", verify_call(12, vec![]))).unwrap();
    xt.nonce = 1;
    assert_eq!(
        refused_without_change(&mut chain, &xt.encode()),
        InvalidTransaction::BadSignature
    );
}

#[test]
fn rejects_extrinsic_signed_for_another_chain() {
    let mut chain = new_chain(Backend::Compiler);
    let xt = UncheckedExtrinsic::sign(
        &dev_account("bob"),
        verify_call(12, vec![]),
        0,
        H256::repeat_byte(9),
    );
    assert_eq!(
        refused_without_change(&mut chain, &xt.encode()),
        InvalidTransaction::BadSignature
    );
}

#[test]
fn rejects_replayed_nonce() {
    let mut chain = new_chain(Backend::Compiler);
    let xt = signed(&chain, "bob", verify_call(13, vec![]));
    apply(&mut chain, &xt);
    chain.finalize_block();
    chain.initialize_block(2);
    assert_eq!(
        refused_without_change(&mut chain, &xt),
        InvalidTransaction::Stale
    );
}

#[test]
fn rejects_future_nonce() {
    let mut chain = new_chain(Backend::Compiler);
    let xt = signed_with_nonce(&chain, "bob", verify_call(13, vec![]), 1);
    assert_eq!(
        refused_without_change(&mut chain, &xt),
        InvalidTransaction::Future
    );
    assert_eq!(
        chain.validate(&UncheckedExtrinsic::decode_exact(&xt).unwrap(), true),
        Ok(())
    );
}

#[test]
fn rejects_root_call_from_non_root_signer() {
    let mut chain = new_chain(Backend::Compiler);
    let xt = signed(&chain, "bob", set_limits(12, 1, 1));
    assert_eq!(
        refused_without_change(&mut chain, &xt),
        InvalidTransaction::BadOrigin
    );
}

#[test]
fn rejects_malformed_extrinsics() {
    let mut chain = new_chain(Backend::Compiler);
    let mut trailing = signed(&chain, "bob", verify_call(12, vec![]));
    trailing.push(0);
    let oversize = vec![0; MAX_EXTRINSIC_LEN + 1];
    for bytes in [&[][..], &[1, 2, 3], &trailing, &oversize] {
        assert_eq!(
            refused_without_change(&mut chain, bytes),
            InvalidTransaction::Malformed
        );
    }
}

#[test]
fn rejects_proof_longer_than_any_size_at_decoding() {
    let mut chain = new_chain(Backend::Compiler);
    let call = Call::Verify {
        log_size: 12,
        proof: BoundedVec::truncate_from(vec![0; 8]),
    };
    let mut bytes =
        UncheckedExtrinsic::sign(&dev_account("bob"), call, 0, chain.genesis_hash()).encode();
    // Rewrite the proof's compact length prefix to one past the bound.
    let proof_len_at = bytes.len() - 8 - 1;
    bytes.truncate(proof_len_at);
    bytes.extend(codec::Compact(MAX_PROOF_LEN + 1).encode());
    bytes.extend(vec![0; MAX_PROOF_LEN as usize + 1]);
    assert_eq!(
        refused_without_change(&mut chain, &bytes),
        InvalidTransaction::Malformed
    );
}

#[test]
fn rejects_unsupported_size_without_running_the_guest() {
    let mut chain = new_chain(Backend::Compiler);
    let outcome = submit(&mut chain, "bob", verify_call(13, proof(12, 1)));
    assert_eq!(
        (outcome.result, outcome.gas_used),
        (Err(Error::UnsupportedSize), 0)
    );
    assert_eq!(chain.nonce(&account("bob")), 1);
}

#[test]
fn rejects_proof_over_the_size_limit_without_running_the_guest() {
    let mut chain = new_chain(Backend::Compiler);
    submit(&mut chain, "alice", set_limits(12, 1_000_000_000, 1_000));
    let outcome = submit(&mut chain, "bob", verify_call(12, proof(12, 1)));
    assert_eq!(
        (outcome.result, outcome.gas_used),
        (Err(Error::ProofTooLarge), 0)
    );
}

#[test]
fn a_front_run_does_not_stop_the_honest_submitters_record() {
    let mut chain = new_chain(Backend::Compiler);
    let proof = proof(12, 7);
    // charlie copies bob's proof from the pool and is included first
    let front_run = submit(&mut chain, "charlie", verify_call(12, proof.clone()));
    assert_eq!(front_run.result, Ok(()));
    let honest = submit(&mut chain, "bob", verify_call(12, proof.clone()));
    assert_eq!(honest.result, Ok(()));
    let RuntimeEvent::Ligerito(Event::ProofVerified {
        who, commitment: c, ..
    }) = events(&chain)[2]
    else {
        panic!("{:?}", events(&chain));
    };
    assert_eq!((who, c), (account("bob"), commitment(&proof)));
    for name in ["charlie", "bob"] {
        assert!(chain
            .verified(&commitment(&proof), &account(name))
            .is_some());
    }
    assert!(chain
        .verified(&commitment(&proof), &account("dave"))
        .is_none());
}

#[test]
fn rejects_a_commitment_the_submitter_verified_without_running_the_guest() {
    let mut chain = new_chain(Backend::Compiler);
    let proof = proof(12, 7);
    assert_eq!(
        submit(&mut chain, "charlie", verify_call(12, proof.clone())).result,
        Ok(())
    );
    let recorded = chain.verified(&commitment(&proof), &account("charlie"));
    chain.initialize_block(2);
    let again = submit(&mut chain, "charlie", verify_call(12, proof.clone()));
    assert_eq!(
        (again.result, again.gas_used),
        (Err(Error::AlreadyVerified), 0)
    );
    assert_eq!(
        chain.verified(&commitment(&proof), &account("charlie")),
        recorded,
        "the first record stays"
    );
}

#[test]
fn rejects_limits_out_of_range() {
    let mut chain = new_chain(Backend::Compiler);
    let max = ligerito_executor::sizes::get(20).unwrap().max_proof_len() as u32;
    for (log_size, gas, len, error) in [
        (20, 0, max, Error::InvalidLimits),
        (20, MAX_GAS_LIMIT + 1, max, Error::InvalidLimits),
        (20, 1_000, 0, Error::InvalidLimits),
        (20, 1_000, max + 1, Error::InvalidLimits),
        (13, 1_000, 1_000, Error::UnsupportedSize),
    ] {
        let outcome = submit(&mut chain, "alice", set_limits(log_size, gas, len));
        assert_eq!(outcome.result, Err(error));
    }
    assert_eq!(
        chain.limits(20),
        Some(rules::default_limits(
            ligerito_executor::sizes::get(20).unwrap()
        ))
    );
}

#[test]
fn root_sets_limits_and_announces_them() {
    let mut chain = new_chain(Backend::Compiler);
    let outcome = submit(&mut chain, "alice", set_limits(20, 5_000, 1_000));
    assert_eq!(outcome.result, Ok(()));
    let limits = SizeLimits {
        gas_limit: 5_000,
        max_proof_len: 1_000,
    };
    assert_eq!(chain.limits(20), Some(limits));
    assert_eq!(
        events(&chain)[0],
        RuntimeEvent::Ligerito(Event::LimitsUpdated {
            log_size: 20,
            limits
        })
    );
}

#[test]
fn rejects_invalid_verifier_code() {
    let mut chain = new_chain(Backend::Compiler);
    let hash = chain.code_hash();
    let call = Call::SetVerifierCode {
        code: BoundedVec::truncate_from(b"not a program".to_vec()),
    };
    assert_eq!(
        submit(&mut chain, "alice", call).result,
        Err(Error::InvalidCode)
    );
    assert_eq!(chain.code_hash(), hash);
}

#[test]
fn verifier_code_update_is_stored_and_announced() {
    let mut chain = new_chain(Backend::Compiler);
    // the reference verifier (upstream's) needs more gas than the default
    let gas_limit = 20 * chain.limits(12).unwrap().gas_limit;
    let max_len = chain.limits(12).unwrap().max_proof_len;
    assert_eq!(
        submit(&mut chain, "alice", set_limits(12, gas_limit, max_len)).result,
        Ok(())
    );
    let code = ligerito_executor::REFERENCE_BLOB.to_vec();
    let call = Call::SetVerifierCode {
        code: BoundedVec::try_from(code.clone()).unwrap(),
    };
    let fast = submit(&mut chain, "bob", verify_call(12, proof(12, 7)));
    assert_eq!(fast.result, Ok(()));
    assert_eq!(submit(&mut chain, "alice", call).result, Ok(()));
    let code_hash = H256(ligerito_executor::CodeHash::of(&code).0);
    assert!(
        events(&chain).contains(&RuntimeEvent::Ligerito(Event::VerifierCodeUpdated {
            code_hash
        }))
    );
    for backend in Backend::ALL {
        let loaded = chain
            .executor
            .is_prepared(&ligerito_executor::Code::new(code.clone()), backend);
        assert_eq!(loaded, backend.is_supported(), "checked on {backend}");
    }
    assert_eq!(storage::code(&chain.state), Some(code));
    assert_eq!(storage::code_hash(&chain.state), Some(code_hash));
    // and the next extrinsic runs it: the same verdict, for more gas
    let reference = submit(&mut chain, "bob", verify_call(12, proof(12, 8)));
    assert_eq!(reference.result, Ok(()));
    assert!(reference.gas_used > 5 * fast.gas_used);
}

#[test]
fn failed_extrinsic_only_advances_the_nonce() {
    let mut failed = new_chain(Backend::Compiler);
    let mut tampered = proof(12, 9);
    tampered[100] ^= 1;
    submit(&mut failed, "bob", verify_call(12, tampered));
    let mut twin = new_chain(Backend::Compiler);
    storage::set_nonce(&mut twin.state, &account("bob"), 1);
    assert_eq!(
        failed.finalize_block().state_root,
        twin.finalize_block().state_root
    );
}

#[test]
fn dev_accounts_are_substrates() {
    // //Alice's well-known public key (SS58 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY).
    let alice = hex::encode(dev_account("alice").public().0);
    assert_eq!(
        alice,
        "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    );
    assert_ne!(dev_account("bob").public(), dev_account("alice").public());
}

#[test]
fn default_gas_limits_are_twice_the_measured_gas() {
    let chain = new_chain(Backend::Compiler);
    let (_, measured) = *weights::MEASURED_GAS
        .iter()
        .find(|(size, _)| *size == 20)
        .expect("2^20 is measured");
    assert_eq!(chain.limits(20).unwrap().gas_limit, 2 * measured);
    assert_eq!(
        chain.limits(30).unwrap().gas_limit,
        ligerito_executor::DEFAULT_GAS_LIMIT
    );
    // a valid proof of a measured size fits with room to spare
    let mut chain = chain;
    let outcome = submit(&mut chain, "bob", verify_call(12, proof(12, 40)));
    assert_eq!(outcome.result, Ok(()));
    assert!(outcome.gas_used < chain.limits(12).unwrap().gas_limit);
}

#[test]
fn aborted_block_leaves_nothing_behind() {
    let mut chain = new_chain(Backend::Compiler);
    let root = chain.state_root();
    let code = ligerito_executor::VERIFIER_BLOB.to_vec();
    let call = Call::SetVerifierCode {
        code: BoundedVec::try_from(code).unwrap(),
    };
    assert_eq!(submit(&mut chain, "alice", call).result, Ok(()));
    assert_eq!(
        submit(&mut chain, "alice", set_limits(20, 5_000, 1_000)).result,
        Ok(())
    );
    chain.abort_block();
    assert!(events(&chain).is_empty());
    assert_eq!(chain.nonce(&account("alice")), 0);
    assert_eq!(
        chain.limits(20).unwrap().gas_limit,
        2 * weights::MEASURED_GAS[2].1
    );
    assert_eq!(chain.state_root(), root);
}

#[test]
fn a_restored_runtime_continues_where_the_stored_one_stopped() {
    let mut chain = new_chain(Backend::Compiler);
    let outcome = submit(&mut chain, "bob", verify_call(12, proof(12, 3)));
    assert_eq!(outcome.result, Ok(()));
    let finished = chain.finalize_block();
    assert!(finished.changes.contains_key(
        &storage::COMMITMENTS.double_key(&commitment(&proof(12, 3)), &account("bob"))
    ));
    let restore =
        |pairs| Runtime::restore(GenesisConfig::dev(), executor(), Backend::Compiler, pairs);
    let mut restored = restore(chain.storage_pairs()).expect("the code is stored");
    assert_eq!(restored.state_root(), finished.state_root);
    assert_eq!(restored.genesis_hash(), chain.genesis_hash());
    assert_eq!(restored.code_hash(), chain.code_hash());
    assert_eq!(restored.nonce(&account("bob")), 1);
    assert!(restored
        .verified(&commitment(&proof(12, 3)), &account("bob"))
        .is_some());
    assert!(
        restore(Vec::new()).is_none(),
        "a state without verifier code"
    );
}

#[test]
fn weights_follow_the_kernel_prices_calibration() {
    assert_eq!(
        crate::weights::CALIBRATION,
        ligerito_executor::kernel_gas::CALIBRATION,
        "weights.rs was measured after other kernel prices: run its command again"
    );
}

#[test]
fn the_checks_before_the_guest_stop_it_from_running() {
    let proof = proof(12, 1);
    let never = |_| -> Result<ligerito_executor::Outcome, ()> { panic!("the guest ran") };
    let limits = |size: &ligerito_executor::sizes::SizeConfig| rules::default_limits(size);
    let refused = |error| {
        Ok(decide::Decision {
            result: Err(error),
            outcome: None,
        })
    };
    let unasked = |_: &H256| -> bool { panic!("records asked first") };
    assert_eq!(
        decide::verify(13, &proof, limits, unasked, never),
        refused(Error::UnsupportedSize)
    );
    let short = |size: &_| SizeLimits {
        max_proof_len: 1_000,
        ..rules::default_limits(size)
    };
    assert_eq!(
        decide::verify(12, &proof, short, unasked, never),
        refused(Error::ProofTooLarge)
    );
    let mine = |c: &H256| *c == commitment(&proof);
    assert_eq!(
        decide::verify(12, &proof, limits, mine, never),
        refused(Error::AlreadyVerified)
    );
}

/// As FRAME's `CheckWeight`: a call must fit its worst case in what is left
/// of the block, and the block counts the weight it used after the refund.
#[test]
fn a_block_counts_the_weight_used_and_refuses_a_call_that_would_not_fit() {
    let mut chain = new_chain(Backend::Compiler);
    let outcome = submit(&mut chain, "bob", verify_call(12, proof(12, 31)));
    assert_eq!(outcome.result, Ok(()));
    assert!(outcome.info.actual_weight < outcome.info.weight, "refunded");
    assert_eq!(chain.block_weight, outcome.info.actual_weight);

    let call = verify_call(12, proof(12, 32));
    let worst = dispatch::worst_case_weight(&chain, &call);
    let next = signed(&chain, "bob", call);
    chain.block_weight = rules::MAX_NORMAL_WEIGHT - worst + 1;
    let root = chain.state_root();
    assert_eq!(
        invalid(&mut chain, &next),
        InvalidTransaction::ExhaustsResources
    );
    assert_eq!((chain.state_root(), events(&chain).len()), (root, 2));
    chain.block_weight -= 1;
    assert_eq!(apply(&mut chain, &next).result, Ok(()));
}

/// An extrinsic too heavy for any block is refused by a pool as well.
#[test]
fn a_call_heavier_than_an_empty_block_is_refused_everywhere() {
    let mut chain = new_chain(Backend::Compiler);
    let max_len = ligerito_executor::sizes::get(12).unwrap().max_proof_len() as u32;
    let gas = rules::MAX_NORMAL_WEIGHT / weights::PICOS_PER_GAS;
    submit(&mut chain, "alice", set_limits(12, gas, max_len));
    chain.finalize_block();
    chain.initialize_block(2);
    let xt = signed(&chain, "bob", verify_call(12, proof(12, 33)));
    let decoded = UncheckedExtrinsic::decode_exact(&xt).unwrap();
    assert_eq!(
        chain.validate(&decoded, true),
        Err(InvalidTransaction::ExhaustsResources)
    );
    assert_eq!(
        refused_without_change(&mut chain, &xt),
        InvalidTransaction::ExhaustsResources
    );
}

/// Three code upgrades of 1 MiB fill the 3.75 MiB normal extrinsics may
/// use; the fourth waits for the next block.
#[test]
fn a_block_holds_at_most_its_share_of_the_length() {
    let mut chain = new_chain(Backend::Compiler);
    let upgrade = |byte: u8| Call::SetVerifierCode {
        code: BoundedVec::truncate_from(vec![byte; MAX_CODE_LEN as usize]),
    };
    for byte in 0..3 {
        let xt = signed(&chain, "alice", upgrade(byte));
        assert_eq!(apply(&mut chain, &xt).result, Err(Error::InvalidCode));
    }
    let fourth = signed(&chain, "alice", upgrade(3));
    assert_eq!(
        invalid(&mut chain, &fourth),
        InvalidTransaction::ExhaustsResources
    );
    chain.finalize_block();
    chain.initialize_block(2);
    assert_eq!(apply(&mut chain, &fourth).result, Err(Error::InvalidCode));
}
