//! Hand-assembled guests that call one host kernel with arguments of their
//! choosing: what `set_verifier_code` would accept from anyone with the
//! verifier's interface. The gas-fairness benchmark times each kernel's
//! worst case with them.

use ligerito_executor::Code;
use polkavm_common::program::{asm, InstructionSetKind, Reg};
use polkavm_common::writer::ProgramBlobBuilder;

/// Read-write data of every such guest: enough for the largest arguments
/// the benchmark passes (zeros, so not in the blob).
pub const DATA_SIZE: u32 = 32 << 20;

/// Where the guest's read-write data starts.
pub fn data_address() -> u32 {
    polkavm_common::abi::MemoryMapBuilder::new(0x1000)
        .rw_data_size(DATA_SIZE)
        .build()
        .expect("a memory map")
        .rw_data_address()
}

/// A `verify` that calls `kernel` `calls` times with `args` in a0, a1, ...
/// (the first bytes of its data being `data`) and returns 0.
pub fn caller(kernel: &str, args: &[u32], data: Vec<u8>, calls: u32) -> Code {
    let regs = [Reg::A0, Reg::A1, Reg::A2, Reg::A3, Reg::A4, Reg::A5];
    let mut code = vec![asm::load_imm(Reg::S0, calls as i32), asm::fallthrough()];
    code.extend(
        regs.iter()
            .zip(args)
            .map(|(&reg, &value)| asm::load_imm(reg, value as i32)),
    );
    code.extend([
        asm::ecalli(0),
        asm::add_imm_64(Reg::S0, Reg::S0, -1),
        asm::branch_not_eq_imm(Reg::S0, 0, 1),
        asm::load_imm(Reg::A0, 0),
        asm::ret(),
    ]);
    let mut builder = ProgramBlobBuilder::new(InstructionSetKind::Latest64);
    builder.set_rw_data_size(DATA_SIZE);
    builder.set_rw_data(data);
    builder.add_import(kernel.as_bytes());
    builder.add_export_by_basic_block(0, b"verify");
    builder.set_code(&code, &[]);
    Code::new(builder.into_vec().expect("a valid program"))
}

/// Little-endian words, as a guest lays out an argument block or a table.
pub fn words(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}
