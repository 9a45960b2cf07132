//! upstream's SHA-256 Fiat-Shamir transcript as `FiatShamir::new_sha256`
//! makes it (domain-separated absorbs), over the [`Kernels`] compression.

use crate::kernels::{counted, Hash, Kernels, Miscount};
use crate::sha256::State;
use alloc::{vec, vec::Vec};
use ligerito_merkle::MerkleRoot;

pub struct Transcript<'k, K> {
    kernels: &'k K,
    state: State,
}

impl<'k, K: Kernels> Transcript<'k, K> {
    pub fn new(kernels: &'k K, seed: i32) -> Self {
        let mut state = State::default();
        state.update(kernels, &seed.to_le_bytes());
        Self { kernels, state }
    }

    fn absorb_labelled(&mut self, label: &[u8], data: &[u8]) {
        self.state.update(self.kernels, label);
        self.state
            .update(self.kernels, &(data.len() as u64).to_le_bytes());
        self.state.update(self.kernels, data);
    }

    pub fn absorb_root(&mut self, root: &MerkleRoot) {
        if let Some(hash) = &root.root {
            self.absorb_labelled(b"merkle_root", hash);
        }
    }

    /// GF(2^128) elements, as their little-endian bytes.
    pub fn absorb_elems(&mut self, elems: &[u128]) {
        self.absorb_labelled(b"field_elements", bytemuck::cast_slice(elems));
    }

    pub fn absorb_elem(&mut self, elem: u128) {
        self.absorb_labelled(b"field_element", &elem.to_le_bytes());
    }

    pub fn absorb_bytes(&mut self, label: &[u8], data: &[u8]) {
        self.absorb_labelled(label, data);
    }

    fn squeeze(&mut self, count: usize) -> Result<Vec<Hash>, Miscount> {
        let digests = self.kernels.sha256_squeeze(&mut self.state, count);
        counted("sha256_squeeze", digests, count)
    }

    /// A GF(2^128) challenge.
    pub fn challenge(&mut self) -> Result<u128, Miscount> {
        let d = self.squeeze(1)?[0];
        Ok(u128::from_le_bytes(
            d[..16].try_into().expect("16 of 32 bytes"),
        ))
    }

    /// `min(count, max)` distinct indices below `max`, sorted. Upstream
    /// draws one query at a time until it has `count` distinct ones; as many
    /// as are still missing can all be drawn at once, since each is needed
    /// even if none repeats.
    pub fn distinct_queries(&mut self, max: usize, count: usize) -> Result<Vec<usize>, Miscount> {
        let count = count.min(max);
        let mut queries = Vec::with_capacity(count);
        // The indices so far as an open-addressed set: scanning them all for
        // each new one was 2.5% of a verification's gas.
        let bits = (2 * count).max(2).next_power_of_two().trailing_zeros();
        let mut seen = vec![usize::MAX; 1 << bits];
        while queries.len() < count {
            for d in self.squeeze(count - queries.len())? {
                let q =
                    u64::from_le_bytes(d[..8].try_into().expect("8 of 32 bytes")) as usize % max;
                let mut slot =
                    ((q as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize;
                while seen[slot] != q && seen[slot] != usize::MAX {
                    slot = (slot + 1) & (seen.len() - 1);
                }
                if seen[slot] == usize::MAX {
                    seen[slot] = q;
                    queries.push(q);
                }
            }
        }
        queries.sort_unstable();
        Ok(queries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::value;
    use crate::kernels::Local;
    use ligerito::transcript::{FiatShamir, Transcript as _};
    use ligerito_binary_fields::BinaryElem128;

    #[test]
    fn draws_what_upstream_draws() {
        let mut ours = Transcript::new(&Local, 0);
        let mut theirs = FiatShamir::new_sha256(0);
        let root = MerkleRoot {
            root: Some([9; 32]),
        };
        let elems: Vec<u128> = (0..37u128)
            .map(|i| (i * 0x1234_5678_9abc_def1_u128) << 3)
            .collect();
        for round in 0..6 {
            ours.absorb_bytes(b"label", &[round as u8; 70][..round * 13]);
            theirs.absorb_bytes(b"label", &[round as u8; 70][..round * 13]);
            ours.absorb_root(&root);
            theirs.absorb_root(&root);
            ours.absorb_root(&MerkleRoot { root: None });
            theirs.absorb_root(&MerkleRoot { root: None });
            ours.absorb_elem(elems[round]);
            theirs.absorb_elem(BinaryElem128::from_value(elems[round]));
            ours.absorb_elems(&elems[..round * 7]);
            let upstream: Vec<BinaryElem128> = elems[..round * 7]
                .iter()
                .map(|&e| BinaryElem128::from_value(e))
                .collect();
            theirs.absorb_elems(&upstream);
            assert_eq!(
                ours.challenge(),
                Ok(value(theirs.get_challenge::<BinaryElem128>()))
            );
            let max = [1, 2, 148, 1 << 12, 1 << 22, 3][round];
            assert_eq!(
                ours.distinct_queries(max, 148),
                Ok(theirs.get_distinct_queries(max, 148))
            );
        }
    }

    /// A value too few would otherwise panic (one challenge) or draw other
    /// queries than upstream's.
    #[test]
    fn refuses_short_squeezes() {
        let short = crate::short::Short("sha256_squeeze");
        let mut fs = Transcript::new(&short, 0);
        let miscount = |got, want| Miscount {
            kernel: "sha256_squeeze",
            got,
            want,
        };
        assert_eq!(fs.challenge(), Err(miscount(0, 1)));
        assert_eq!(fs.distinct_queries(1 << 12, 148), Err(miscount(147, 148)));
    }
}
