//! upstream's `ligerito_merkle::verify_batch`, a layer at a time: each
//! layer's BLAKE3 node hashes go to the kernel in one batch.

use crate::kernels::{counted, Hash, Kernels, Miscount};
use alloc::vec::Vec;
use ligerito_merkle::MerkleRoot;

/// Whether `leaves` at the (sorted, distinct) `indices` open `root` of a
/// tree of depth `depth` with a batched proof's `siblings`, exactly as
/// upstream decides.
pub fn verify(
    kernels: &impl Kernels,
    root: &MerkleRoot,
    siblings: &[Hash],
    depth: usize,
    leaves: &[Hash],
    indices: &[usize],
) -> Result<bool, Miscount> {
    let Some(expected) = root.root else {
        return Ok(false);
    };
    if depth == 0 {
        return Ok(leaves.len() == 1
            && indices == [0]
            && leaf_hashes(kernels, leaves)? == [expected]);
    }
    if leaves.len() != indices.len() || leaves.is_empty() {
        // upstream indexes past the shorter one, or finds no root for none;
        // our callers never differ and never open nothing
        return Ok(false);
    }
    let layer = leaf_hashes(kernels, leaves)?;
    // The walk's shape depends only on the indices: plan every layer's
    // pairs first, then hash them all in one kernel call.
    let mut queries = indices.to_vec();
    let mut count = queries.len();
    let mut used = 0;
    let mut sibling = || {
        used += 1;
        SIBLING | (used - 1) as u32
    };
    let mut layers = Vec::with_capacity(depth);
    let mut plan = Vec::with_capacity(2 * count * depth);
    for _ in 0..depth {
        let mut next = 0;
        let mut i = 0;
        while i < count {
            let q = queries[i];
            queries[next] = q >> 1;
            next += 1;
            let pair = if i + 1 < count && q.is_multiple_of(2) && queries[i + 1] == q ^ 1 {
                i += 2;
                [i as u32 - 2, i as u32 - 1]
            } else {
                i += 1;
                let s = sibling();
                if q.is_multiple_of(2) {
                    [i as u32 - 1, s]
                } else {
                    [s, i as u32 - 1]
                }
            };
            plan.push(pair);
        }
        layers.push(next as u32);
        count = next;
    }
    // Upstream hashes a sibling the proof lacks as zeros and then refuses a
    // proof whose siblings are not exactly the walk's: so does this, before
    // any hashing.
    if used != siblings.len() {
        return Ok(false);
    }
    let top = kernels.blake3_tree(&layer, siblings, &layers, &plan);
    let top = counted("blake3_tree", top, count)?;
    Ok(count == 1 && top[0] == expected)
}

fn leaf_hashes(kernels: &impl Kernels, leaves: &[Hash]) -> Result<Vec<Hash>, Miscount> {
    let hashes = kernels.blake3_each(leaves.as_flattened(), 32);
    counted("blake3_each", hashes, leaves.len())
}

/// Marks a [`Kernels::blake3_tree`] reference to a sibling rather than to
/// a node of the layer below.
pub const SIBLING: u32 = 1 << 31;

/// [`Kernels::blake3_tree`]: the nodes of each layer, BLAKE3 of the pair
/// the plan names, from `leaves` up; `None` for a plan that names a node or
/// sibling that does not exist.
pub fn tree(
    kernels: &impl Kernels,
    leaves: &[Hash],
    siblings: &[Hash],
    layers: &[u32],
    plan: &[[u32; 2]],
) -> Option<Vec<Hash>> {
    let mut layer = leaves.to_vec();
    let mut pairs = Vec::new();
    let mut rest = plan;
    for &n in layers {
        let (this, more) = rest.split_at_checked(n as usize)?;
        rest = more;
        pairs.clear();
        for pair in this {
            for &r in pair {
                let node = if r & SIBLING != 0 {
                    siblings.get((r & !SIBLING) as usize)?
                } else {
                    layer.get(r as usize)?
                };
                pairs.extend_from_slice(node);
            }
        }
        layer = kernels.blake3_each(&pairs, 64);
    }
    rest.is_empty().then_some(layer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::Local;
    use alloc::vec;

    fn full_tree(depth: usize) -> ligerito_merkle::CompleteMerkleTree {
        let leaves: Vec<Hash> = (0..1u32 << depth)
            .map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes())
            .collect();
        ligerito_merkle::build_merkle_tree(&leaves)
    }

    /// Every subset of queries of small trees, honest and with each sibling
    /// or leaf flipped, dropped or added: the same verdict as upstream's.
    #[test]
    fn refuses_plans_that_name_what_does_not_exist() {
        let leaves = [[1; 32], [2; 32]];
        let siblings = [[3; 32]];
        assert!(tree(&Local, &leaves, &siblings, &[1], &[[0, 1]]).is_some());
        assert!(tree(&Local, &leaves, &siblings, &[1], &[[0, 2]]).is_none());
        assert!(tree(&Local, &leaves, &siblings, &[1], &[[0, SIBLING | 1]]).is_none());
        assert!(tree(&Local, &leaves, &siblings, &[2], &[[0, 1]]).is_none());
        assert!(tree(&Local, &leaves, &siblings, &[1], &[[0, 1], [0, 1]]).is_none());
    }

    #[test]
    fn refuses_short_hash_batches() {
        let t = full_tree(4);
        let queries = [1, 6, 7, 12];
        let leaves: Vec<Hash> = queries
            .iter()
            .map(|&q| *blake3::hash(&(q as u32).to_le_bytes()).as_bytes())
            .collect();
        let proof = ligerito_merkle::prove_batch(&t, &queries);
        let root = t.get_root();
        for (kernel, got, want) in [("blake3_each", 3, 4), ("blake3_tree", 0, 1)] {
            let short = crate::short::Short(kernel);
            assert_eq!(
                verify(&short, &root, &proof.siblings, 4, &leaves, &queries),
                Err(Miscount { kernel, got, want })
            );
        }
        assert_eq!(
            verify(&Local, &root, &proof.siblings, 4, &leaves, &queries),
            Ok(true)
        );
    }

    #[test]
    fn decides_as_upstream_does() {
        let mut rng = crate::testing::Rng(0xd1b5_4a32_d192_ed03);
        for depth in 0..6 {
            let t = full_tree(depth);
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
                        verify(&Local, &r, &p.siblings, depth, &l, &queries),
                        Ok(ligerito_merkle::verify(&r, &p, depth, &l, &queries)),
                        "depth {depth} queries {queries:?}"
                    );
                }
            }
        }
    }
}
