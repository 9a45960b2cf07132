//! One compiled module and its idle instances.

use crate::host::CallState;
use crate::kernels::HostError;
use crate::{run, Code, ExecutorError, Outcome};
use polkavm::{Engine, Instance, InstancePre, ModuleConfig};
use std::sync::Mutex;

pub struct Pool {
    pre: InstancePre<CallState, HostError>,
    idle: Mutex<Vec<Instance<CallState, HostError>>>,
    max_idle: usize,
}

impl Pool {
    pub fn new(
        engine: &Engine,
        config: &ModuleConfig,
        code: &Code,
        max_idle: usize,
    ) -> Result<Self, ExecutorError> {
        let pre = run::instantiate_pre(engine, config, code)?;
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
            // PolkaVM 0.37's Linux sandbox can fail to reset an instance
            // after an instance of another module ran (madvise EINVAL); a
            // fresh instance is the same state, so that costs only time.
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
