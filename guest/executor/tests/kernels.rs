//! The host kernels against guests that call them wrongly: each is refused
//! with a named error, or runs out of gas, before the host does the work,
//! and both backends end the same way.

use ligerito_executor::{Backend, Code, Executor, Outcome, Verdict};
use polkavm_common::program::{asm, InstructionSetKind, Reg};
use polkavm_common::writer::ProgramBlobBuilder;

const GAS: u64 = 10_000_000_000;

/// A `verify` that calls `kernel` with `args` in a0, a1, ... and returns 0.
fn caller_of(kernel: &str, args: &[u32]) -> Code {
    caller_with_data(kernel, args, Vec::new())
}

/// Where the guest's read-write data starts (ModuleConfig's 4 KiB pages).
fn data_address() -> u32 {
    polkavm_common::abi::MemoryMapBuilder::new(0x1000)
        .rw_data_size(4096)
        .build()
        .expect("a memory map")
        .rw_data_address()
}

/// [`caller_of`] with `data` at [`data_address`].
fn caller_with_data(kernel: &str, args: &[u32], data: Vec<u8>) -> Code {
    let regs = [Reg::A0, Reg::A1, Reg::A2, Reg::A3, Reg::A4, Reg::A5];
    let mut code: Vec<_> = regs
        .iter()
        .zip(args)
        .map(|(&reg, &value)| asm::load_imm(reg, value as i32))
        .collect();
    code.extend([asm::ecalli(0), asm::load_imm(Reg::A0, 0), asm::ret()]);
    let mut builder = ProgramBlobBuilder::new(InstructionSetKind::Latest64);
    builder.set_rw_data_size(4096);
    builder.set_rw_data(data);
    builder.add_import(kernel.as_bytes());
    builder.add_export_by_basic_block(0, b"verify");
    builder.set_code(&code, &[]);
    Code::new(builder.into_vec().expect("a valid program"))
}

fn run(backend: Backend, code: &Code) -> Outcome {
    Executor::new()
        .verify_with(code, 20, &[], GAS, backend)
        .expect("executor")
}

fn refused(backend: Backend, kernel: &str, args: &[u32], reason: &str) {
    let outcome = run(backend, &caller_of(kernel, args));
    assert_eq!(outcome.verdict, Verdict::Error, "{}", outcome.message);
    let want = format!("trap: host kernel {kernel}: {reason}");
    assert!(
        outcome.message.starts_with(&want),
        "{} (want {want})",
        outcome.message
    );
    assert!(outcome.gas_used > 0 && outcome.gas_used < GAS);
}

ligerito_executor::per_backend! {
    fn refuses_reads_outside_guest_memory(backend) {
        refused(backend, "tensor_eval", &[0x10, 0x10], "reading 32 bytes at 0x10");
        refused(backend, "sha256_squeeze", &[0x20, 1, 0x20], "reading 112 bytes at 0x20");
    }

    fn refuses_lengths_past_guest_memory_before_reading(backend) {
        refused(backend, "blake3_each", &[0, 64, 1 << 21, 0], "134217728 bytes exceed guest memory");
        refused(backend, "sha256_each", &[0, 1, 1 << 27, 0, 0, 0], "134217728 bytes exceed guest memory");
    }

    fn refuses_arguments_a_kernel_does_not_take(backend) {
        refused(backend, "blake3_each", &[0, 65, 1, 0], "items of 65 bytes");
        refused(backend, "blake3_each", &[0, 0, 1, 0], "items of 0 bytes");
    }

    fn refuses_a_merkle_plan_naming_a_missing_node(backend) {
        // leaves: 2 at +64; siblings: 1 at +128; layers [1] at +160;
        // plan [[0, 2]] at +168 (there is no third leaf)
        let base = data_address();
        let mut data = vec![0u8; 176];
        let args = [base + 64, 2, base + 128, 1, base + 160, 1, base + 168, 1];
        for (k, w) in args.iter().enumerate() {
            data[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
        }
        data[160..164].copy_from_slice(&1u32.to_le_bytes());
        data[168..172].copy_from_slice(&0u32.to_le_bytes());
        data[172..176].copy_from_slice(&2u32.to_le_bytes());
        let code = caller_with_data("blake3_tree", &[base, base + 32], data);
        let outcome = run(backend, &code);
        assert_eq!(outcome.verdict, Verdict::Error, "{}", outcome.message);
        assert_eq!(
            outcome.message,
            "trap: host kernel blake3_tree: the plan names a node or sibling that does not exist"
        );
    }

    fn charges_before_the_work_and_runs_out_of_gas(backend) {
        let outcome = run(backend, &caller_of("sha256_compress", &[0, 0, u32::MAX]));
        assert_eq!(outcome.verdict, Verdict::OutOfGas, "{}", outcome.message);
        assert_eq!(outcome.gas_used, GAS);
    }
}

#[test]
fn both_backends_end_a_refused_call_alike() {
    let code = caller_of("blake3_each", &[0, 65, 1, 0]);
    let [compiler, interpreter] = Backend::ALL.map(|b| run(b, &code));
    assert_eq!(compiler, interpreter);
}
