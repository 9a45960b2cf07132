//! Executor behaviour that needs no valid proof; proofs are covered in
//! the workspace's tests/ crate.

use ligerito_executor::{
    sizes, Backend, Code, Executor, ExecutorError, Outcome, Verdict, DEFAULT_GAS_LIMIT,
};
use polkavm_common::writer::ProgramBlobBuilder;
use std::sync::Arc;

fn run(backend: Backend, log_size: u32, proof: &[u8]) -> Outcome {
    Executor::new()
        .verify(log_size, proof, DEFAULT_GAS_LIMIT, backend)
        .expect("executor")
}

ligerito_executor::per_backend! {
    fn rejects_empty_proof(backend) {
        let outcome = run(backend, 12, &[]);
        assert_eq!(outcome.verdict, Verdict::Error);
        assert_eq!(outcome.exit_code, 2);
        assert!(outcome.message.starts_with("decode: unexpected end at byte 0"), "{}", outcome.message);
    }

    fn rejects_unsupported_size(backend) {
        for log_size in [0, 11, 13, 19, 31, u32::MAX] {
            let outcome = run(backend, log_size, &[0; 64]);
            assert_eq!(outcome.verdict, Verdict::Error);
            assert_eq!(outcome.message, format!("size: 2^{log_size} is not supported"));
        }
    }

    fn rejects_proof_over_the_size_maximum_before_decoding(backend) {
        let max = sizes::get(12).unwrap().max_proof_len();
        let outcome = run(backend, 12, &vec![0; max + 1]);
        assert_eq!(outcome.verdict, Verdict::Error);
        assert!(outcome.message.contains(&format!("exceeds the maximum {max} for 2^12")), "{}", outcome.message);
    }

    fn rejects_proof_over_every_maximum_without_running(backend) {
        let outcome = run(backend, 30, &vec![0; sizes::MAX_PROOF_LEN + 1]);
        assert_eq!(outcome.verdict, Verdict::Error);
        assert_eq!(outcome.gas_used, 0);
    }

    fn random_bytes_are_an_error(backend) {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let bytes: Vec<u8> = (0..40_000).map(|_| { state ^= state << 13; state ^= state >> 7; state ^= state << 17; state as u8 }).collect();
        let outcome = run(backend, 12, &bytes);
        assert_ne!(outcome.verdict, Verdict::Valid);
        assert_eq!(outcome.exit_code, 2, "{}", outcome.message);
    }

    fn tiny_gas_limit_runs_out_deterministically(backend) {
        let executor = Executor::new();
        let outcome = executor.verify(12, &[0; 100], 1_000, backend).unwrap();
        assert_eq!(outcome.verdict, Verdict::OutOfGas);
        assert_eq!(outcome.gas_used, 1_000);
        assert_eq!(outcome.exit_code, 2);
    }

    fn reused_instances_behave_like_fresh_ones(backend) {
        let executor = Executor::new();
        let first = executor.verify(16, &[7; 3000], DEFAULT_GAS_LIMIT, backend).unwrap();
        executor.verify(12, &[], DEFAULT_GAS_LIMIT, backend).unwrap();
        // an instance stopped mid-run by the gas meter goes back to the pool too
        executor.verify(16, &[7; 3000], 5_000, backend).unwrap();
        let again = executor.verify(16, &[7; 3000], DEFAULT_GAS_LIMIT, backend).unwrap();
        assert_eq!(first, again);
    }

    fn concurrent_callers_get_identical_outcomes(backend) {
        let executor = Arc::new(Executor::new());
        let expected = executor.verify(12, &[1; 500], DEFAULT_GAS_LIMIT, backend).unwrap();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let executor = executor.clone();
                std::thread::spawn(move || executor.verify(12, &[1; 500], DEFAULT_GAS_LIMIT, backend).unwrap())
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap(), expected);
        }
    }

    fn code_that_is_not_a_program_is_an_executor_error(backend) {
        let code = Code::new(b"not a polkavm blob".to_vec());
        let error = Executor::new().verify_with(&code, 12, &[], DEFAULT_GAS_LIMIT, backend).unwrap_err();
        assert!(matches!(error, ExecutorError::InvalidCode { hash, .. } if hash == code.hash()), "{error}");
    }

    fn code_over_the_memory_maximum_does_not_load(backend) {
        // loadable by PolkaVM on either backend, but past the interface's limit
        let code = returns_zero(ligerito_executor::MAX_GUEST_MEMORY + 4096);
        let error = Executor::new().prepare(&code, backend).unwrap_err();
        assert!(matches!(&error, ExecutorError::InvalidCode { reason, .. } if reason.contains("exceeds the maximum")), "{error}");
        assert!(Executor::new().prepare(&returns_zero(4096), backend).is_ok());
    }

    // PolkaVM 0.37's Linux sandbox resets an instance's memory by the memory
    // map it was loaded with, from engine-wide shared memory that it frees
    // once the module is loaded: loading another module there could leave a
    // reused instance's memory as its last run left it. Executors share
    // the engine, so another executor's loads count too.
    fn a_reused_instance_starts_with_clean_memory_after_other_modules_ran(backend) {
        let executors = [Executor::new(), Executor::new()];
        let codes = [1 << 20, 4096, 64 << 10].map(marks_its_memory);
        for round in 0..4 {
            for (i, code) in codes.iter().enumerate() {
                let outcome = executors[(round + i) % 2]
                    .verify_with(code, 12, &[], DEFAULT_GAS_LIMIT, backend)
                    .expect("executor");
                assert_eq!(outcome.verdict, Verdict::Valid, "round {round}, code {}", code.hash());
            }
        }
    }
}

