//! Where a guest's instructions go: one run on the interpreter, stepping,
//! with every executed instruction counted against the function its debug
//! information names (`guest/build.sh --profile` builds blobs that carry
//! it; the committed blobs are stripped, so their profile is one line).
//! Each instruction costs one gas, so the counts add up to the guest's own
//! gas, kernels' prices apart.

use crate::run::{self, call_stepping, guest_input, instantiate_pre, module_config};
use crate::{Backend, Code, ExecutorError, Outcome};
use polkavm::{ProgramBlob, ProgramCounter};
use std::collections::HashMap;

/// A run's outcome and its instructions by function, most first.
pub struct Profile {
    pub outcome: Outcome,
    /// Executed instructions by the innermost function the debug
    /// information names for them (an inlined callee's own where it has
    /// its frame).
    pub functions: Vec<(String, u64)>,
    pub instructions: u64,
    /// Every executed instruction in program order: its program counter,
    /// how often it ran, its innermost function and its disassembly.
    pub listing: Vec<(u32, u64, String, String)>,
}

/// Where the instructions go when the blob carries no debug information.
pub const UNNAMED: &str = "(no debug information)";

/// Profiles one verification (slow: the interpreter stops after every
/// instruction).
pub fn profile(
    code: &Code,
    log_size: u32,
    proof: &[u8],
    gas_limit: u64,
) -> Result<Profile, ExecutorError> {
    let input = match guest_input(log_size, proof) {
        Ok(input) => input,
        Err(outcome) => {
            return Ok(Profile {
                outcome,
                functions: Vec::new(),
                instructions: 0,
                listing: Vec::new(),
            })
        }
    };
    let vm = |e: polkavm::Error| ExecutorError::Vm(e.to_string());
    let engine = run::engine(Backend::Interpreter).map_err(vm)?;
    let mut config = module_config();
    config.set_step_tracing(true);
    let mut instance = instantiate_pre(&engine, &config, code)?
        .instantiate()
        .map_err(vm)?;
    let mut steps: HashMap<u32, u64> = HashMap::new();
    let outcome = call_stepping(
        &mut instance,
        input,
        gas_limit,
        Some(&mut |pc: ProgramCounter| *steps.entry(pc.0).or_default() += 1),
    )?;
    let blob = ProgramBlob::parse(code.bytes().to_vec().into())
        .map_err(|e| ExecutorError::Vm(e.to_string()))?;
    let mut functions = HashMap::new();
    let mut listing = Vec::new();
    for i in blob.instructions() {
        let Some(&count) = steps.get(&i.offset.0) else {
            continue;
        };
        let name = name(&blob, i.offset);
        *functions.entry(name.clone()).or_default() += count;
        listing.push((i.offset.0, count, name, i.kind.to_string()));
    }
    Ok(Profile {
        outcome,
        functions: sorted(functions),
        instructions: steps.values().sum(),
        listing,
    })
}

fn sorted(by_name: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<_> = by_name.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The innermost function the debug information names at `pc`.
fn name(blob: &ProgramBlob, pc: ProgramCounter) -> String {
    let Ok(Some(mut program)) = blob.get_debug_line_program_at(pc) else {
        return UNNAMED.to_owned();
    };
    while let Ok(Some(region)) = program.run() {
        if region.instruction_range().contains(&pc) {
            if let Some(Ok(name)) = region
                .frames()
                .last()
                .map(|f| f.full_name().map(|n| n.to_string()))
            {
                return name;
            }
            break;
        }
    }
    UNNAMED.to_owned()
}
