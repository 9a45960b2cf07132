//! The Ligerito verifier as a PolkaVM guest.
//!
//! The host hands over `[log_size: u32 LE][proof]` through `read_input`;
//! `verify` returns 0 (valid), 1 (invalid) or 2 (error) and leaves a one-line
//! diagnostic with `set_message`. A panic or an allocation failure traps after
//! setting its message, and the host reports a trap as an error, so nothing
//! but a completed verification ever returns 0.
#![no_std]

extern crate alloc;

mod heap;
#[cfg(not(feature = "reference"))]
mod kernels;
mod message;

use alloc::format;
use alloc::vec::Vec;
use ligerito::VerifierConfig;

// The stack, on top of the fixed heap (see heap.rs).
polkavm_derive::min_stack_size!(1024 * 1024);

const VALID: u32 = 0;
const INVALID: u32 = 1;
const ERROR: u32 = 2;

#[polkavm_derive::polkavm_import]
extern "C" {
    /// Length of the input in bytes.
    fn input_len() -> u32;
    /// Copies the first `len` input bytes to `dst`; returns the count copied.
    fn read_input(dst: *mut u8, len: u32) -> u32;
    /// Sets the diagnostic the host reports with the exit code.
    fn set_message(ptr: *const u8, len: u32);
}

#[polkavm_derive::polkavm_export]
extern "C" fn verify() -> u32 {
    let (code, message) = run();
    #[cfg(feature = "peak-heap")]
    let message = format!("{message} (peak heap {} bytes)", heap::peak());
    message::set(message.as_bytes());
    code
}

fn run() -> (u32, alloc::string::String) {
    // SAFETY: a host call without arguments.
    let len = unsafe { input_len() } as usize;
    if len < 4 {
        return (
            ERROR,
            format!("input: {len} bytes, expected a 4-byte size and a proof"),
        );
    }
    if len > ligerito_sizes::MAX_INPUT_LEN {
        return (
            ERROR,
            format!(
                "input: {len} bytes exceeds the maximum {}",
                ligerito_sizes::MAX_INPUT_LEN
            ),
        );
    }
    let mut input: Vec<u8> = Vec::new();
    if input.try_reserve_exact(len).is_err() {
        return (ERROR, format!("input: cannot allocate {len} bytes"));
    }
    // SAFETY: `input` has room for `len` bytes, which the host writes
    // without reading them.
    let copied = unsafe { read_input(input.as_mut_ptr(), len as u32) } as usize;
    if copied != len {
        return (ERROR, format!("input: host copied {copied} of {len} bytes"));
    }
    // SAFETY: the host wrote the first `len` bytes.
    unsafe { input.set_len(len) };

    let log_size = u32::from_le_bytes([input[0], input[1], input[2], input[3]]);
    let Some(size) = ligerito_sizes::get(log_size) else {
        return (ERROR, format!("size: 2^{log_size} is not supported"));
    };
    let bytes = &input[4..];
    let max = size.max_proof_len();
    if bytes.len() > max {
        return (
            ERROR,
            format!(
                "proof: {} bytes exceeds the maximum {max} for 2^{log_size}",
                bytes.len()
            ),
        );
    }
    check(&size.verifier_config(), bytes)
}

/// Decodes and verifies the proof, its rows left in `bytes`.
#[cfg(not(feature = "reference"))]
fn check(config: &VerifierConfig, bytes: &[u8]) -> (u32, alloc::string::String) {
    let proof = match ligerito_pvm_verifier::decode::view(bytes) {
        Ok(proof) => proof,
        Err(e) => return (ERROR, format!("{e}")),
    };
    let shape = Shape {
        recursive_commitments: proof.recursive_roots.len(),
        recursive_proofs: proof.recursive.len(),
        sumcheck_rounds: proof.sumcheck.len(),
        eval_rounds: proof.eval_rounds.len(),
        yr: proof.yr.len(),
        initial_width: proof.initial.rows.first().map_or(0, |r| r.len() / 4),
    };
    if let Some(message) = shape.mismatch(config) {
        return (INVALID, message);
    }
    match ligerito_pvm_verifier::verify_view(config, &proof, &kernels::Host) {
        Ok(Ok(())) => (VALID, "valid".into()),
        Ok(Err(rejection)) => (INVALID, format!("verify: {rejection}")),
        Err(e) => (ERROR, format!("verify: {e}")),
    }
}

/// Decodes and verifies the proof through upstream's own code.
#[cfg(feature = "reference")]
fn check(config: &VerifierConfig, bytes: &[u8]) -> (u32, alloc::string::String) {
    use ligerito::transcript::FiatShamir;
    let proof = match ligerito_pvm_verifier::decode::through_serde(bytes) {
        Ok(proof) => proof,
        Err(message) => return (ERROR, message),
    };
    let shape = Shape {
        recursive_commitments: proof.recursive_commitments.len(),
        recursive_proofs: proof.recursive_proofs.len(),
        sumcheck_rounds: proof.sumcheck_transcript.transcript.len(),
        eval_rounds: proof.eval_rounds.len(),
        yr: proof.final_ligero_proof.yr.len(),
        initial_width: proof
            .initial_ligero_proof
            .opened_rows
            .first()
            .map_or(0, Vec::len),
    };
    if let Some(message) = shape.mismatch(config) {
        return (INVALID, message);
    }
    match ligerito::verify_with_transcript(config, &proof, FiatShamir::new_sha256(0)) {
        Ok(true) => (VALID, "valid".into()),
        Ok(false) => (
            INVALID,
            "verify: rejected (Merkle openings, sumcheck or final row checks)".into(),
        ),
        Err(e) => (ERROR, format!("verify: {e}")),
    }
}

/// The lengths of a proof's parts that the configuration fixes.
struct Shape {
    recursive_commitments: usize,
    recursive_proofs: usize,
    sumcheck_rounds: usize,
    eval_rounds: usize,
    yr: usize,
    /// Elements in the first opened row of the initial round.
    initial_width: usize,
}

impl Shape {
    /// Names the first part whose length differs from what the
    /// configuration demands. Upstream rejects all of these too (so the
    /// verdict is the same); this only says which part, e.g. for a proof of
    /// another size.
    fn mismatch(&self, config: &VerifierConfig) -> Option<alloc::string::String> {
        let steps = config.recursive_steps;
        let last = steps - 1;
        let checks = [
            ("recursive commitments", self.recursive_commitments, steps),
            ("recursive proofs", self.recursive_proofs, steps - 1),
            (
                "sumcheck rounds",
                self.sumcheck_rounds,
                config.ks.iter().sum(),
            ),
            ("evaluation rounds", self.eval_rounds, 0),
            ("final yr elements", self.yr, 1 << config.log_dims[last]),
            ("initial row width", self.initial_width, 1 << config.initial_k),
        ];
        checks
            .iter()
            .find(|(_, got, want)| got != want)
            .map(|(part, got, want)| {
                format!(
                    "shape: {got} {part}, expected {want} for 2^{}",
                    config.poly_log_size()
                )
            })
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    message::set_panic(info);
    // SAFETY: `unimp` traps; the host reports the trap with the message set above.
    unsafe { core::arch::asm!("unimp", options(noreturn)) }
}
