//! What the verifier needs of the two row fields: GF(2^32) (the committed
//! polynomial's) and GF(2^128) (the recursive rounds'), both worked in as
//! GF(2^128) values (`u128`, upstream's bit layout), GF(2^32) through its
//! field embedding φ.

use crate::gf128::{mul, square, Mul};
use crate::gf32;
use crate::kernels::Kernels;
use alloc::vec::Vec;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32, BinaryFieldElement};

pub fn value(e: BinaryElem128) -> u128 {
    e.poly().value()
}

pub trait RowField: BinaryFieldElement + bytemuck::Pod {
    /// The first fold by `r`, prepared for many pairs.
    type First<M: Mul>;

    /// φ(self).
    fn embed(self) -> u128;

    fn first<M: Mul>(m: M, r: u128, uses: usize) -> Self::First<M>;

    /// `φ(lo) + r·φ(hi + lo)` for the `r` of `first`.
    fn fold_pair<M: Mul>(m: M, first: &Self::First<M>, lo: Self, hi: Self) -> u128;

    /// The subspace polynomials `s_0..s_{log_m - 1}` of the code with
    /// message length `2^log_m` over this field, at the unit vectors
    /// `from_bits(2^m)` for `m < width`, in GF(2^128): `s_j(2^m)` at
    /// `j * width + m`. Upstream evaluates `s_j(from_bits(q))`, which is
    /// GF(2)-linear in `q`.
    fn subspace_images(log_m: usize, width: usize) -> Vec<u128>;

    /// [`Dots`] of these rows (each its elements' little-endian bytes), by
    /// the kernel for this field.
    fn dots(k: &impl Kernels, rows: &[&[u8]], rs: &[u128]) -> Vec<u128>;

    /// The element whose little-endian bytes are `bytes` (its size).
    fn read(bytes: &[u8]) -> Self {
        bytemuck::pod_read_unaligned(bytes)
    }
}

/// `s_0(x) = x`, `s_j(x) = s_{j-1}(x)^2 + s_{j-1}(v_{j-1}) · s_{j-1}(x)`
/// with `v_j = from_bits(2^j)`: upstream's `eval_sk_at_vks` and
/// `subspace_evals`, evaluated at every unit vector at once.
fn subspace<E: Copy + core::ops::BitXor<Output = E>>(
    units: Vec<E>,
    log_m: usize,
    mul: impl Fn(E, E) -> E,
    square: impl Fn(E) -> E,
) -> Vec<Vec<E>> {
    let mut images: Vec<Vec<E>> = Vec::with_capacity(log_m);
    let mut s = units;
    for j in 0..log_m {
        if j > 0 {
            let prev = &images[j - 1];
            let at_v = prev[j - 1];
            s = prev.iter().map(|&p| square(p) ^ mul(at_v, p)).collect();
        }
        images.push(s.clone());
    }
    images
}

/// Byte tables of the GF(2)-linear map `t ↦ c·φ(t)` on GF(2^32).
pub struct Embed([[u128; 256]; 4]);

impl Embed {
    fn new(f: impl Fn(usize) -> u128) -> Self {
        let mut tables = [[0; 256]; 4];
        for (k, table) in tables.iter_mut().enumerate() {
            let bits: Vec<u128> = (0..8).map(|b| f(8 * k + b)).collect();
            for v in 1..256usize {
                let top = 31 - (v as u32).leading_zeros() as usize;
                table[v] = table[v ^ (1 << top)] ^ bits[top];
            }
        }
        Self(tables)
    }

    #[inline(always)]
    fn apply(&self, t: u32) -> u128 {
        self.0[0][(t & 0xff) as usize]
            ^ self.0[1][((t >> 8) & 0xff) as usize]
            ^ self.0[2][((t >> 16) & 0xff) as usize]
            ^ self.0[3][(t >> 24) as usize]
    }
}

