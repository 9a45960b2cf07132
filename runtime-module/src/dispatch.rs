//! Runs one call inside a transaction and records its events and weight.
//! What `verify` and `set_limits` conclude is [`decide`]'s, shared with
//! `pallet-ligerito`.

use crate::types::*;
use crate::{decide, rules, storage, weights, ApplyOutcome, Runtime};
use ligerito_executor::{sizes, Code, ExecutorError};
use sp_core::H256;

/// A call's result before the extrinsic events are added.
struct Dispatched {
    /// The event of a call that succeeded. A failed call keeps none: FRAME
    /// reverts a failed call's events, and the pallet must emit the same.
    result: Result<Event, Error>,
    actual_weight: Weight,
    gas_used: u64,
}

/// Runs `call`, charged `weight` before dispatch ([`worst_case_weight`],
/// which the block's limit was checked against).
pub fn dispatch(
    runtime: &mut Runtime,
    who: &AccountId,
    call: Call,
    weight: Weight,
) -> Result<ApplyOutcome, ExecutorError> {
    runtime.state.start_transaction();
    let dispatched = match call {
        Call::Verify { log_size, proof } => verify(runtime, who, log_size, &proof)?,
        Call::SetVerifierCode { code } => set_verifier_code(runtime, code.into_inner())?,
        Call::SetLimits { log_size, limits } => set_limits(runtime, log_size, limits),
    };
    let info = DispatchInfo {
        weight,
        actual_weight: dispatched.actual_weight.min(weight),
    };
    let system = match &dispatched.result {
        Ok(event) => {
            runtime.state.commit_transaction();
            runtime.deposit(RuntimeEvent::Ligerito(event.clone()));
            SystemEvent::ExtrinsicSuccess {
                dispatch_info: info,
            }
        }
        Err(error) => {
            runtime.state.rollback_transaction();
            SystemEvent::ExtrinsicFailed {
                dispatch_error: *error,
                dispatch_info: info,
            }
        }
    };
    runtime.deposit(RuntimeEvent::System(system));
    Ok(ApplyOutcome {
        result: dispatched.result.map(drop),
        info,
        gas_used: dispatched.gas_used,
    })
}

/// Charged before dispatch: the most the call can use. `verify` assumes
/// the size's whole gas limit; an unsupported size costs the base only.
pub(crate) fn worst_case_weight(runtime: &Runtime, call: &Call) -> Weight {
    match call {
        Call::Verify { log_size, proof } => {
            let gas = sizes::get(*log_size)
                .map_or(0, |size| storage::limits(&runtime.state, size).gas_limit);
            weights::EXTRINSIC_BASE + rules::verify_weight(proof.len(), gas)
        }
        Call::SetVerifierCode { code } => {
            weights::EXTRINSIC_BASE + rules::set_code_weight(code.len())
        }
        Call::SetLimits { .. } => weights::EXTRINSIC_BASE + weights::SET_LIMITS,
    }
}

fn verify(
    runtime: &mut Runtime,
    who: &AccountId,
    log_size: u32,
    proof: &[u8],
) -> Result<Dispatched, ExecutorError> {
    let decision = decide::verify(
        log_size,
        proof,
        |size| storage::limits(&runtime.state, size),
        |commitment| storage::commitment(&runtime.state, commitment, who).is_some(),
        |gas_limit| runtime.run_guest(log_size, proof, gas_limit),
    )?;
    let gas_used = decision.gas_used();
    let result = decision.result.map(|commitment| {
        let proof_hash = H256(sp_crypto_hashing::blake2_256(proof));
        let block = storage::block_number(&runtime.state);
        let record = VerifiedCommitment {
            block,
            log_size,
            proof_hash,
        };
        storage::record_commitment(&mut runtime.state, &commitment, who, &record);
        Event::ProofVerified {
            who: *who,
            log_size,
            commitment,
            proof_hash,
            gas_used,
        }
    });
    Ok(Dispatched {
        result,
        actual_weight: weights::EXTRINSIC_BASE + rules::verify_weight(proof.len(), gas_used),
        gas_used,
    })
}

/// The new code must load: its interface and memory are checked the same
/// way on every node, then it must load on every backend the node supports
/// (code one backend refuses would split a chain whose nodes run both), and
/// it is compiled ahead of the next extrinsic.
fn set_verifier_code(runtime: &mut Runtime, code: Vec<u8>) -> Result<Dispatched, ExecutorError> {
    let actual_weight = weights::EXTRINSIC_BASE + rules::set_code_weight(code.len());
    let code = Code::new(code);
    let checked = runtime.executor.check_code(&code);
    match checked.and_then(|()| runtime.executor.prepare(&code, runtime.backend)) {
        Ok(()) => {}
        Err(ExecutorError::InvalidCode { .. }) => {
            return Ok(Dispatched {
                result: Err(Error::InvalidCode),
                actual_weight,
                gas_used: 0,
            })
        }
        Err(host_failure) => return Err(host_failure),
    }
    let code_hash = H256(code.hash().0);
    storage::set_code(&mut runtime.state, code.bytes(), code_hash);
    runtime.code = code;
    Ok(Dispatched {
        result: Ok(Event::VerifierCodeUpdated { code_hash }),
        actual_weight,
        gas_used: 0,
    })
}

fn set_limits(runtime: &mut Runtime, log_size: u32, limits: SizeLimits) -> Dispatched {
    let result = decide::set_limits(log_size, &limits).map(|()| {
        storage::set_limits(&mut runtime.state, log_size, &limits);
        Event::LimitsUpdated { log_size, limits }
    });
    Dispatched {
        result,
        actual_weight: weights::EXTRINSIC_BASE + weights::SET_LIMITS,
        gas_used: 0,
    }
}
