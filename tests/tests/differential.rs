//! Mutated proofs get the verdict upstream's native verifier gives them:
//! never valid where upstream rejects, and, beyond upstream, never valid
//! with trailing bytes.

use ligerito_executor::{Backend, Verdict, DEFAULT_GAS_LIMIT};
use ligerito_tests::{executor, valid_proof, Proof};

/// Upstream's verdict on exactly these bytes: `None` if they do not decode
/// to exactly one proof (upstream's CLI would ignore trailing bytes).
fn upstream_accepts(bytes: &[u8]) -> Option<bool> {
    use bincode::Options;
    let exact = bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .reject_trailing_bytes();
    let proof: Proof = exact.deserialize(bytes).ok()?;
    Some(ligerito_tests::upstream_accepts(12, &proof))
}

#[test]
fn byte_flips_across_a_proof_match_upstreams_verdict() {
    let proof = valid_proof(12);
    let mut state = 0x853c_49e6_748f_ea9bu64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rejected = 0;
    for _ in 0..400 {
        let mut bytes = proof.clone();
        let at = next() as usize % bytes.len();
        bytes[at] ^= 1 << (next() % 8);
        let ours = executor()
            .verify(12, &bytes, DEFAULT_GAS_LIMIT, Backend::Compiler)
            .unwrap();
        let theirs = upstream_accepts(&bytes);
        match theirs {
            Some(true) => assert_eq!(
                ours.verdict,
                Verdict::Valid,
                "flip at byte {at}: {}",
                ours.message
            ),
            Some(false) => {
                assert_eq!(
                    ours.verdict,
                    Verdict::Invalid,
                    "flip at byte {at}: {}",
                    ours.message
                );
                rejected += 1;
            }
            None => assert_eq!(
                ours.verdict,
                Verdict::Error,
                "flip at byte {at}: {}",
                ours.message
            ),
        }
    }
    assert!(
        rejected > 300,
        "most single-bit flips decode and fail verification ({rejected})"
    );
}
