//! `verify` and `set_limits` decided once, for this module's dispatch and for
//! `pallet-ligerito`: the order of the checks, the error each failure is and
//! whether the guest runs. Each runtime passes its storage reads and its way
//! of running the guest, then writes what the decision says.

use crate::rules;
use crate::types::{Error, SizeLimits};
use codec::{Decode, Encode};
use ligerito_executor::{sizes, Outcome, Verdict};
use scale_info::TypeInfo;
use sp_core::H256;

/// What `verify` concluded: the commitment to record or the error to fail
/// with, and the guest's outcome if the guest ran.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Decision {
    /// The commitment `verify` records, or the error it fails with.
    pub result: Result<H256, Error>,
    /// The guest's verdict, gas and message; `None` if it did not run.
    pub outcome: Option<Outcome>,
}

impl Decision {
    /// Gas the guest used; 0 if it did not run.
    pub fn gas_used(&self) -> u64 {
        self.outcome.as_ref().map_or(0, |outcome| outcome.gas_used)
    }

    fn refused(error: Error) -> Self {
        Self {
            result: Err(error),
            outcome: None,
        }
    }
}

/// `verify` of `proof` for 2^`log_size`, in order: the size is supported
/// (`limits_of` gives its limits in force); the proof within its
/// `max_proof_len`; the commitment it claims not `recorded` by the submitter,
/// which costs no guest run; then `run` with the size's gas limit. An error
/// of `run` is the machinery's, not the proof's, and is returned as it is.
pub fn verify<E>(
    log_size: u32,
    proof: &[u8],
    limits_of: impl FnOnce(&sizes::SizeConfig) -> SizeLimits,
    recorded: impl FnOnce(&H256) -> bool,
    run: impl FnOnce(u64) -> Result<Outcome, E>,
) -> Result<Decision, E> {
    let Some(size) = sizes::get(log_size) else {
        return Ok(Decision::refused(Error::UnsupportedSize));
    };
    let limits = limits_of(size);
    if proof.len() > limits.max_proof_len as usize {
        return Ok(Decision::refused(Error::ProofTooLarge));
    }
    let claimed = rules::claimed_commitment(proof);
    // Only the submitter's own record refuses it: another account's record of
    // the same commitment (e.g. a copy of this proof seen in the pool and
    // included first) must not stop this one from being recorded.
    if claimed.as_ref().is_some_and(recorded) {
        return Ok(Decision::refused(Error::AlreadyVerified));
    }
    let outcome = run(limits.gas_limit)?;
    let result = match (outcome.verdict, claimed) {
        (Verdict::Valid, Some(commitment)) => Ok(commitment),
        (verdict, _) => Err(rules::rejection(verdict)),
    };
    Ok(Decision {
        result,
        outcome: Some(outcome),
    })
}

/// `set_limits` of `limits` for 2^`log_size`: the size is supported, then
/// the limits in range.
pub fn set_limits(log_size: u32, limits: &SizeLimits) -> Result<(), Error> {
    let size = sizes::get(log_size).ok_or(Error::UnsupportedSize)?;
    if rules::limits_in_range(size, limits) {
        Ok(())
    } else {
        Err(Error::InvalidLimits)
    }
}
