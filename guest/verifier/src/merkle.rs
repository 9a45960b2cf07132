//! upstream's `ligerito_merkle::verify_batch`, a layer at a time: each
//! layer's BLAKE3 node hashes go to the kernel in one batch.

use crate::kernels::{Hash, Kernels};
use alloc::vec::Vec;
use ligerito_merkle::{BatchedMerkleProof, MerkleRoot};

/// Whether `leaves` at the (sorted, distinct) `indices` open `root` of a
/// tree of depth `depth` with `proof`'s siblings, exactly as upstream decides.
pub fn verify(
    kernels: &impl Kernels,
    root: &MerkleRoot,
    proof: &BatchedMerkleProof,
    depth: usize,
    leaves: &[Hash],
    indices: &[usize],
) -> bool {
    let Some(expected) = root.root else {
        return false;
    };
    let leaf_bytes = leaves.as_flattened();
    if depth == 0 {
        return leaves.len() == 1
            && indices == [0]
            && kernels.blake3_each(leaf_bytes, 32)[0] == expected;
    }
    if leaves.len() != indices.len() {
        // upstream indexes past the shorter one; our callers never differ
        return false;
    }
    let mut layer = kernels.blake3_each(leaf_bytes, 32);
    let mut queries = indices.to_vec();
    let mut count = queries.len();
    let mut used = 0;
    let mut sibling = || {
        used += 1;
        proof.siblings.get(used - 1).copied().unwrap_or_default()
    };
    let mut pairs = Vec::with_capacity(64 * count);
    for _ in 0..depth {
        pairs.clear();
        let mut next = 0;
        let mut i = 0;
        while i < count {
            let q = queries[i];
            queries[next] = q >> 1;
            next += 1;
            let (left, right) = if i + 1 < count && q.is_multiple_of(2) && queries[i + 1] == q ^ 1 {
                i += 2;
                (layer[i - 2], layer[i - 1])
            } else {
                i += 1;
                let s = sibling();
                if !q.is_multiple_of(2) {
                    (s, layer[i - 1])
                } else {
                    (layer[i - 1], s)
                }
            };
            pairs.extend_from_slice(&left);
            pairs.extend_from_slice(&right);
        }
        layer = kernels.blake3_each(&pairs, 64);
        count = next;
    }
    count == 1 && used == proof.siblings.len() && layer[0] == expected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::Local;
    use alloc::vec;

    fn tree(depth: usize) -> ligerito_merkle::CompleteMerkleTree {
        let leaves: Vec<Hash> = (0..1u32 << depth)
            .map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes())
            .collect();
        ligerito_merkle::build_merkle_tree(&leaves)
    }

    /// Every subset of queries of small trees, honest and with each sibling
    /// or leaf flipped, dropped or added: the same verdict as upstream's.
    #[test]
    fn decides_as_upstream_does() {
        let mut rng = crate::testing::Rng(0xd1b5_4a32_d192_ed03);
        for depth in 0..6 {
            let t = tree(depth);
            let root = t.get_root();
            let n = 1usize << depth;
            for _ in 0..60 {
                let mut queries: Vec<usize> =
                    (0..n).filter(|_| rng.u128().is_multiple_of(3)).collect();
                if queries.is_empty() {
                    queries.push(0);
                }
                let leaves: Vec<Hash> = queries.iter().map(|&q| t.layers[0][q]).collect();
                let proof = ligerito_merkle::prove_batch(&t, &queries);
                let mut cases = vec![(proof.clone(), leaves.clone(), root.clone())];
                for k in 0..proof.siblings.len() {
                    let mut p = proof.clone();
                    p.siblings[k][(rng.u128() % 32) as usize] ^= 1;
                    cases.push((p, leaves.clone(), root.clone()));
                }
                let mut p = proof.clone();
                p.siblings.pop();
                cases.push((p, leaves.clone(), root.clone()));
                let mut p = proof.clone();
                p.siblings.push([7; 32]);
                cases.push((p, leaves.clone(), root.clone()));
                let mut l = leaves.clone();
                l[0][0] ^= 0x80;
                cases.push((proof.clone(), l, root.clone()));
                cases.push((proof.clone(), leaves.clone(), MerkleRoot { root: None }));
                for (p, l, r) in cases {
                    assert_eq!(
                        verify(&Local, &r, &p, depth, &l, &queries),
                        ligerito_merkle::verify(&r, &p, depth, &l, &queries),
                        "depth {depth} queries {queries:?}"
                    );
                }
            }
        }
    }
}
