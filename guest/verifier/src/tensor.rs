//! `⟨y, ⊗_j (1, A_j(p))⟩` at many points `p` at once.
//!
//! Upstream's verifier computes each such inner product on its own: `|y| - 1`
//! multiplications per point, for every opened row, twice (the folded basis
//! against `yr`, and each final row against `Enc(yr)`). Here every `A_j` is
//! GF(2)-linear in the point's bits and blind to its bits below `j + from`
//! (they are subspace polynomials, which vanish on the lower basis vectors),
//! so points that agree above bit `j + from` share the first steps: an
//! additive-FFT-style descent evaluates all points with the shared prefixes
//! computed once, about `|y| · log(#points)` multiplications in all.

use crate::gf128::Mul;
use alloc::{vec, vec::Vec};

/// One batch: `⟨y, ⊗_j (1, A_{from+j}(p))⟩` for every `p` in `points`.
#[derive(Clone, Copy)]
pub struct Tensor<'a> {
    /// `2^n` coefficients.
    pub y: &'a [u128],
    /// `A_{from+j}(2^m)` at `images[j * width + m]` for `j < n`, `m < width`:
    /// the maps by their images of the point's unit vectors.
    pub images: &'a [u128],
    pub width: usize,
    /// The factor offset: `A_{from+j}` ignores the point's bits below `from + j`.
    pub from: usize,
    pub points: &'a [u32],
}

impl Tensor<'_> {
    /// `n`, when the parts fit together: `y` has `2^n` entries and `images`
    /// `n` rows of `width`.
    pub fn factors(&self) -> Option<usize> {
        let n = self.y.len().checked_ilog2()? as usize;
        (self.y.len() == 1 << n && Some(self.images.len()) == n.checked_mul(self.width))
            .then_some(n)
    }

    /// `A_{from+j}(p)`: the images of `p`'s set bits from `from + j` up
    /// (bits at or past `width` have no image and count as zero).
    pub fn at(&self, j: usize, p: u32) -> u128 {
        image(
            &self.images[j * self.width..(j + 1) * self.width],
            self.from + j,
            p,
        )
    }

    /// How many products [`eval_many`] takes: `Σ_j 2^j ·` (distinct
    /// `p >> (from + j)`), which a host charges for before running it.
    pub fn products(&self, n: usize) -> u64 {
        let mut sorted = self.points.to_vec();
        sorted.sort_unstable();
        (0..n)
            .map(|j| {
                let shift = self.from + j;
                let key = |p: u32| p.checked_shr(shift as u32).unwrap_or(0);
                let mut distinct = 0u64;
                let mut last = None;
                for &p in &sorted {
                    if last != Some(key(p)) {
                        distinct += 1;
                        last = Some(key(p));
                    }
                }
                distinct << j
            })
            .sum()
    }
}

/// `A(p)` for the map with images `row` of the unit vectors, blind to the
/// point's bits below `from` (and with none for bits past `row`).
pub fn image(row: &[u128], from: usize, p: u32) -> u128 {
    let mut acc = 0;
    let mut bits = p & u32::MAX.checked_shl(from as u32).unwrap_or(0);
    while bits != 0 {
        let Some(&image) = row.get(bits.trailing_zeros() as usize) else {
            break;
        };
        acc ^= image;
        bits &= bits - 1;
    }
    acc
}

/// The batch's values, in the order of `t.points`; `None` when its parts do
/// not fit together (see [`Tensor::factors`]).
pub fn eval_many<M: Mul>(m: M, t: &Tensor<'_>) -> Option<Vec<u128>> {
    let n = t.factors()?;
    let shifted = |k: usize, shift: usize| t.points[k].checked_shr(shift as u32).unwrap_or(0);
    let mut order: Vec<usize> = (0..t.points.len()).collect();
    order.sort_unstable_by_key(|&k| shifted(k, t.from));
    let mut scratch: Vec<Vec<u128>> = (0..n).map(|j| vec![0; 1 << j]).collect();
    let mut out = vec![0; t.points.len()];
    descend(m, t, t.y, &order, &mut scratch, &mut out);
    Some(out)
}

/// `h` has `2^(j+1)` coefficients over factors `0..=j`; every point in
/// `group` agrees on its bits above `from + j`, except at the top, where
/// `group` is every point.
fn descend<M: Mul>(
    m: M,
    t: &Tensor<'_>,
    h: &[u128],
    group: &[usize],
    scratch: &mut [Vec<u128>],
    out: &mut [u128],
) {
    if h.len() == 1 {
        for &k in group {
            out[k] = h[0];
        }
        return;
    }
    let half = h.len() / 2;
    let j = scratch.len() - 1;
    let shift = (t.from + j) as u32;
    let key = |k: usize| t.points[k].checked_shr(shift).unwrap_or(0);
    let (lower, this) = scratch.split_at_mut(j);
    let child = &mut this[0];
    // `group` is sorted, so each value of the point's bits from `from + j`
    // up (which fix `A_{from+j}`) is one run.
    let mut rest = group;
    while let Some(&first) = rest.first() {
        let run = rest.partition_point(|&k| key(k) == key(first));
        let c = m.by(t.at(j, t.points[first]), half);
        m.mul_add_into(&c, &h[..half], &h[half..], child);
        descend(m, t, child, &rest[..run], lower, out);
        rest = &rest[run..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gf128::{mul, Soft};

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
        for (n, width, from) in [(1, 3, 0), (4, 6, 1), (5, 9, 2), (6, 10, 4), (7, 12, 0)] {
            let images: Vec<u128> = (0..n * width)
                .map(|i| {
                    if i % width < i / width + from {
                        0
                    } else {
                        next()
                    }
                })
                .collect();
            let y: Vec<u128> = (0..1 << n).map(|_| next()).collect();
            let points: Vec<u32> = (0..40).map(|_| (next() % (1 << width)) as u32).collect();
            let t = Tensor {
                y: &y,
                images: &images,
                width,
                from,
                points: &points,
            };
            let got = eval_many(Soft, &t).unwrap();
            let mut products = 0;
            for (&p, g) in points.iter().zip(&got) {
                let a: Vec<u128> = (0..n).map(|j| t.at(j, p)).collect();
                assert_eq!(*g, direct(&y, &a), "n {n} point {p}");
                products += (1 << n) - 1;
            }
            assert!(t.products(n) <= products);
            #[cfg(target_arch = "x86_64")]
            if let Some(c) = crate::gf128::Clmul::detect() {
                assert_eq!(eval_many(c, &t).unwrap(), got);
            }
        }
    }

    #[test]
    fn refuses_parts_that_do_not_fit() {
        let y = [1u128; 4];
        let images = [1u128; 5];
        let t = Tensor {
            y: &y,
            images: &images,
            width: 3,
            from: 0,
            points: &[1, 2],
        };
        assert!(eval_many(Soft, &t).is_none());
        let t = Tensor {
            y: &y[..3],
            images: &images[..3],
            width: 3,
            from: 0,
            points: &[],
        };
        assert!(eval_many(Soft, &t).is_none());
    }
}
