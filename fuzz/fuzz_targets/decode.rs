//! The guest's slice decoder and upstream's serde path (bincode 2, what the
//! guest ran before) give the same proof or the same message for any bytes,
//! and a proof decodes from exactly its own encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ligerito_pvm_verifier::decode;

fuzz_target!(|data: &[u8]| {
    let encode = |p| bincode::serialize(&p).expect("a decoded proof encodes");
    let ours = decode::proof(data).map(encode).map_err(|e| e.to_string());
    let serde = decode::through_serde(data).map(encode);
    assert_eq!(ours, serde);
    if let Ok(bytes) = ours {
        assert_eq!(bytes, data);
    }
});
