//! `⟨y, ⊗_j (1, A_j(p))⟩` at many points `p` at once.
//!
//! Upstream's verifier computes each such inner product on its own: `|y| - 1`
//! multiplications per point, for every opened row, twice (the folded basis
//! against `yr`, and each final row against `Enc(yr)`). Here every `A_j` is
//! GF(2)-linear in the point's bits and blind to its bits below `j + shift`
//! (they are subspace polynomials, which vanish on the lower basis vectors),
//! so points that agree above bit `j + shift` share the first steps: an
//! additive-FFT-style descent evaluates all points with the shared prefixes
//! computed once, about `|y| · log(#points)` multiplications in all.

use crate::gf128::{mul, MulTable};
use alloc::{vec, vec::Vec};

/// From how many products by one element a [`MulTable`] pays off (measured
/// in gas: the table costs about a dozen plain products to build).
pub const TABLE_FROM: usize = 32;

/// The linear maps `A_0..A_{n-1}` by their images of the point's unit
/// vectors: `images[j][m] = A_j(2^m)`, zero for `m < j + shift`.
pub struct Linear {
    pub images: Vec<Vec<u128>>,
    pub shift: usize,
}

impl Linear {
    /// `A_j(p)`: the images of `p`'s set bits, added up.
    pub fn at(&self, j: usize, p: usize) -> u128 {
        let mut acc = 0;
        let mut bits = p >> (j + self.shift);
        let mut m = j + self.shift;
        while bits != 0 {
            if bits & 1 == 1 {
                acc ^= self.images[j][m];
            }
            bits >>= 1;
            m += 1;
        }
        acc
    }
}

/// `⟨y, ⊗_j (1, A_{from+j}(p))⟩` for every `p` in `points`, in order.
/// `y.len()` must be `2^(n - from)` for `n = lin.images.len()`.
pub fn eval_many(y: &[u128], lin: &Linear, from: usize, points: &[usize]) -> Vec<u128> {
    let n = lin.images.len() - from;
    debug_assert_eq!(y.len(), 1 << n);
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_unstable_by_key(|&k| points[k] >> (lin.shift + from));
    let mut scratch: Vec<Vec<u128>> = (0..n).map(|j| vec![0; 1 << j]).collect();
    let mut out = vec![0; points.len()];
    let ctx = Descent { lin, from, points };
    ctx.descend(y, &order, &mut scratch, &mut out);
    out
}

struct Descent<'a> {
    lin: &'a Linear,
    from: usize,
    points: &'a [usize],
}

impl Descent<'_> {
    /// `h` has `2^(j+1)` coefficients over factors `0..=j`; every point in
    /// `group` agrees on its bits above `j` (relative to the factor offset),
    /// except at the top, where `group` is every point.
    fn descend(&self, h: &[u128], group: &[usize], scratch: &mut [Vec<u128>], out: &mut [u128]) {
        if h.len() == 1 {
            for &k in group {
                out[k] = h[0];
            }
            return;
        }
        let half = h.len() / 2;
        let j = scratch.len() - 1;
        let shift = self.lin.shift + self.from + j;
        let (lower, this) = scratch.split_at_mut(j);
        let child = &mut this[0];
        // `group` is sorted, so each value of the point's bits from `j` up
        // (which fix `A_j`) is one run.
        let mut rest = group;
        while let Some(&first) = rest.first() {
            let key = self.points[first] >> shift;
            let run = rest.partition_point(|&k| self.points[k] >> shift == key);
            let c = self.lin.at(self.from + j, self.points[first]);
            if half >= TABLE_FROM {
                let c = MulTable::new(c);
                for i in 0..half {
                    child[i] = h[i] ^ c.mul(h[half + i]);
                }
            } else {
                for i in 0..half {
                    child[i] = h[i] ^ mul(c, h[half + i]);
                }
            }
            self.descend(child, &rest[..run], lower, out);
            rest = &rest[run..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gf128::mul;

    /// Upstream's `tensor_inner`, directly.
    fn direct(y: &[u128], a: &[u128]) -> u128 {
        let mut cur = y.to_vec();
        for &aj in a {
            cur = cur.chunks_exact(2).map(|p| p[0] ^ mul(aj, p[1])).collect();
        }
        cur[0]
    }

    #[test]
    fn agrees_with_one_point_at_a_time() {
        let mut rng = crate::testing::Rng(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.u128();
        for (n, width, shift) in [(1, 3, 0), (4, 6, 0), (5, 9, 2), (6, 10, 4)] {
            let from = 1;
            let images: Vec<Vec<u128>> = (0..n + from)
                .map(|j| {
                    (0..width)
                        .map(|m| if m < j + shift { 0 } else { next() })
                        .collect()
                })
                .collect();
            let lin = Linear { images, shift };
            let y: Vec<u128> = (0..1 << n).map(|_| next()).collect();
            let points: Vec<usize> = (0..40).map(|_| next() as usize % (1 << width)).collect();
            let got = eval_many(&y, &lin, from, &points);
            for (&p, g) in points.iter().zip(got) {
                let a: Vec<u128> = (from..n + from).map(|j| lin.at(j, p)).collect();
                assert_eq!(g, direct(&y, &a), "n {n} point {p}");
            }
        }
    }
}
