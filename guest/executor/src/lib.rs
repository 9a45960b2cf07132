//! Runs the Ligerito verifier guest in PolkaVM.
//!
//! An [`Executor`] compiles each guest blob once per backend (cached by the
//! blob's SHA-256) and keeps a pool of idle instances per module, reset
//! between calls; share one in a process to share its modules and instances.
//! Every executor in a process runs on the same engine per backend: on the
//! compiler an engine pins threads and sandbox workers to cores without
//! knowing of another engine's, and with two engines alive each call took
//! 132 ms instead of 0.7 ms here.
//! Every run is gas-metered synchronously, so the verdict and the gas used
//! depend only on the code, the input and the gas limit, on both backends.
//!
//! Without the `std` feature (a runtime), only [`verify_once`] runs the
//! guest: on PolkaVM's interpreter, with the same host functions, verdicts
//! and gas.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod code;
mod host;
pub mod kernel_gas;
mod kernels;
mod outcome;
#[cfg(feature = "std")]
mod pool;
#[cfg(feature = "std")]
pub mod profile;
mod run;

pub use code::{Code, CodeHash, MAX_GUEST_MEMORY, REFERENCE_BLOB, VERIFIER_BLOB};
pub use kernels::HostError;
pub use ligerito_kernel_abi::MAX_TENSOR_POINTS;
pub use ligerito_sizes as sizes;
pub use outcome::{Outcome, Verdict};
pub use run::{check_code_once, verify_once};

use alloc::string::String;
use polkavm::BackendKind;
#[cfg(feature = "std")]
use {
    polkavm::Engine,
    pool::{Loads, Pool},
    std::collections::HashMap,
    std::sync::{Arc, Mutex, OnceLock},
};

/// Which PolkaVM backend runs the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Compiles the guest to native code (x86-64 Linux) in a sandboxed worker.
    Compiler,
    /// Interprets the guest; runs anywhere.
    Interpreter,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Compiler, Backend::Interpreter];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Compiler => "compiler",
            Backend::Interpreter => "interpreter",
        }
    }

    /// Whether PolkaVM can run this backend on this machine.
    pub fn is_supported(self) -> bool {
        self.kind().is_supported()
    }

    /// The compiler where it is supported, else the interpreter.
    pub fn preferred() -> Backend {
        if Backend::Compiler.is_supported() {
            Backend::Compiler
        } else {
            Backend::Interpreter
        }
    }

    /// Cores one run keeps busy. On the compiler, PolkaVM 0.37's sandbox
    /// worker spins while the host runs a kernel, and the host thread spins
    /// while the guest runs: two.
    pub fn cores_per_run(self) -> usize {
        match self {
            Backend::Compiler => 2,
            Backend::Interpreter => 1,
        }
    }

    /// Runs this machine's cores take at once on this backend: the cores
    /// over [`Self::cores_per_run`], at least 1. More in flight slowed every
    /// run down here (two compiled runs at once on 2 cores: half the
    /// throughput of one; docs/PERFORMANCE.md).
    #[cfg(feature = "std")]
    pub fn parallel_runs(self) -> core::num::NonZeroUsize {
        let cores = std::thread::available_parallelism().map_or(1, core::num::NonZeroUsize::get);
        core::num::NonZeroUsize::new(cores / self.cores_per_run())
            .unwrap_or(core::num::NonZeroUsize::MIN)
    }

    fn kind(self) -> BackendKind {
        match self {
            Backend::Compiler => BackendKind::Compiler,
            Backend::Interpreter => BackendKind::Interpreter,
        }
    }
}

impl core::fmt::Display for Backend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "compiler" => Ok(Backend::Compiler),
            "interpreter" => Ok(Backend::Interpreter),
            _ => Err(alloc::format!(
                "unknown backend '{s}' (expected compiler or interpreter)"
            )),
        }
    }
}

