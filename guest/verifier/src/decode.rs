//! Exactly one proof from exactly its bytes, as the upstream CLI writes them
//! (bincode 1's layout through serde: little-endian fixed-width integers,
//! `u64` lengths, a one-byte tag before an `Option`).
//!
//! Rows and siblings are left where they are, in the bytes ([`ProofView`]),
//! rather than read element by element through serde (in the guest that
//! was about a fifth of a 2^20 verification's gas) or copied. The
//! refusals and their messages are bincode 2's (`decode::tests` and the
//! `decode` fuzz target compare them with it), because the messages reach
//! receipts and events byte for byte.

use crate::view::{elem128, Opening, ProofView};
use crate::Proof;
use alloc::vec::Vec;
use core::fmt;
use ligerito::eval_proof::EvalSumcheckRound;
use ligerito_merkle::MerkleRoot;

/// Why the bytes are not exactly one proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes end inside the proof.
    End {
        /// The input's length.
        len: usize,
    },
    /// An `Option`'s tag is neither 0 nor 1.
    Tag {
        /// The tag read.
        found: u8,
        /// The offset just after it.
        at: usize,
    },
    /// A whole proof is followed by more bytes.
    Trailing {
        /// How many.
        extra: usize,
        /// Where the proof ended.
        at: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::End { len } => write!(f, "decode: unexpected end at byte {len}"),
            // bincode 2 shows its errors with `Debug`.
            Self::Tag { found, at } => write!(
                f,
                "decode: UnexpectedVariant {{ type_name: \"Option<T>\", allowed: Range {{ min: 0, \
                 max: 1 }}, found: {found} }} at byte {at}"
            ),
            Self::Trailing { extra, at } => {
                write!(
                    f,
                    "decode: {extra} trailing bytes after the proof at byte {at}"
                )
            }
        }
    }
}

/// Decodes `bytes` as exactly one proof: empty input, input cut short and
/// trailing bytes are errors. The rows and siblings stay in `bytes`; the
/// rest allocates no more than the bytes can fill.
pub fn view(bytes: &[u8]) -> Result<ProofView<'_>, DecodeError> {
    let mut r = Reader { bytes, pos: 0 };
    let proof = ProofView {
        initial_root: r.root()?,
        initial: r.opening(4)?,
        recursive_roots: r.seq(1, Reader::root)?,
        recursive: r.seq(16, |r| r.opening(16))?,
        yr: r.fixed(16, elem128)?,
        last: r.opening(16)?,
        sumcheck: r.fixed(48, |c| {
            (elem128(&c[..16]), elem128(&c[16..32]), elem128(&c[32..]))
        })?,
        eval_rounds: r.fixed(48, |c| EvalSumcheckRound {
            s0: elem128(&c[..16]),
            s1: elem128(&c[16..32]),
            s2: elem128(&c[32..]),
        })?,
    };
    match bytes.len() - r.pos {
        0 => Ok(proof),
        extra => Err(DecodeError::Trailing { extra, at: r.pos }),
    }
}

/// [`view`], as upstream's proof.
pub fn proof(bytes: &[u8]) -> Result<Proof, DecodeError> {
    view(bytes).map(|v| v.to_proof())
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let end = end.ok_or(DecodeError::End {
            len: self.bytes.len(),
        })?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    fn len(&mut self) -> Result<u64, DecodeError> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ]))
    }

    /// A sequence of `len`-prefixed elements that may fail in more ways
    /// than running out, each at least `min` bytes long: decoded one by
    /// one, so that the first failure is the one bincode meets.
    fn seq<T>(
        &mut self,
        min: usize,
        mut item: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.len()?;
        let room = (self.bytes.len() - self.pos) / min;
        let mut out = Vec::with_capacity(usize::try_from(n).map_or(room, |n| n.min(room)));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    /// The bytes of a `len`-prefixed sequence of `size`-byte elements, which
    /// cannot fail but by running out: one bounds check.
    fn bytes(&mut self, size: usize) -> Result<&'a [u8], DecodeError> {
        let n = self.len()?;
        usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(size))
            .map_or(
                Err(DecodeError::End {
                    len: self.bytes.len(),
                }),
                |b| self.take(b),
            )
    }

    /// [`Reader::bytes`], each element made by `item`.
    fn fixed<T>(&mut self, size: usize, item: impl Fn(&[u8]) -> T) -> Result<Vec<T>, DecodeError> {
        Ok(self.bytes(size)?.chunks_exact(size).map(item).collect())
    }

    /// Rows of `elem_bytes`-byte elements, then the siblings opening them.
    fn opening(&mut self, elem_bytes: usize) -> Result<Opening<'a>, DecodeError> {
        Ok(Opening {
            rows: self.seq(8, |r| r.bytes(elem_bytes))?,
            siblings: bytemuck::cast_slice(self.bytes(32)?),
        })
    }

    fn root(&mut self) -> Result<MerkleRoot, DecodeError> {
        let root = match self.take(1)?[0] {
            0 => None,
            1 => Some(self.take(32)?.try_into().expect("32 bytes")),
            found => {
                return Err(DecodeError::Tag {
                    found,
                    at: self.pos,
                })
            }
        };
        Ok(MerkleRoot { root })
    }
}

/// The same decoding through upstream's serde derives, element by element,
/// with bincode 2 (`legacy`: bincode 1's layout): the reference blob's
/// decoder, and the oracle the tests and the `decode` fuzz target hold
/// [`proof`] to, message for message.
#[cfg(feature = "serde-decode")]
pub fn through_serde(bytes: &[u8]) -> Result<Proof, alloc::string::String> {
    use alloc::format;
    use bincode::error::DecodeError as Bincode;

    /// A slice reader that remembers how far it got, for the messages.
    struct Counted<'a> {
        bytes: &'a [u8],
        pos: usize,
    }

    impl bincode::de::read::Reader for Counted<'_> {
        fn read(&mut self, out: &mut [u8]) -> Result<(), Bincode> {
            let rest = &self.bytes[self.pos..];
            if rest.len() < out.len() {
                return Err(Bincode::UnexpectedEnd {
                    additional: out.len() - rest.len(),
                });
            }
            out.copy_from_slice(&rest[..out.len()]);
            self.pos += out.len();
            Ok(())
        }
    }

    let mut reader = Counted { bytes, pos: 0 };
    match bincode::serde::decode_from_reader(&mut reader, bincode::config::legacy()) {
        Ok(value) if reader.pos == bytes.len() => Ok(value),
        Ok(_) => Err(format!(
            "decode: {} trailing bytes after the proof at byte {}",
            bytes.len() - reader.pos,
            reader.pos
        )),
        Err(Bincode::UnexpectedEnd { .. }) => {
            Err(format!("decode: unexpected end at byte {}", bytes.len()))
        }
        Err(e) => Err(format!("decode: {e} at byte {}", reader.pos)),
    }
}
