//! Any input through the executor and the guest (compiler backend) gets a
//! verdict, never a host error, and upstream's verdict where it decodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ligerito_executor::{Backend, Executor, Verdict};
use ligerito_fuzz::{decode, split, upstream_accepts};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static EXECUTOR: OnceLock<Executor> = OnceLock::new();
    let executor = EXECUTOR.get_or_init(Executor::new);
    let Some((log_size, bytes)) = split(data) else {
        return;
    };
    let outcome = executor
        .verify(log_size, bytes, 200_000_000, Backend::Compiler)
        .expect("the executor never fails on input");
    if let Some(proof) = decode(log_size, bytes) {
        let valid = outcome.verdict == Verdict::Valid;
        assert_eq!(
            valid,
            upstream_accepts(log_size, &proof),
            "{}",
            outcome.message
        );
    } else {
        assert_eq!(outcome.verdict, Verdict::Error, "{}", outcome.message);
    }
});
