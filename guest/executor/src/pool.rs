//! One compiled module and its idle instances.

use crate::host::{self, CallState, ENTRY};
use crate::kernels::HostError;
use crate::{Code, ExecutorError, Outcome, Verdict};
use polkavm::{CallError, Engine, Instance, InstancePre, Module, ModuleConfig};
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
        let invalid = |reason: String| ExecutorError::InvalidCode {
            hash: code.hash(),
            reason,
        };
        let module = Module::new(engine, config, code.bytes().to_vec().into())
            .map_err(|e| invalid(e.to_string()))?;
        if !module
            .exports()
            .any(|e| e.symbol().as_bytes() == ENTRY.as_bytes())
        {
            return Err(invalid(format!("no '{ENTRY}' export")));
        }
        let pre = host::linker()
            .instantiate_pre(&module)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            pre,
            idle: Mutex::new(Vec::new()),
            max_idle,
        })
    }

    /// Runs the guest on `input` with a fresh or reset instance.
    pub fn run(&self, input: Vec<u8>, gas_limit: u64) -> Result<Outcome, ExecutorError> {
        let mut instance = self.checkout()?;
        let mut state = CallState {
            input,
            message: None,
        };
        let limit = i64::try_from(gas_limit).unwrap_or(i64::MAX);
        instance.set_gas(limit);
        let result = instance.call_typed_and_get_result::<u32, ()>(&mut state, ENTRY, ());
        let gas_used = (limit - instance.gas().max(0)) as u64;
        let outcome = match result {
            Ok(code) => {
                let verdict = match code {
                    0 => Verdict::Valid,
                    1 => Verdict::Invalid,
                    _ => Verdict::Error,
                };
                let message = state
                    .message
                    .unwrap_or_else(|| format!("guest returned {code} without a message"));
                Outcome::new(verdict, gas_used, message)
            }
            Err(CallError::NotEnoughGas | CallError::User(HostError::OutOfGas)) => Outcome::new(
                Verdict::OutOfGas,
                gas_limit,
                format!("out of gas: limit {gas_limit} reached"),
            ),
            Err(CallError::Trap) => {
                let message = state.message.unwrap_or_else(|| "trap".to_owned());
                Outcome::new(Verdict::Error, gas_used, format!("trap: {message}"))
            }
            Err(CallError::Error(e)) => return Err(ExecutorError::Vm(e.to_string())),
            Err(CallError::User(refused @ HostError::Refused { .. })) => Outcome::new(
                Verdict::Error,
                gas_used,
                format!("trap: host kernel {refused}"),
            ),
            Err(CallError::Step) => {
                return Err(ExecutorError::Vm("unexpected step interrupt".into()))
            }
        };
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
