//! Exactly one proof from exactly its bytes, with the failing offset named.

use alloc::{format, string::String};
use bincode::{de::read::Reader, error::DecodeError};
use serde::de::DeserializeOwned;

/// A slice reader that remembers how far it got, for diagnostics.
struct Counted<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader for Counted<'_> {
    fn read(&mut self, out: &mut [u8]) -> Result<(), DecodeError> {
        let rest = &self.bytes[self.pos..];
        if rest.len() < out.len() {
            return Err(DecodeError::UnexpectedEnd {
                additional: out.len() - rest.len(),
            });
        }
        out.copy_from_slice(&rest[..out.len()]);
        self.pos += out.len();
        Ok(())
    }
}

/// Decodes `bytes` as the upstream CLI writes them (bincode 1 layout:
/// little-endian, fixed-width integers, u64 lengths). Input that is empty,
/// cut short or followed by trailing bytes is an error.
pub fn exactly_one<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut reader = Counted { bytes, pos: 0 };
    match bincode::serde::decode_from_reader(&mut reader, bincode::config::legacy()) {
        Ok(value) if reader.pos == bytes.len() => Ok(value),
        Ok(_) => Err(format!(
            "decode: {} trailing bytes after the proof at byte {}",
            bytes.len() - reader.pos,
            reader.pos
        )),
        Err(DecodeError::UnexpectedEnd { .. }) => {
            Err(format!("decode: unexpected end at byte {}", bytes.len()))
        }
        Err(e) => Err(format!("decode: {e} at byte {}", reader.pos)),
    }
}