/// φ(x^b), the embedding of GF(2^32)'s basis element `b`.
fn embed_bit(b: usize) -> u128 {
    value(BinaryElem128::from(BinaryElem32::from(1u32 << b)))
}

impl RowField for BinaryElem32 {
    /// φ and r·φ: r·φ(t) is GF(2)-linear in t's bits.
    type First<M: Mul> = (Embed, Embed);

    fn embed(self) -> u128 {
        value(BinaryElem128::from(self))
    }

    fn first<M: Mul>(m: M, r: u128, _uses: usize) -> (Embed, Embed) {
        (
            Embed::new(embed_bit),
            Embed::new(|b| m.mul(r, embed_bit(b))),
        )
    }

    #[inline(always)]
    fn fold_pair<M: Mul>(_m: M, (phi, r_phi): &(Embed, Embed), lo: Self, hi: Self) -> u128 {
        let (lo, hi) = (lo.poly().value(), hi.poly().value());
        phi.apply(lo) ^ r_phi.apply(hi ^ lo)
    }

    fn subspace_images(log_m: usize, width: usize) -> Vec<u128> {
        // from_bits(2^m) is x^m (upstream builds it from 64 products)
        let units = (0..width).map(|m| 1u32 << m).collect();
        subspace(units, log_m, gf32::mul, gf32::square)
            .into_iter()
            .flatten()
            .map(|e| Self::from(e).embed())
            .collect()
    }

    fn dots(k: &impl Kernels, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        k.dots32(rows, rs)
    }
}

impl RowField for BinaryElem128 {
    type First<M: Mul> = M::By;

    fn embed(self) -> u128 {
        value(self)
    }

    fn first<M: Mul>(m: M, r: u128, uses: usize) -> M::By {
        m.by(r, uses)
    }

    #[inline(always)]
    fn fold_pair<M: Mul>(m: M, r: &M::By, lo: Self, hi: Self) -> u128 {
        let (lo, hi) = (value(lo), value(hi));
        lo ^ m.mul_by(r, hi ^ lo)
    }

    fn subspace_images(log_m: usize, width: usize) -> Vec<u128> {
        // from_bits(2^m) is x^m (upstream builds it from 64 products)
        let units = (0..width).map(|m| 1u128 << m).collect();
        subspace(units, log_m, mul, square)
            .into_iter()
            .flatten()
            .collect()
    }

    fn dots(k: &impl Kernels, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        k.dots128(rows, rs)
    }
}

/// upstream's `tensorized_dot_product(row, rs)` for rows of one width,
/// prepared once: `⟨row, ⊗_j (1 + r_j, r_j)⟩`, binding the lowest variable
/// first.
pub struct Dots<M: Mul, F: RowField> {
    m: M,
    first: Option<F::First<M>>,
    rest: Vec<M::By>,
}

impl<M: Mul, F: RowField> Dots<M, F> {
    /// For `rows` rows of `width` elements.
    pub fn new(m: M, rs: &[u128], rows: usize, width: usize) -> Self {
        let uses = |fold: usize| rows.saturating_mul(width >> (fold + 1));
        Self {
            m,
            first: rs.first().map(|&r| F::first(m, r, uses(0))),
            rest: rs
                .iter()
                .enumerate()
                .skip(1)
                .map(|(fold, &r)| m.by(r, uses(fold)))
                .collect(),
        }
    }