/// One test body per backend, as PolkaVM writes its tests:
/// `per_backend! { fn name(backend) { ... } }` makes the tests
/// `compiler::name` and `interpreter::name`, each with `backend` set.
#[macro_export]
macro_rules! per_backend {
    ($(fn $name:ident($backend:ident) $body:block)*) => {
        mod compiler {
            use super::*;
            $(#[test] fn $name() { let $backend = $crate::Backend::Compiler; $body })*
        }
        mod interpreter {
            use super::*;
            $(#[test] fn $name() { let $backend = $crate::Backend::Interpreter; $body })*
        }
    };
}

/// A failure of the host, not a verdict on the proof.
#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    /// The backend cannot run on this machine (e.g. the compiler off x86-64 Linux).
    #[error("backend {backend} is unavailable: {reason}")]
    BackendUnavailable { backend: Backend, reason: String },
    /// The guest code is not a loadable PolkaVM program with the expected interface.
    #[error("guest code {hash} cannot be loaded: {reason}")]
    InvalidCode { hash: CodeHash, reason: String },
    /// PolkaVM failed while setting up or running an instance.
    #[error("virtual machine failure: {0}")]
    Vm(String),
}

/// Gas a verification may use unless the caller says otherwise: well above
/// what any supported size needs (see docs/ARCHITECTURE.md for measured
/// figures), so only a broken or hostile guest reaches it.
pub const DEFAULT_GAS_LIMIT: u64 = 20_000_000_000;

/// Idle instances kept per module; more concurrent calls create instances
/// that are dropped afterwards.
#[cfg(feature = "std")]
const IDLE_INSTANCES_PER_MODULE: usize = 16;

/// A backend's engine and its [`Loads`], made on first use, or why the
/// backend cannot run here.
#[cfg(feature = "std")]
type EngineSlot = OnceLock<Result<(Engine, Arc<Loads>), String>>;

/// The process's engine per backend, shared by every executor.
#[cfg(feature = "std")]
static ENGINES: [EngineSlot; 2] = [OnceLock::new(), OnceLock::new()];

/// Loads guest code, caches compiled modules and runs verifications.
#[cfg(feature = "std")]
pub struct Executor {
    pools: Mutex<HashMap<(CodeHash, Backend), Arc<Pool>>>,
    code: Code,
}

#[cfg(feature = "std")]
impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl Executor {
    /// An executor whose default code is the committed verifier blob.
    pub fn new() -> Self {
        Self::with_code(Code::verifier())
    }

    /// An executor whose default code is `code`.
    pub fn with_code(code: Code) -> Self {
        Self {
            pools: Mutex::new(HashMap::new()),
            code,
        }
    }

    /// The default code.
    pub fn code(&self) -> &Code {
        &self.code
    }

    /// Verifies `proof` as a proof for 2^`log_size` with the default code.
    pub fn verify(
        &self,
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
        backend: Backend,
    ) -> Result<Outcome, ExecutorError> {
        self.verify_with(&self.code, log_size, proof, gas_limit, backend)
    }

    /// Verifies with the given code; its module is compiled on first use and cached.
    pub fn verify_with(
        &self,
        code: &Code,
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
        backend: Backend,
    ) -> Result<Outcome, ExecutorError> {
        match run::guest_input(log_size, proof) {
            Ok(input) => self.pool(code, backend)?.run(input, gas_limit),
            Err(refused) => Ok(refused),
        }
    }

    /// Compiles (or finds) the module for `code` on `backend` and readies an
    /// instance of it, ahead of the first call: a process's first instance
    /// on the compiler costs about 100 ms (PolkaVM starts its sandbox), a
    /// later fresh one about 150 µs.
    pub fn prepare(&self, code: &Code, backend: Backend) -> Result<(), ExecutorError> {
        self.pool(code, backend)?.warm()
    }

    /// Checks that new code loads on every backend this machine can run
    /// (the interpreter everywhere; the compiler too on x86-64 Linux), and
    /// compiles it on each: a chain must not accept code that some of its
    /// nodes could not run. `InvalidCode` names the backend that refused it.
    pub fn check_code(&self, code: &Code) -> Result<(), ExecutorError> {
        for backend in Backend::ALL {
            match self.pool(code, backend).map(drop) {
                Ok(()) => {}
                // A backend this node cannot run, it cannot ask either: as on a
                // machine without the compiler, the other backend decides.
                Err(ExecutorError::BackendUnavailable { .. }) => {}
                Err(ExecutorError::InvalidCode { hash, reason }) => {
                    return Err(ExecutorError::InvalidCode {
                        hash,
                        reason: alloc::format!("{backend}: {reason}"),
                    })
                }
                Err(failure) => return Err(failure),
            }
        }
        Ok(())
    }

    /// Whether the module for `code` on `backend` is compiled and cached.
    pub fn is_prepared(&self, code: &Code, backend: Backend) -> bool {
        self.pools
            .lock()
            .expect("pool map poisoned")
            .contains_key(&(code.hash(), backend))
    }

    fn pool(&self, code: &Code, backend: Backend) -> Result<Arc<Pool>, ExecutorError> {
        let key = (code.hash(), backend);
        if let Some(pool) = self.pools.lock().expect("pool map poisoned").get(&key) {
            return Ok(pool.clone());
        }
        // Compile outside the lock; two racing threads compile twice and one wins.
        let (engine, loads) = Self::engine(backend)?;
        let pool = Arc::new(Pool::new(
            engine,
            loads.clone(),
            &run::module_config(),
            code,
            IDLE_INSTANCES_PER_MODULE,
        )?);
        Ok(self
            .pools
            .lock()
            .expect("pool map poisoned")
            .entry(key)
            .or_insert(pool)
            .clone())
    }

    fn engine(backend: Backend) -> Result<&'static (Engine, Arc<Loads>), ExecutorError> {
        let slot = &ENGINES[backend as usize];
        slot.get_or_init(|| {
            run::engine(backend)
                .map(|engine| (engine, Arc::default()))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|reason| ExecutorError::BackendUnavailable {
            backend,
            reason: reason.clone(),
        })
    }
}
