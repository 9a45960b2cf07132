//! Hand-assembled guests that call one host kernel with arguments of their
//! choosing: what `set_verifier_code` would accept from anyone with the
//! verifier's interface, and each kernel's worst case made with them.

use ligerito_executor::{Code, MAX_TENSOR_POINTS};
use ligerito_pvm_verifier::merkle::SIBLING;
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

/// A kernel's argument block at the data's start, its output after it, and
/// `tables` (address, bytes) laid out where they say.
fn with_args(args: &[u32], tables: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let base = data_address();
    let mut data = words(args);
    for (at, bytes) in tables {
        let at = (at - base) as usize;
        if data.len() < at + bytes.len() {
            data.resize(at + bytes.len(), 0);
        }
        data[at..at + bytes.len()].copy_from_slice(bytes);
    }
    data
}

/// The worst case of every kernel, named: the largest arguments it accepts
/// within [`DATA_SIZE`] (and, where a kernel's fixed costs are what a guest
/// can repeat, many calls). The gas-fairness benchmark times them, and the
/// runtime's weights cover the slowest per gas.
pub fn worst_cases() -> Vec<(&'static str, Code)> {
    let d = data_address();
    let out = d + (DATA_SIZE / 2);
    let half = DATA_SIZE / 2;
    let mut cases = Vec::new();

    let blocks = (half - 4096) / 64;
    cases.push((
        "sha256_compress: 16 MiB of blocks",
        caller("sha256_compress", &[d, d + 4096, blocks], Vec::new(), 1),
    ));

    // one-byte items, one block each: packed (one read), then 4 KiB apart
    // (a read each); the table first, the items after it
    let items = 1 << 18;
    let table: Vec<u32> = (0..items).map(|k| d + (1 << 20) + k).collect();
    cases.push((
        "sha256_each: 2^18 packed one-byte items",
        caller("sha256_each", &[d, items, 1, d, 0, out], words(&table), 1),
    ));
    let items = 1 << 12;
    let table: Vec<u32> = (0..items).map(|k| d + (64 << 10) + 4096 * k).collect();
    cases.push((
        "sha256_each: 2^12 one-byte items 4 KiB apart",
        caller(
            "sha256_each",
            &[d, items, 1, d, 0, out + (8 << 20)],
            words(&table),
            1,
        ),
    ));

    cases.push((
        "sha256_squeeze: 2^18 squeezes",
        caller("sha256_squeeze", &[d, 1 << 18, out], Vec::new(), 1),
    ));
    cases.push((
        "blake3_each: 2^18 64-byte items",
        caller("blake3_each", &[d, 64, 1 << 18, out], Vec::new(), 1),
    ));
    cases.push((
        "blake3_each: 2^19 one-byte items",
        caller("blake3_each", &[d, 1, 1 << 19, d], Vec::new(), 1),
    ));

    // a walk of 2^18 layers, one pair each: the leaf (or the node below)
    // with the one sibling
    let layers = 1u32 << 18;
    let (leaves, siblings, layer_at, plan_at) = (d + 64, d + 128, d + 4096, d + 4096 + 4 * layers);
    let plan: Vec<u32> = (0..layers).flat_map(|_| [0, SIBLING]).collect();
    cases.push((
        "blake3_tree: 2^18 layers of one pair",
        caller(
            "blake3_tree",
            &[d, d + 32],
            with_args(
                &[leaves, 1, siblings, 1, layer_at, layers, plan_at, layers],
                &[
                    (layer_at, words(&vec![1; layers as usize])),
                    (plan_at, words(&plan)),
                ],
            ),
            1,
        ),
    ));

    // the most points, all distinct, over factors that ignore them: the
    // sort is all the work
    let points: Vec<u32> = (0..MAX_TENSOR_POINTS)
        .map(|k| k.wrapping_mul(0x9e37_79b9))
        .collect();
    let (y, images, points_at) = (d + 4096, d + 4096 + (16 << 12), d + (1 << 20));
    cases.push((
        "tensor_eval: 4,096 distinct points, 2^12 values, 200 calls",
        caller(
            "tensor_eval",
            &[d, out],
            with_args(
                &[y, 1 << 12, images, 12, 1, 32, points_at, MAX_TENSOR_POINTS],
                &[(points_at, words(&points))],
            ),
            200,
        ),
    ));
    // the same points through a full descent of 2^16 values
    cases.push((
        "tensor_eval: 4,096 points, 2^16 values, 32 columns",
        caller(
            "tensor_eval",
            &[d, out],
            with_args(
                &[
                    d + (2 << 20),
                    1 << 16,
                    d + (4 << 20),
                    16 * 32,
                    32,
                    0,
                    points_at,
                    MAX_TENSOR_POINTS,
                ],
                &[
                    (points_at, words(&points)),
                    (
                        d + (4 << 20),
                        (0..16 * 32 * 16).map(|k| (k * 7 + 1) as u8).collect(),
                    ),
                ],
            ),
            1,
        ),
    ));

    // row_dots: a GF(2^32) call's tables for one two-element row; then
    // 2^12 rows of 2^10; then GF(2^128) rows 4 KiB apart
    cases.push((
        "row_dots: one 2-element GF(2^32) row, 20,000 calls",
        caller(
            "row_dots",
            &[d, out],
            with_args(
                &[d + 64, 1, 2, 4, d + 128, 1],
                &[(d + 64, words(&[d + 256]))],
            ),
            20_000,
        ),
    ));
    // 2^12 rows 4 KiB apart, their address table at d + 4096
    let rows = 1u32 << 12;
    let table = words(
        &(0..rows)
            .map(|k| d + (1 << 20) + 4096 * k)
            .collect::<Vec<_>>(),
    );
    cases.push((
        "row_dots: 2^12 GF(2^32) rows of 2^10",
        caller(
            "row_dots",
            &[d, out],
            with_args(
                &[d + 4096, rows, 1 << 10, 4, d + 64, 10],
                &[(d + 4096, table.clone())],
            ),
            1,
        ),
    ));
    cases.push((
        "row_dots: 2^12 2-element GF(2^128) rows 4 KiB apart",
        caller(
            "row_dots",
            &[d, out],
            with_args(&[d + 4096, rows, 2, 16, d + 64, 1], &[(d + 4096, table)]),
            1,
        ),
    ));

    cases.push((
        "empty calls (blake3_each of nothing), 100,000",
        caller("blake3_each", &[d, 32, 0, d], Vec::new(), 100_000),
    ));
    cases
}