#[test]
fn new_code_is_checked_on_every_supported_backend() {
    let executor = Executor::new();
    let code = returns_zero(4096);
    executor.check_code(&code).expect("loads everywhere");
    for backend in Backend::ALL {
        assert_eq!(
            executor.is_prepared(&code, backend),
            backend.is_supported(),
            "{backend}"
        );
    }
    let bad = returns_zero(ligerito_executor::MAX_GUEST_MEMORY + 4096);
    let first = Backend::ALL.into_iter().find(|b| b.is_supported()).unwrap();
    let error = executor.check_code(&bad).unwrap_err();
    assert!(
        matches!(&error, ExecutorError::InvalidCode { reason, .. } if reason.starts_with(&format!("{first}: "))),
        "{error}"
    );
}

/// A `verify` that returns 0, with `rw_data_size` bytes of read-write data.
fn returns_zero(rw_data_size: u32) -> Code {
    use polkavm_common::program::{asm, InstructionSetKind, Reg};
    let mut builder = polkavm_common::writer::ProgramBlobBuilder::new(InstructionSetKind::Latest64);
    builder.set_rw_data_size(rw_data_size);
    builder.add_export_by_basic_block(0, b"verify");
    builder.set_code(&[asm::load_imm(Reg::A0, 0), asm::ret()], &[]);
    Code::new(builder.into_vec().expect("a valid program"))
}

#[test]
fn committed_blob_hash_matches_its_sha256_file() {
    let file = include_str!("../../ligerito-verifier.polkavm.sha256");
    let expected = file.split_whitespace().next().unwrap();
    assert_eq!(Code::verifier().hash().to_string(), format!("0x{expected}"));
}

#[test]
fn committed_blob_has_the_verifier_interface() {
    assert_eq!(Code::verifier().check_interface(), Ok(()));
}

#[test]
fn interface_check_rejects_bytes_that_are_not_a_program() {
    assert!(Code::new(vec![0u8; 64]).check_interface().is_err());
}

/// A `verify` with `rw_data_size` bytes of read-write data that returns
/// the last word of it (0 unless a run before left its mark: `Valid`), then
/// marks it.
fn marks_its_memory(rw_data_size: u32) -> Code {
    use polkavm_common::program::{asm, InstructionSetKind, Reg};
    let last = polkavm_common::abi::MemoryMapBuilder::new(0x1000)
        .rw_data_size(rw_data_size)
        .build()
        .expect("a memory map")
        .rw_data_address()
        + rw_data_size
        - 4;
    let mut builder = ProgramBlobBuilder::new(InstructionSetKind::Latest64);
    builder.set_rw_data_size(rw_data_size);
    builder.add_export_by_basic_block(0, b"verify");
    builder.set_code(
        &[
            asm::load_u32(Reg::A0, last as i32),
            asm::store_imm_u32(last as i32, 1),
            asm::ret(),
        ],
        &[],
    );
    Code::new(builder.into_vec().expect("a valid program"))
}
