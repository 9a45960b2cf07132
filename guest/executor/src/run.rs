//! One guest call, shared by the pooled [`crate::Executor`] and by
//! [`verify_once`], which runs without `std` (inside a runtime).

use crate::host::{self, CallState, ENTRY};
use crate::kernels::HostError;
use crate::{sizes, Backend, Code, ExecutorError, Outcome, Verdict};
use alloc::{
    borrow::ToOwned,
    format,
    string::{String, ToString},
    vec::Vec,
};
use polkavm::{
    CallError, Config, Engine, Instance, InstancePre, Module, ModuleConfig, ProgramCounter,
};

/// Synchronous gas metering and strict parsing: the verdict and the gas
/// depend only on the code, the input and the limit.
pub(crate) fn module_config() -> ModuleConfig {
    let mut config = ModuleConfig::new();
    config.set_gas_metering(Some(polkavm::GasMeteringKind::Sync));
    config.set_strict(true);
    config
}

/// `[log_size LE][proof]`, or the outcome of refusing a proof longer than
/// any size allows before the guest starts.
pub(crate) fn guest_input(log_size: u32, proof: &[u8]) -> Result<Vec<u8>, Outcome> {
    if proof.len() > sizes::MAX_PROOF_LEN {
        return Err(Outcome::rejected_before_run(format!(
            "proof: {} bytes exceeds the maximum {} of any size",
            proof.len(),
            sizes::MAX_PROOF_LEN
        )));
    }
    let mut input = Vec::with_capacity(4 + proof.len());
    input.extend_from_slice(&log_size.to_le_bytes());
    input.extend_from_slice(proof);
    Ok(input)
}

/// Checks `code`'s interface, loads it and links the host functions.
pub(crate) fn instantiate_pre(
    engine: &Engine,
    config: &ModuleConfig,
    code: &Code,
) -> Result<InstancePre<CallState, HostError>, ExecutorError> {
    let invalid = |reason: String| ExecutorError::InvalidCode {
        hash: code.hash(),
        reason,
    };
    // The interface check first: it is the same on every backend, so no code
    // loads on one backend that the other refuses.
    code.check_interface().map_err(invalid)?;
    let module = Module::new(engine, config, code.bytes().to_vec().into())
        .map_err(|e| invalid(e.to_string()))?;
    host::linker()
        .instantiate_pre(&module)
        .map_err(|e| invalid(e.to_string()))
}

/// Runs the guest's entry point on `input` with `gas_limit`.
pub(crate) fn call(
    instance: &mut Instance<CallState, HostError>,
    input: Vec<u8>,
    gas_limit: u64,
) -> Result<Outcome, ExecutorError> {
    call_stepping(instance, input, gas_limit, None)
}

/// [`call`], handing `on_step` each instruction's program counter when the
/// module traces steps.
pub(crate) fn call_stepping(
    instance: &mut Instance<CallState, HostError>,
    input: Vec<u8>,
    gas_limit: u64,
    mut on_step: Option<&mut dyn FnMut(ProgramCounter)>,
) -> Result<Outcome, ExecutorError> {
    let mut state = CallState {
        input,
        message: None,
    };
    let limit = i64::try_from(gas_limit).unwrap_or(i64::MAX);
    instance.set_gas(limit);
    let mut result = instance.call_typed(&mut state, ENTRY, ());
    while let (Err(CallError::Step), Some(on_step)) = (&result, on_step.as_mut()) {
        if let Some(pc) = instance.program_counter() {
            on_step(pc);
        }
        result = instance.continue_execution(&mut state);
    }
    let result = result.map(|()| instance.get_result_typed::<u32>());
    let gas_used = (limit - instance.gas().max(0)) as u64;
    Ok(match result {
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
        Err(CallError::Step) => return Err(ExecutorError::Vm("unexpected step interrupt".into())),
    })
}

/// Verifies once on PolkaVM's interpreter, with nothing cached: how a
/// runtime runs the guest itself (this works without `std`). Same verdict
/// and gas as [`crate::Executor::verify_with`] on either backend.
pub fn verify_once(
    code: &Code,
    log_size: u32,
    proof: &[u8],
    gas_limit: u64,
) -> Result<Outcome, ExecutorError> {
    let input = match guest_input(log_size, proof) {
        Ok(input) => input,
        Err(refused) => return Ok(refused),
    };
    let engine = interpreter_engine()?;
    let mut instance = instantiate_pre(&engine, &module_config(), code)?
        .instantiate()
        .map_err(|e| ExecutorError::Vm(e.to_string()))?;
    call(&mut instance, input, gas_limit)
}

/// Checks `code` as [`verify_once`] would load it: the interface
/// ([`Code::check_interface`]), then a load on the interpreter.
pub fn check_code_once(code: &Code) -> Result<(), ExecutorError> {
    instantiate_pre(&interpreter_engine()?, &module_config(), code).map(drop)
}

pub(crate) fn engine(backend: Backend) -> Result<Engine, polkavm::Error> {
    let mut config = Config::new();
    config.set_backend(Some(backend.kind()));
    Engine::new(&config)
}

fn interpreter_engine() -> Result<Engine, ExecutorError> {
    engine(Backend::Interpreter).map_err(|e| ExecutorError::BackendUnavailable {
        backend: Backend::Interpreter,
        reason: e.to_string(),
    })
}
