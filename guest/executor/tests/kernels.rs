//! The host kernels against guests that call them wrongly: each is refused
//! with a named error, or runs out of gas, before the host does the work,
//! and both backends end the same way.

use ligerito_executor::kernel_gas as price;
use ligerito_executor::{Backend, Code, Executor, Outcome, Verdict, MAX_TENSOR_POINTS};
use ligerito_executor::{REFERENCE_BLOB, VERIFIER_BLOB};
use ligerito_kernel_abi::NAMES;
use polkavm::ProgramBlob;
use polkavm_common::program::{asm, InstructionSetKind, Reg};
use polkavm_common::writer::ProgramBlobBuilder;
use std::collections::BTreeSet;

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

/// A guest's data: `words` (little-endian) from its start, then zeros up
/// to `len` bytes.
fn words_then_zeros(words: &[u32], len: usize) -> Vec<u8> {
    let mut data: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    data.resize(len, 0);
    data
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

    fn reads_no_prefix_for_no_items(backend) {
        // a 64 MiB prefix at an address that is not the guest's
        let outcome = run(backend, &caller_of("sha256_each", &[0, 0, 32, 0xfff0_0000, 1 << 26, 0]));
        assert_eq!(outcome.verdict, Verdict::Valid, "{}", outcome.message);
        assert!(outcome.gas_used < price::CALL + 100, "{}", outcome.gas_used);
    }

    fn reads_only_the_leaves_and_siblings_the_plan_names(backend) {
        // args at +0, out at +32; 2 of 2^21 claimed leaves at +64 (the rest
        // lies past the guest's memory), 2^21 claimed siblings at 0xfff00000;
        // layers [1] at +128, plan [[0, 1]] at +136
        let base = data_address();
        let args = [base + 64, 1 << 21, 0xfff0_0000, 1 << 21, base + 128, 1, base + 136, 1];
        let mut data = words_then_zeros(&args, 144);
        data[128..144].copy_from_slice(&words_then_zeros(&[1, 0, 1], 16));
        let outcome = run(backend, &caller_with_data("blake3_tree", &[base, base + 32], data));
        assert_eq!(outcome.verdict, Verdict::Valid, "{}", outcome.message);
        // the arguments, the plan, the layers and two leaves read; the top written
        assert!(
            outcome.gas_used
                < price::CALL + price::BLAKE3_BATCH + price::BLAKE3_BLOCK + 5 * price::READ + 100
        );
    }

    fn refuses_layers_the_plan_does_not_pay_for(backend) {
        // 2^20 layers of nothing for one pair; then an empty layer
        let base = data_address();
        let args = [base + 64, 2, base, 0, base + 128, 1 << 20, base + 136, 1];
        let code = caller_with_data("blake3_tree", &[base, base + 32], words_then_zeros(&args, 144));
        let outcome = run(backend, &code);
        assert_eq!(outcome.message, "trap: host kernel blake3_tree: 1048576 layers for 1 pairs");
        let args = [base + 64, 2, base, 0, base + 128, 2, base + 136, 2];
        let mut data = words_then_zeros(&args, 160);
        data[128..136].copy_from_slice(&words_then_zeros(&[0, 2], 8));
        let outcome = run(backend, &caller_with_data("blake3_tree", &[base, base + 32], data));
        assert_eq!(
            outcome.message,
            "trap: host kernel blake3_tree: the layers do not split the plan into non-empty parts"
        );
    }

    fn pays_for_points_and_takes_no_more_than_it_prices(backend) {
        // y: one value at +64; no images; points at +128
        let base = data_address();
        let points = MAX_TENSOR_POINTS + 1;
        let args = [base + 64, 1, base, 0, 0, 0, base + 128, points];
        let code = caller_with_data("tensor_eval", &[base, base + 32], words_then_zeros(&args, 128));
        let outcome = run(backend, &code);
        assert_eq!(
            outcome.message,
            format!("trap: host kernel tensor_eval: {points} points (at most {MAX_TENSOR_POINTS})")
        );
        assert!(outcome.gas_used >= price::CALL + u64::from(points) * price::TENSOR_POINT);
        // parts that do not fit are refused before anything is read
        refused(backend, "tensor_eval", &[data_address(), 0], "y is not 2^n values");
    }

    fn pays_for_a_dot_products_tables_with_no_rows(backend) {
        // no rows of 2 GF(2^32) elements, one challenge at +64
        let base = data_address();
        let args = [base, 0, 2, 4, base + 64, 1];
        let code = caller_with_data("row_dots", &[base, base + 32], words_then_zeros(&args, 96));
        let outcome = run(backend, &code);
        assert_eq!(outcome.verdict, Verdict::Valid, "{}", outcome.message);
        assert!(outcome.gas_used >= price::CALL + price::DOT32_SETUP);
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

/// `polkavm_import` names an import only by a literal, so the guest spells
/// out the ABI's names: the committed verifier must import exactly those
/// (the reference blob none of them).
#[test]
fn the_committed_blobs_import_the_kernels_by_their_abi_names() {
    let kernels = |blob: &[u8]| -> BTreeSet<String> {
        let blob = ProgramBlob::parse(blob.to_vec().into()).expect("a program");
        blob.imports()
            .into_iter()
            .map(|symbol| {
                String::from_utf8_lossy(symbol.expect("an import").as_bytes()).into_owned()
            })
            .filter(|s| !["input_len", "read_input", "set_message"].contains(&s.as_str()))
            .collect()
    };
    assert_eq!(kernels(VERIFIER_BLOB), NAMES.map(String::from).into());
    assert_eq!(kernels(REFERENCE_BLOB), BTreeSet::new());
}

/// The executor defines each kernel under its ABI name: a guest calling it
/// reaches that kernel (refused, or run on arguments of nothing).
#[test]
fn each_abi_name_reaches_its_kernel() {
    for name in NAMES {
        let outcome = run(Backend::Interpreter, &caller_of(name, &[]));
        let refused = format!("trap: host kernel {name}: ");
        assert!(
            outcome.verdict == Verdict::Valid || outcome.message.starts_with(&refused),
            "{name}: {}",
            outcome.message
        );
    }
}
