//! One compiled module and its idle instances.
//!
//! PolkaVM 0.37's Linux sandbox (the compiler) resets an instance's memory
//! by the memory map it was loaded with, which it reads from the engine's
//! shared memory after freeing it at the end of the load. Once that memory
//! is allocated again (a module compiled, or an instance of another module
//! loaded), a reset may clear the wrong ranges and leave the instance's
//! memory as its last run left it: other gas, or another verdict, for the
//! same input. So an engine's [`Loads`] counts those events, an instance is
//! reset (right after its run) only if none happened since it was loaded
//! (else it is dropped, and a later run makes a fresh one), and no reset
//! runs while one happens. Instances of one module load the same map, so a
//! service running one code keeps reusing its instances.

use crate::host::CallState;
use crate::kernels::HostError;
use crate::{run, Code, CodeHash, ExecutorError, Outcome};
use polkavm::{Engine, Instance, InstancePre, ModuleConfig};
use std::sync::{Arc, Mutex, RwLock};

/// What has allocated an engine's shared memory: the count of such events,
/// and the module whose instance was loaded last.
#[derive(Default)]
pub struct Loads(RwLock<LoadState>);

#[derive(Default)]
struct LoadState {
    epoch: u64,
    last: Option<CodeHash>,
}

pub struct Pool {
    pre: InstancePre<CallState, HostError>,
    hash: CodeHash,
    loads: Arc<Loads>,
    idle: Mutex<Vec<Idle>>,
    max_idle: usize,
}

struct Idle {
    instance: Instance<CallState, HostError>,
    /// The engine's epoch when it was loaded.
    epoch: u64,
}

impl Pool {
    pub fn new(
        engine: &Engine,
        loads: Arc<Loads>,
        config: &ModuleConfig,
        code: &Code,
        max_idle: usize,
    ) -> Result<Self, ExecutorError> {
        let pre = {
            let mut state = loads.0.write().unwrap_or_else(|p| p.into_inner());
            state.epoch += 1;
            state.last = None;
            run::instantiate_pre(engine, config, code)?
        };
        Ok(Self {
            pre,
            hash: code.hash(),
            loads,
            idle: Mutex::new(Vec::new()),
            max_idle,
        })
    }

    /// Runs the guest on `input` with a fresh or reset instance.
    pub fn run(&self, input: Vec<u8>, gas_limit: u64) -> Result<Outcome, ExecutorError> {
        let mut idle = self.checkout()?;
        let outcome = run::call(&mut idle.instance, input, gas_limit)?;
        self.checkin(idle);
        Ok(outcome)
    }

    /// Makes an idle instance ready if none is, ahead of the first run.
    pub fn warm(&self) -> Result<(), ExecutorError> {
        if self.idle.lock().expect("instance pool poisoned").is_empty() {
            let idle = self.checkout()?;
            self.checkin(idle);
        }
        Ok(())
    }

    /// An idle instance (reset when it was checked in) if one is current,
    /// else a fresh one: the same state, so a stale one costs only time.
    fn checkout(&self) -> Result<Idle, ExecutorError> {
        let idle = self.idle.lock().expect("instance pool poisoned").pop();
        if let Some(idle) = idle {
            let state = self.loads.0.read().unwrap_or_else(|p| p.into_inner());
            if idle.epoch == state.epoch {
                return Ok(idle);
            }
        }
        let mut state = self.loads.0.write().unwrap_or_else(|p| p.into_inner());
        if state.last != Some(self.hash) {
            state.epoch += 1;
            state.last = Some(self.hash);
        }
        let instance = self
            .pre
            .instantiate()
            .map_err(|e| ExecutorError::Vm(e.to_string()))?;
        Ok(Idle {
            instance,
            epoch: state.epoch,
        })
    }

    /// Resets `idle` at once, while the sandbox's worker is still awake, and
    /// keeps it if there is room. A reset after a pause first woke the worker
    /// (80-90 µs against 25 µs here) and the run then woke it again; a stale
    /// instance, or one whose reset failed, is dropped, and so is one the
    /// full pool has no room for, unreset.
    fn checkin(&self, mut idle: Idle) {
        if self.idle.lock().expect("instance pool poisoned").len() >= self.max_idle {
            return;
        }
        {
            let state = self.loads.0.read().unwrap_or_else(|p| p.into_inner());
            if idle.epoch != state.epoch || idle.instance.reset_memory().is_err() {
                return;
            }
        }
        let mut pool = self.idle.lock().expect("instance pool poisoned");
        if pool.len() < self.max_idle {
            pool.push(idle);
        }
    }
}
