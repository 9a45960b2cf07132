//! The host calls the guest imports (see guest/program/src/lib.rs).

use crate::kernels::{self, HostError};
use alloc::{borrow::ToOwned, string::String, vec::Vec};
use ligerito_kernel_abi::NAMES;
use polkavm::{Caller, Linker};

/// The guest's entry point.
pub const ENTRY: &str = "verify";

/// Every host function the guest may import: its input and diagnostic,
/// and the verifier's kernels.
pub const IMPORTS: [&str; 10] = [
    "input_len",
    "read_input",
    "set_message",
    NAMES[0],
    NAMES[1],
    NAMES[2],
    NAMES[3],
    NAMES[4],
    NAMES[5],
    NAMES[6],
];

/// The longest diagnostic kept; the guest never writes more.
pub const MAX_MESSAGE: u32 = 256;

/// Per-call state the host functions see.
#[derive(Default)]
pub struct CallState {
    /// `[log_size LE][proof]`.
    pub input: Vec<u8>,
    pub message: Option<String>,
}

pub fn linker() -> Linker<CallState, HostError> {
    let mut linker = Linker::new();
    linker
        .define_typed("input_len", |caller: Caller<CallState>| -> u32 {
            caller.user_data.input.len() as u32
        })
        .expect("fresh linker");
    linker
        .define_typed(
            "read_input",
            |caller: Caller<CallState>, dst: u32, len: u32| -> u32 {
                let input = &caller.user_data.input;
                let n = input.len().min(len as usize);
                match caller.instance.write_memory(dst, &input[..n]) {
                    Ok(()) => n as u32,
                    Err(_) => 0,
                }
            },
        )
        .expect("fresh linker");
    linker
        .define_typed(
            "set_message",
            |caller: Caller<CallState>, ptr: u32, len: u32| {
                let message = match caller.instance.read_memory(ptr, len.min(MAX_MESSAGE)) {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => "guest passed an unreadable message".to_owned(),
                };
                caller.user_data.message = Some(message);
            },
        )
        .expect("fresh linker");
    kernels::define(&mut linker);
    linker
}
