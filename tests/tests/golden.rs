//! Replays the committed golden chain on both backends: every header
//! (state and extrinsics roots), receipt (events, results, gas) and refusal
//! must come out byte for byte as recorded.

use codec::{Decode, Encode};
use ligerito_executor::Backend;
use ligerito_runtime::{Error, InvalidTransaction};
#[path = "common/golden.rs"]
mod golden;
use golden::{assert_covers, fresh_chain, seal, GoldenBlock, FIXTURE};

fn golden() -> Vec<GoldenBlock> {
    let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE))
        .expect("the fixture");
    Vec::<GoldenBlock>::decode(&mut &bytes[..]).expect("a golden chain")
}

#[test]
fn golden_chain_covers_every_kind_of_extrinsic() {
    assert_covers(
        &golden(),
        &[
            Ok(()),
            Err(Error::InvalidProof),
            Err(Error::MalformedProof),
            Err(Error::OutOfGas),
            Err(Error::AlreadyVerified),
        ],
        &[
            InvalidTransaction::BadSignature,
            InvalidTransaction::Future,
            InvalidTransaction::Stale,
            InvalidTransaction::ExhaustsResources,
        ],
    );
}

fn replays_byte_for_byte(backend: Backend) {
    let dir = std::env::temp_dir().join(format!(
        "ligerito-golden-test-{backend}-{}",
        std::process::id()
    ));
    let mut chain = fresh_chain(&dir, backend);
    for (number, recorded) in golden().into_iter().enumerate() {
        let replayed = seal(&mut chain, recorded.candidates.clone());
        assert_eq!(
            replayed.header,
            recorded.header,
            "block {}: header",
            number + 1
        );
        assert_eq!(
            replayed.receipt.encode(),
            recorded.receipt.encode(),
            "block {}: receipt",
            number + 1
        );
        assert_eq!(
            replayed.refused,
            recorded.refused,
            "block {}: refusals",
            number + 1
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn golden_chain_replays_on_the_compiler() {
    replays_byte_for_byte(Backend::Compiler);
}

#[test]
fn golden_chain_replays_on_the_interpreter() {
    replays_byte_for_byte(Backend::Interpreter);
}
