//! The runtime interface [`ligerito_verifier`]: the runtime asks the node
//! to run the verifier guest. A node adds `ligerito_verifier::HostFunctions`
//! to its executor's host functions; the calls then run on the node's
//! [`Executor`](ligerito_executor::Executor) (PolkaVM's compiler where the machine has it), which
//! compiles each code once and keeps instances warm, as it does for the
//! node plugin and the RPC service.

use crate::Outcome;
// The node side's expansion names `Vec`; the runtime side's does not.
#[cfg(not(substrate_runtime))]
use alloc::vec::Vec;
#[cfg(feature = "std")]
pub use native::{guest_runs, shared_executor, time_proof_20, use_executor};
use sp_runtime_interface::{
    pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead, PassPointerAndReadCopy},
    runtime_interface,
};

#[runtime_interface]
pub trait LigeritoVerifier {
    /// Verifies `proof` for 2^`log_size` with `code`, whose SHA-256 is
    /// `code_hash` (the runtime stores both), and at most `gas_limit` gas.
    fn verify(
        code_hash: PassPointerAndReadCopy<[u8; 32], 32>,
        code: PassFatPointerAndRead<&[u8]>,
        log_size: u32,
        proof: PassFatPointerAndRead<&[u8]>,
        gas_limit: u64,
    ) -> AllocateAndReturnByCodec<Outcome> {
        native::verify(code_hash, code, log_size, proof, gas_limit)
    }

    /// Whether `code` is a verifier guest that loads on every backend the
    /// node supports; valid code is compiled ahead of its first `verify`.
    fn check_code(code: PassFatPointerAndRead<&[u8]>) -> bool {
        native::check_code(code)
    }
}

/// Natively without `std` (`cargo check --no-default-features`; no node
/// builds so) the node side is the interpreter that [`crate::InRuntime`] runs.
#[cfg(all(not(feature = "std"), not(substrate_runtime)))]
mod native {
    use crate::{GuestRunner, InRuntime, Outcome};

    pub fn verify(
        code_hash: [u8; 32],
        code: &[u8],
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
    ) -> Outcome {
        InRuntime::verify(code, code_hash.into(), log_size, proof, gas_limit)
    }

    pub fn check_code(code: &[u8]) -> bool {
        InRuntime::code_is_valid(code)
    }
}

#[cfg(feature = "std")]
mod native {
    use crate::Outcome;
    use ligerito_executor::{Backend, Code, Executor, ExecutorError};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::{Duration, Instant};

    static SHARED: OnceLock<(Arc<Executor>, Backend)> = OnceLock::new();
    static RUNS: AtomicU64 = AtomicU64::new(0);
    static RUN_NANOS: AtomicU64 = AtomicU64::new(0);

    /// How many guest runs [`verify`] made in this process, and their time:
    /// a node's block import reports the difference per block at `info`.
    /// Seeing each run takes `-lligerito=debug`, and any debug level makes
    /// FRAME format every extrinsic inside the runtime (frame-executive's
    /// "Executing transaction"), which slows a 2^20 verify's import several
    /// times over (docs/FRAME.md).
    pub fn guest_runs() -> (u64, Duration) {
        (
            RUNS.load(Ordering::Relaxed),
            Duration::from_nanos(RUN_NANOS.load(Ordering::Relaxed)),
        )
    }

    /// Makes the host functions run on `executor` with `backend` (a node
    /// shares the executor its other verifiers use). Call it before the
    /// first block; `false` if the host functions already chose one.
    pub fn use_executor(executor: Arc<Executor>, backend: Backend) -> bool {
        SHARED.set((executor, backend)).is_ok()
    }

    /// The executor and backend the host functions run on: the one given
    /// to [`use_executor`], else a new executor on the preferred backend.
    pub fn shared_executor() -> &'static (Arc<Executor>, Backend) {
        SHARED.get_or_init(|| (Arc::new(Executor::new()), Backend::preferred()))
    }

    /// The time of [`crate::PROOF_20`]'s verification on the shared
    /// executor (the median of five runs after a warm-up) and its gas: what
    /// a node compares with its runtime's weight for it at start, as
    /// Substrate's hardware benchmarks do.
    pub fn time_proof_20() -> Result<(std::time::Duration, u64), ExecutorError> {
        let (executor, backend) = shared_executor();
        let run = || {
            executor.verify(
                20,
                crate::PROOF_20,
                ligerito_executor::DEFAULT_GAS_LIMIT,
                *backend,
            )
        };
        let gas = run()?.gas_used;
        let mut times = Vec::with_capacity(5);
        for _ in 0..5 {
            let start = std::time::Instant::now();
            run()?;
            times.push(start.elapsed());
        }
        times.sort_unstable();
        Ok((times[2], gas))
    }

    /// The last code run, so a block of calls hashes it once.
    fn code(code_hash: [u8; 32], bytes: &[u8]) -> Code {
        static LAST: Mutex<Option<Code>> = Mutex::new(None);
        let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*last {
            Some(code) if code.hash().0 == code_hash => code.clone(),
            _ => {
                let code = Code::new(bytes.to_vec());
                assert_eq!(
                    code.hash().0,
                    code_hash,
                    "the runtime passed verifier code that does not match its hash"
                );
                *last = Some(code.clone());
                code
            }
        }
    }

    fn unavailable(e: ExecutorError) -> ! {
        // Not a verdict: this node cannot run the verifier, so it must not
        // build or import the block (the runtime call fails with this message).
        panic!("ligerito host function: the verifier cannot run on this node: {e}")
    }

    pub fn verify(
        code_hash: [u8; 32],
        bytes: &[u8],
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
    ) -> Outcome {
        let (executor, backend) = shared_executor();
        let start = Instant::now();
        let outcome = executor
            .verify_with(
                &code(code_hash, bytes),
                log_size,
                proof,
                gas_limit,
                *backend,
            )
            .unwrap_or_else(|e| unavailable(e));
        let took = start.elapsed();
        RUNS.fetch_add(1, Ordering::Relaxed);
        RUN_NANOS.fetch_add(
            u64::try_from(took.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        log::debug!(
            target: "ligerito",
            "guest verified 2^{log_size} ({} bytes): {:?}, {} gas in {:.3} ms",
            proof.len(),
            outcome.verdict,
            outcome.gas_used,
            took.as_secs_f64() * 1e3,
        );
        outcome
    }

    /// Valid code loads on every backend this node supports, so that nodes
    /// running either backend accept the same code.
    pub fn check_code(bytes: &[u8]) -> bool {
        let code = Code::new(bytes.to_vec());
        let (executor, backend) = shared_executor();
        match executor.check_code(&code) {
            Ok(()) => {}
            Err(ExecutorError::InvalidCode { .. }) => return false,
            Err(e) => unavailable(e),
        }
        executor
            .prepare(&code, *backend)
            .unwrap_or_else(|e| unavailable(e));
        true
    }
}
