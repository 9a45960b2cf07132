//! One compiled module, in an engine of its own, and its idle instances.
//!
//! PolkaVM 0.37's Linux sandbox (the compiler) resets an instance's memory
//! by the memory map it was loaded with, which it reads from the engine's
//! shared memory after freeing it at the end of the load. Once the engine
//! has compiled or loaded another module, a reset may clear that module's
//! ranges and leave the instance's memory as its last run left it (other
//! gas, or another verdict, for the same input). In an engine of one
//! module, that memory is only ever reused for the same map.

use crate::host::CallState;
use crate::kernels::HostError;
use crate::{run, Backend, Code, ExecutorError, Outcome};
use polkavm::{Instance, InstancePre, ModuleConfig};
use std::sync::Mutex;

pub struct Pool {
    pre: InstancePre<CallState, HostError>,
    idle: Mutex<Vec<Instance<CallState, HostError>>>,
    max_idle: usize,
}

impl Pool {
    pub fn new(
        backend: Backend,
        config: &ModuleConfig,
        code: &Code,
        max_idle: usize,
    ) -> Result<Self, ExecutorError> {
        let engine = run::engine(backend).map_err(|e| ExecutorError::BackendUnavailable {
            backend,
            reason: e.to_string(),
        })?;
        let pre = run::instantiate_pre(&engine, config, code)?;
        Ok(Self {
            pre,
            idle: Mutex::new(Vec::new()),
            max_idle,
        })
    }

    /// Runs the guest on `input` with a fresh or reset instance.
    pub fn run(&self, input: Vec<u8>, gas_limit: u64) -> Result<Outcome, ExecutorError> {
        let mut instance = self.checkout()?;
        let outcome = run::call(&mut instance, input, gas_limit)?;
        self.checkin(instance);
        Ok(outcome)
    }

    fn checkout(&self) -> Result<Instance<CallState, HostError>, ExecutorError> {
        let idle = self.idle.lock().expect("instance pool poisoned").pop();
        if let Some(mut instance) = idle {
            // A fresh instance is the same state, so a failed reset costs
            // only time.
            if instance.reset_memory().is_ok() {
                return Ok(instance);
            }
        }
        self.pre
            .instantiate()
            .map_err(|e| ExecutorError::Vm(e.to_string()))
    }

    fn checkin(&self, instance: Instance<CallState, HostError>) {
        let mut idle = self.idle.lock().expect("instance pool poisoned");
        if idle.len() < self.max_idle {
            idle.push(instance);
        }
    }
}
