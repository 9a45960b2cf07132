//! How the pallet runs the verifier guest ([`crate::Config::Runner`]).
//!
//! Neither returns an error: a verdict (valid, invalid, malformed, out of
//! gas) is the proof's; a failure of the machinery is not, so it panics and
//! the block is not built or imported on that node, as the runtime module's
//! `ApplyError::Executor` stops a block.

use crate::host::ligerito_verifier;
use crate::Outcome;
use ligerito_executor::{check_code_once, verify_once, Code, ExecutorError};
use sp_core::H256;

/// Runs the verifier guest for the pallet.
pub trait GuestRunner {
    /// Verifies `proof` for 2^`log_size` with `code` (whose SHA-256 is
    /// `code_hash`) and at most `gas_limit` gas.
    fn verify(code: &[u8], code_hash: H256, log_size: u32, proof: &[u8], gas_limit: u64)
        -> Outcome;

    /// Whether `code` is a verifier guest: the interface check, then a load
    /// on every backend the guest may run on ([`ViaHost`]: the interpreter
    /// and, where the node supports it, the compiler), so nodes decide alike.
    fn code_is_valid(code: &[u8]) -> bool;
}

/// The node runs the guest: host functions ([`crate::host`]) on the node's
/// shared executor, with PolkaVM's compiler where the node has it.
pub struct ViaHost;

impl GuestRunner for ViaHost {
    fn verify(
        code: &[u8],
        code_hash: H256,
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
    ) -> Outcome {
        ligerito_verifier::verify(code_hash.0, code, log_size, proof, gas_limit)
    }

    fn code_is_valid(code: &[u8]) -> bool {
        ligerito_verifier::check_code(code)
    }
}

/// The runtime runs the guest on PolkaVM's interpreter, compiled into the
/// runtime: no host functions, slower (weights must be benchmarked so).
pub struct InRuntime;

impl GuestRunner for InRuntime {
    fn verify(
        code: &[u8],
        _code_hash: H256,
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
    ) -> Outcome {
        verify_once(&Code::new(code.to_vec()), log_size, proof, gas_limit)
            .unwrap_or_else(|e| panic!("the verifier guest cannot run in the runtime: {e}"))
    }

    fn code_is_valid(code: &[u8]) -> bool {
        match check_code_once(&Code::new(code.to_vec())) {
            Ok(()) => true,
            Err(ExecutorError::InvalidCode { .. }) => false,
            Err(e) => panic!("the verifier guest cannot be checked in the runtime: {e}"),
        }
    }
}
