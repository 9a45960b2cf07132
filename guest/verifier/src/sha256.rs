//! SHA-256 over the [`Kernels`] compression function: the buffering and
//! padding stay with the caller, the compression goes to the kernel.

use crate::field::RowField;
use crate::kernels::{counted, Hash, Kernels, Miscount};

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A running SHA-256 with upstream's transcript counter: a plain-data
/// layout (112 bytes, little-endian fields), so that a guest can hand it to
/// its host for [`Kernels::sha256_squeeze`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct State {
    pub h: [u32; 8],
    pub block: [u8; 64],
    /// Bytes of `block` in use, below 64.
    pub filled: u32,
    /// How many times [`State::squeeze`] ran.
    pub counter: u32,
    /// Bytes absorbed in all.
    pub len: u64,
}

impl Default for State {
    fn default() -> Self {
        Self {
            h: IV,
            block: [0; 64],
            filled: 0,
            counter: 0,
            len: 0,
        }
    }
}

impl State {
    /// Whether the fields are consistent (a host checks a guest's).
    pub fn is_sound(&self) -> bool {
        self.filled < 64
    }

    pub fn update(&mut self, kernels: &impl Kernels, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        let filled = self.filled as usize;
        if filled > 0 {
            let take = data.len().min(64 - filled);
            self.block[filled..filled + take].copy_from_slice(&data[..take]);
            data = &data[take..];
            if filled + take < 64 {
                self.filled += take as u32;
                return;
            }
            kernels.sha256_compress(&mut self.h, &self.block);
        }
        let whole = data.len() / 64 * 64;
        if whole > 0 {
            kernels.sha256_compress(&mut self.h, &data[..whole]);
        }
        let rest = &data[whole..];
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len() as u32;
    }

    /// The digest of everything so far; the state can go on absorbing.
    pub fn digest(&self, kernels: &impl Kernels) -> Hash {
        let filled = self.filled as usize;
        let mut h = self.h;
        let mut tail = [0u8; 128];
        tail[..filled].copy_from_slice(&self.block[..filled]);
        tail[filled] = 0x80;
        let end = if filled < 56 { 64 } else { 128 };
        tail[end - 8..end].copy_from_slice(&self.len.wrapping_mul(8).to_be_bytes());
        kernels.sha256_compress(&mut h, &tail[..end]);
        let mut out = [0; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(h) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }

    /// upstream's `squeeze_bytes` up to 32 bytes: absorb the counter, digest.
    pub fn squeeze(&mut self, kernels: &impl Kernels) -> Hash {
        let counter = self.counter;
        self.update(kernels, &counter.to_le_bytes());
        self.counter = counter.wrapping_add(1);
        self.digest(kernels)
    }
}

/// SHA-256 of `prefix` followed by `item`.
pub fn digest(kernels: &impl Kernels, prefix: &[u8], item: &[u8]) -> Hash {
    let mut s = State::default();
    s.update(kernels, prefix);
    s.update(kernels, item);
    s.digest(kernels)
}

/// upstream's `hash_row` of every row (all of one width), each row its
/// elements' little-endian bytes: SHA-256 of the row's length in elements
/// (u32 LE) and those bytes.
pub fn hash_rows<F: RowField>(
    kernels: &impl Kernels,
    rows: &[&[u8]],
) -> Result<alloc::vec::Vec<Hash>, Miscount> {
    let width = rows
        .first()
        .map_or(0, |r| r.len() / core::mem::size_of::<F>());
    let hashes = kernels.sha256_each(&(width as u32).to_le_bytes(), rows);
    counted("sha256_each", hashes, rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::Local;
    use alloc::{vec, vec::Vec};
    use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
    use sha2::Digest;

    #[test]
    fn digests_like_sha2_at_every_length_around_the_blocks() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            for split in [0, 1, len / 2, len.saturating_sub(1)] {
                let split = split.min(len);
                let want: [u8; 32] = sha2::Sha256::digest(&data[..len]).into();
                assert_eq!(
                    digest(&Local, &data[..split], &data[split..len]),
                    want,
                    "len {len} split {split}"
                );
            }
        }
    }

    #[test]
    fn rows_hash_as_upstream_hashes_them() {
        let row32: Vec<BinaryElem32> = (0..64u32)
            .map(|i| BinaryElem32::from(i.wrapping_mul(0x9e37_79b9)))
            .collect();
        let row128: Vec<BinaryElem128> = (0..16u128)
            .map(|i| BinaryElem128::from(i << 100 | i))
            .collect();
        let rows32 = [row32.clone(), row32.iter().rev().copied().collect()];
        let want32: Vec<Hash> = rows32
            .iter()
            .map(|r| ligerito::utils::hash_row(r))
            .collect();
        let bytes32: Vec<&[u8]> = rows32.iter().map(|r| bytemuck::cast_slice(r)).collect();
        assert_eq!(hash_rows::<BinaryElem32>(&Local, &bytes32), Ok(want32));
        assert_eq!(
            hash_rows::<BinaryElem128>(&Local, &[bytemuck::cast_slice(&row128)]),
            Ok(vec![ligerito::utils::hash_row(&row128)])
        );
        assert_eq!(
            hash_rows::<BinaryElem32>(&Local, &[&[]]),
            Ok(vec![ligerito::utils::hash_row::<BinaryElem32>(&[])])
        );
        assert_eq!(
            hash_rows::<BinaryElem32>(&crate::short::Short("sha256_each"), &bytes32),
            Err(Miscount {
                kernel: "sha256_each",
                got: 1,
                want: 2
            })
        );
    }
}