    /// The dot product of one row, its elements' little-endian bytes.
    pub fn row(&self, row: &[u8]) -> u128 {
        let size = core::mem::size_of::<F>();
        let Some(first) = &self.first else {
            return row.get(..size).map_or(0, |x| F::read(x).embed());
        };
        let mut cur: Vec<u128> = row
            .chunks_exact(2 * size)
            .map(|p| F::fold_pair(self.m, first, F::read(&p[..size]), F::read(&p[size..])))
            .collect();
        for r in &self.rest {
            let half = cur.len() / 2;
            for i in 0..half {
                let (lo, hi) = (cur[2 * i], cur[2 * i + 1]);
                cur[i] = lo ^ self.m.mul_by(r, hi ^ lo);
            }
            cur.truncate(half);
        }
        cur.first().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gf128::Soft;

    /// [`Dots`] of every row.
    fn dots<M: Mul, F: RowField>(m: M, rows: &[Vec<F>], rs: &[u128]) -> Vec<u128> {
        let width = rows.first().map_or(0, Vec::len);
        let d = Dots::<M, F>::new(m, rs, rows.len(), width);
        rows.iter()
            .map(|row| d.row(bytemuck::cast_slice(row)))
            .collect()
    }
    use ligerito::sumcheck_polys::tensorized_dot_product;
    use ligerito::utils::eval_sk_at_vks;

    fn upstream_subspace<F: BinaryFieldElement>(x: F, k: usize, sks_vks: &[F]) -> Vec<F> {
        let mut s = vec![x];
        for j in 1..k {
            let p = s[j - 1];
            s.push(p.mul(&p).add(&sks_vks[j - 1].mul(&p)));
        }
        s
    }

    fn check_images<F: RowField>(log_m: usize) {
        let width = log_m + 2;
        let images = F::subspace_images(log_m, width);
        let sks_vks: Vec<F> = eval_sk_at_vks(1 << log_m);
        for q in [
            0usize,
            1,
            5,
            (1 << width) - 1,
            0b1011_0110_1101 % (1 << width),
        ] {
            let want = upstream_subspace(F::from_bits(q as u64), log_m, &sks_vks);
            for (j, w) in want.into_iter().enumerate() {
                let got = (0..width)
                    .filter(|m| q >> m & 1 == 1)
                    .fold(0, |acc, m| acc ^ images[j * width + m]);
                assert_eq!(got, w.embed(), "log_m {log_m} q {q} j {j}");
            }
        }
        // the tensor kernel relies on s_j vanishing on the lower unit vectors
        for (j, row) in images.chunks(width).enumerate() {
            assert!(
                row[..j].iter().all(|&v| v == 0),
                "s_{j} at a lower unit vector"
            );
        }
    }

    #[test]
    fn subspace_images_are_upstreams_subspace_polynomials() {
        // every initial_dim and log_dims entry of the supported sizes
        for log_m in 6..=23 {
            check_images::<BinaryElem32>(log_m);
            check_images::<BinaryElem128>(log_m);
        }
    }

    #[test]
    fn dots_are_upstreams_tensorized_dot_products() {
        let rows32: Vec<Vec<BinaryElem32>> = (0..5u32)
            .map(|k| {
                (0..64u32)
                    .map(|i| BinaryElem32::from(i.wrapping_mul(0x9e37_79b9) ^ k))
                    .collect()
            })
            .collect();
        let rows128: Vec<Vec<BinaryElem128>> = (0..5u128)
            .map(|k| {
                (0..16u128)
                    .map(|i| BinaryElem128::from(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (k << 90)))
                    .collect()
            })
            .collect();
        let rs: Vec<BinaryElem128> = (1..7u128)
            .map(|i| BinaryElem128::from(((i * 0x1234_5678_9abc_def1) << 40) | i))
            .collect();
        let rs_values: Vec<u128> = rs.iter().map(|&r| value(r)).collect();
        let want32: Vec<u128> = rows32
            .iter()
            .map(|row| value(tensorized_dot_product(row, &rs)))
            .collect();
        let want128: Vec<u128> = rows128
            .iter()
            .map(|row| value(tensorized_dot_product(row, &rs[..4])))
            .collect();
        assert_eq!(dots(Soft, &rows32, &rs_values), want32);
        assert_eq!(dots(Soft, &rows128, &rs_values[..4]), want128);
        #[cfg(target_arch = "x86_64")]
        if let Some(c) = crate::gf128::Clmul::detect() {
            assert_eq!(dots(c, &rows32, &rs_values), want32);
            assert_eq!(dots(c, &rows128, &rs_values[..4]), want128);
        }
    }
}
