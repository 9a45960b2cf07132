//! ligerito-pvm-verifier (natively) and upstream's verifier agree on every
//! input that decodes to exactly one proof.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ligerito_fuzz::{decode, split, upstream_accepts};

fuzz_target!(|data: &[u8]| {
    let Some((log_size, bytes)) = split(data) else {
        return;
    };
    let Some(proof) = decode(log_size, bytes) else {
        return;
    };
    let config = ligerito_sizes::get(log_size).unwrap().verifier_config();
    let ours = matches!(ligerito_pvm_verifier::verify(&config, &proof), Ok(Ok(())));
    assert_eq!(ours, upstream_accepts(log_size, &proof));
});
