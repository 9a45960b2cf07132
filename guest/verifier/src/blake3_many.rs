//! BLAKE3 of many messages of at most one block, equal to `blake3::hash`
//! of each. Such a message is one compression (its only chunk's first and
//! last block, and the root), so it needs none of `blake3::Hasher`'s set-up,
//! and whole 64-byte blocks go through the crate's `hash_many`, which
//! compresses 4, 8 or 16 at once on the SIMD lanes the CPU has. That entry
//! point is the crate's `platform` module, public but undocumented: hence
//! the exact version in Cargo.toml and the test against `blake3::hash`.

use crate::kernels::{blake3_batched, Hash};
use alloc::{vec, vec::Vec};
use blake3::platform::Platform;
use blake3::{IncrementCounter, BLOCK_LEN};

/// BLAKE3's IV (SHA-256's).
const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];
const CHUNK_START: u8 = 1 << 0;
const CHUNK_END: u8 = 1 << 1;
const ROOT: u8 = 1 << 3;

/// BLAKE3 of each `item_len`-byte item of `items` (`1 <= item_len <= 64`),
/// in batches where [`blake3_batched`] says so.
pub fn hash_each(items: &[u8], item_len: usize) -> Vec<Hash> {
    let platform = Platform::detect();
    if blake3_batched(item_len) {
        let blocks: Vec<&[u8; BLOCK_LEN]> = items
            .chunks_exact(BLOCK_LEN)
            .map(|b| b.try_into().expect("whole blocks"))
            .collect();
        let mut out = vec![[0; 32]; blocks.len()];
        platform.hash_many(
            &blocks,
            &IV,
            0,
            IncrementCounter::No,
            0,
            CHUNK_START,
            CHUNK_END | ROOT,
            out.as_flattened_mut(),
        );
        return out;
    }
    items
        .chunks_exact(item_len)
        .map(|item| {
            let mut block = [0; BLOCK_LEN];
            block[..item.len()].copy_from_slice(item);
            let mut cv = IV;
            platform.compress_in_place(
                &mut cv,
                &block,
                item.len() as u8,
                0,
                CHUNK_START | CHUNK_END | ROOT,
            );
            let mut hash = [0; 32];
            for (out, word) in hash.chunks_exact_mut(4).zip(cv) {
                out.copy_from_slice(&word.to_le_bytes());
            }
            hash
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_blake3_hash() {
        let bytes: Vec<u8> = (0..64 * 40u32).map(|i| (i * 131 + i / 7) as u8).collect();
        for item_len in 1..=BLOCK_LEN {
            // counts past every SIMD width, and their remainders
            for count in [0, 1, 3, 4, 7, 8, 15, 16, 17, 33, 40] {
                let items = &bytes[..item_len * count];
                let want: Vec<Hash> = items
                    .chunks_exact(item_len)
                    .map(|i| *blake3::hash(i).as_bytes())
                    .collect();
                assert_eq!(hash_each(items, item_len), want, "{count} x {item_len}");
            }
        }
    }
}
