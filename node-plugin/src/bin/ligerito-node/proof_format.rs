//! Proof files as the upstream CLI writes them: `ligerito prove` writes
//! bincode, `ligerito prove --format hex` the same bytes as hex on one line.

use crate::cli::ProofFormat;
use anyhow::{bail, Context};
use ligerito_executor::sizes::MAX_PROOF_LEN;
use std::path::PathBuf;

/// White space and a `0x` a hex file may add around its digits.
const HEX_PADDING: u64 = 64;

/// Reads a proof of at most the largest proof's length plus one byte (one
/// past is enough for the verifier to refuse it as too long) from a file
/// or standard input (`-`).
pub fn read_proof(path: &PathBuf, format: ProofFormat) -> anyhow::Result<Vec<u8>> {
    let max = MAX_PROOF_LEN as u64 + 1;
    match format {
        ProofFormat::Bincode => crate::input::read_bounded(path, max),
        ProofFormat::Hex => {
            let limit = 2 * max + HEX_PADDING;
            let text = crate::input::read_bounded(path, limit + 1)?;
            if text.len() as u64 > limit {
                bail!("the hex proof is longer than {limit} characters");
            }
            decode_hex(&text)
        }
    }
}

fn decode_hex(text: &[u8]) -> anyhow::Result<Vec<u8>> {
    let text = text.trim_ascii();
    let digits = text.strip_prefix(b"0x").unwrap_or(text);
    hex::decode(digits).context("the proof is not hex")
}

/// `proof` as `format` writes it.
pub fn encode(proof: Vec<u8>, format: ProofFormat) -> Vec<u8> {
    match format {
        ProofFormat::Bincode => proof,
        ProofFormat::Hex => {
            let mut line = hex::encode(proof).into_bytes();
            line.push(b'\n');
            line
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_reads_what_it_writes_with_or_without_0x_and_white_space() {
        let proof = vec![1, 0xab, 0, 0xff];
        let line = encode(proof.clone(), ProofFormat::Hex);
        assert_eq!(line, b"01ab00ff\n");
        assert_eq!(decode_hex(&line).unwrap(), proof);
        assert_eq!(decode_hex(b" 0x01AB00ff\r\n").unwrap(), proof);
    }

    #[test]
    fn malformed_hex_is_an_error() {
        for text in [&b"01a"[..], b"zz", b"01 ab"] {
            let error = decode_hex(text).unwrap_err();
            assert!(
                format!("{error:#}").starts_with("the proof is not hex"),
                "{error:#}"
            );
        }
    }

    #[test]
    fn bincode_is_written_as_it_is() {
        assert_eq!(encode(vec![1, 2], ProofFormat::Bincode), vec![1, 2]);
    }
}
