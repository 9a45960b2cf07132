//! Runs one call inside a transaction and records its events and weight.

use crate::types::*;
use crate::{rules, storage, weights, ApplyOutcome, Runtime};
use ligerito_executor::{sizes, Code, ExecutorError, Verdict};
use sp_core::H256;

/// A call's result before the extrinsic events are added.
struct Dispatched {
    result: Result<(), Error>,
    /// Kept even when the call fails (e.g. `ProofRejected`).
    events: Vec<Event>,
    actual_weight: Weight,
    gas_used: u64,
}

impl Dispatched {
    fn ok(event: Event, actual_weight: Weight) -> Self {
        Self {
            result: Ok(()),
            events: vec![event],
            actual_weight,
            gas_used: 0,
        }
    }

    fn failed(error: Error, actual_weight: Weight) -> Self {
        Self {
            result: Err(error),
            events: Vec::new(),
            actual_weight,
            gas_used: 0,
        }
    }
}

pub fn dispatch(
    runtime: &mut Runtime,
    who: &AccountId,
    call: Call,
) -> Result<ApplyOutcome, ExecutorError> {
    let weight = worst_case_weight(runtime, &call);
    runtime.state.start_transaction();
    let dispatched = match call {
        Call::Verify { log_size, proof } => verify(runtime, who, log_size, &proof)?,
        Call::SetVerifierCode { code } => set_verifier_code(runtime, code.into_inner())?,
        Call::SetLimits { log_size, limits } => set_limits(runtime, log_size, limits),
    };
    if dispatched.result.is_ok() {
        runtime.state.commit_transaction();
    } else {
        runtime.state.rollback_transaction();
    }
    let info = DispatchInfo {
        weight,
        actual_weight: dispatched.actual_weight.min(weight),
    };
    for event in dispatched.events {
        runtime.deposit(RuntimeEvent::Ligerito(event));
    }
    let system = match dispatched.result {
        Ok(()) => SystemEvent::ExtrinsicSuccess {
            dispatch_info: info,
        },
        Err(dispatch_error) => SystemEvent::ExtrinsicFailed {
            dispatch_error,
            dispatch_info: info,
        },
    };
    runtime.deposit(RuntimeEvent::System(system));
    Ok(ApplyOutcome {
        result: dispatched.result,
        info,
        gas_used: dispatched.gas_used,
    })
}

/// Charged before dispatch: the most the call can use. `verify` assumes
/// the size's whole gas limit; an unsupported size costs the base only.
fn worst_case_weight(runtime: &Runtime, call: &Call) -> Weight {
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
    let cheap = weights::EXTRINSIC_BASE + rules::verify_weight(proof.len(), 0);
    let limits = match rules::check_proof(log_size, proof.len(), |size| {
        storage::limits(&runtime.state, size)
    }) {
        Ok(limits) => limits,
        Err(error) => return Ok(Dispatched::failed(error, cheap)),
    };
    let claimed = rules::claimed_commitment(proof);
    // Only the submitter's own record refuses it: another account's record of
    // the same commitment (e.g. a copy of this proof seen in the pool and
    // submitted first) must not stop this one from being recorded.
    if claimed.is_some_and(|c| storage::commitment(&runtime.state, &c, who).is_some()) {
        return Ok(Dispatched::failed(Error::AlreadyVerified, cheap));
    }

    let outcome = runtime.executor.verify_with(
        &runtime.code,
        log_size,
        proof,
        limits.gas_limit,
        runtime.backend,
    )?;
    let proof_hash = H256(sp_crypto_hashing::blake2_256(proof));
    let actual_weight =
        weights::EXTRINSIC_BASE + rules::verify_weight(proof.len(), outcome.gas_used);
    let gas_used = outcome.gas_used;
    let (result, event) = match (outcome.verdict, claimed) {
        (Verdict::Valid, Some(commitment)) => {
            let block = storage::block_number(&runtime.state);
            storage::record_commitment(
                &mut runtime.state,
                &commitment,
                who,
                &VerifiedCommitment {
                    block,
                    log_size,
                    proof_hash,
                },
            );
            (
                Ok(()),
                Event::ProofVerified {
                    who: *who,
                    log_size,
                    commitment,
                    proof_hash,
                    gas_used,
                },
            )
        }
        (verdict, _) => {
            let error = rules::rejection(verdict);
            let exit_code = outcome.exit_code;
            (
                Err(error),
                Event::ProofRejected {
                    who: *who,
                    log_size,
                    proof_hash,
                    exit_code,
                    gas_used,
                },
            )
        }
    };
    Ok(Dispatched {
        result,
        events: vec![event],
        actual_weight,
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
            return Ok(Dispatched::failed(Error::InvalidCode, actual_weight))
        }
        Err(host_failure) => return Err(host_failure),
    }
    let code_hash = H256(code.hash().0);
    storage::set_code(&mut runtime.state, code.bytes(), code_hash);
    runtime.code = code;
    Ok(Dispatched::ok(
        Event::VerifierCodeUpdated { code_hash },
        actual_weight,
    ))
}

fn set_limits(runtime: &mut Runtime, log_size: u32, limits: SizeLimits) -> Dispatched {
    let actual_weight = weights::EXTRINSIC_BASE + weights::SET_LIMITS;
    let Some(size) = sizes::get(log_size) else {
        return Dispatched::failed(Error::UnsupportedSize, actual_weight);
    };
    if !rules::limits_in_range(size, &limits) {
        return Dispatched::failed(Error::InvalidLimits, actual_weight);
    }
    storage::set_limits(&mut runtime.state, log_size, &limits);
    Dispatched::ok(Event::LimitsUpdated { log_size, limits }, actual_weight)
}
