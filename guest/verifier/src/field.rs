//! What the verifier needs of the two row fields: GF(2^32) (the committed
//! polynomial's) and GF(2^128) (the recursive rounds'), both worked in as
//! GF(2^128) values (`u128`, upstream's bit layout), GF(2^32) through its
//! field embedding φ.

use crate::gf128::{mul, MulTable};
use alloc::vec::Vec;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32, BinaryFieldElement};
use sha2::{Digest, Sha256};

pub fn value(e: BinaryElem128) -> u128 {
    e.poly().value()
}

pub trait RowField: BinaryFieldElement {
    /// φ(self).
    fn embed(self) -> u128;

    /// The element's bytes as upstream's `hash_row` hashes them.
    fn to_le_bytes(self, out: &mut Vec<u8>);

    /// The first fold of every row, `φ(lo) + r·φ(hi + lo)` for each pair.
    fn fold_first(rows: &[Vec<Self>], r: u128) -> Vec<Vec<u128>>;

    /// The subspace polynomials `s_0..s_{log_m - 1}` of the code with
    /// message length `2^log_m` over this field, at the unit vectors
    /// `from_bits(2^m)` for `m < width`, in GF(2^128): `images[j][m]`.
    /// Upstream evaluates `s_j(from_bits(q))`, which is GF(2)-linear in `q`.
    fn subspace_images(log_m: usize, width: usize) -> Vec<Vec<u128>>;
}

/// `s_0(x) = x`, `s_j(x) = s_{j-1}(x)^2 + s_{j-1}(v_{j-1}) · s_{j-1}(x)`
/// with `v_j = from_bits(2^j)`: upstream's `eval_sk_at_vks` and
/// `subspace_evals`, evaluated at every unit vector at once.
fn subspace<E: Copy>(
    units: Vec<E>,
    log_m: usize,
    mul: impl Fn(E, E) -> E,
    add: impl Fn(E, E) -> E,
) -> Vec<Vec<E>> {
    let mut images = Vec::with_capacity(log_m);
    let mut s = units;
    for j in 0..log_m {
        if j > 0 {
            let prev: &Vec<E> = &images[j - 1];
            let at_v = prev[j - 1];
            s = prev.iter().map(|&p| add(mul(p, p), mul(at_v, p))).collect();
        }
        images.push(s.clone());
    }
    images
}

impl RowField for BinaryElem32 {
    fn embed(self) -> u128 {
        value(BinaryElem128::from(self))
    }

    fn to_le_bytes(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.poly().value().to_le_bytes());
    }

    fn fold_first(rows: &[Vec<Self>], r: u128) -> Vec<Vec<u128>> {
        // r·φ(t) is GF(2)-linear in t's bits: four byte tables
        let r_embedded = embed_tables(|b| mul(r, embed_bit(b)));
        let embedded = embed_tables(embed_bit);
        let apply = |tables: &[[u128; 256]; 4], t: u32| {
            tables[0][(t & 0xff) as usize]
                ^ tables[1][((t >> 8) & 0xff) as usize]
                ^ tables[2][((t >> 16) & 0xff) as usize]
                ^ tables[3][(t >> 24) as usize]
        };
        rows.iter()
            .map(|row| {
                row.chunks_exact(2)
                    .map(|p| {
                        let (lo, hi) = (p[0].poly().value(), p[1].poly().value());
                        apply(&embedded, lo) ^ apply(&r_embedded, hi ^ lo)
                    })
                    .collect()
            })
            .collect()
    }

    fn subspace_images(log_m: usize, width: usize) -> Vec<Vec<u128>> {
        // from_bits(2^m) is x^m (upstream builds it from 64 products)
        let units = (0..width).map(|m| Self::from(1u32 << m)).collect();
        subspace(units, log_m, |a, b| a.mul(&b), |a, b| a.add(&b))
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|e| value(BinaryElem128::from(e)))
                    .collect()
            })
            .collect()
    }
}

impl RowField for BinaryElem128 {
    fn embed(self) -> u128 {
        value(self)
    }

    fn to_le_bytes(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&value(self).to_le_bytes());
    }

    fn fold_first(rows: &[Vec<Self>], r: u128) -> Vec<Vec<u128>> {
        let r = MulTable::new(r);
        rows.iter()
            .map(|row| {
                row.chunks_exact(2)
                    .map(|p| {
                        let (lo, hi) = (value(p[0]), value(p[1]));
                        lo ^ r.mul(hi ^ lo)
                    })
                    .collect()
            })
            .collect()
    }

    fn subspace_images(log_m: usize, width: usize) -> Vec<Vec<u128>> {
        // from_bits(2^m) is x^m (upstream builds it from 64 products)
        let units = (0..width).map(|m| 1u128 << m).collect();
        subspace(units, log_m, mul, |a, b| a ^ b)
    }
}

/// φ(x^b), the embedding of GF(2^32)'s basis element `b`.
fn embed_bit(b: usize) -> u128 {
    value(BinaryElem128::from(BinaryElem32::from(1u32 << b)))
}

/// Byte tables of a GF(2)-linear map from GF(2^32) given on its basis.
fn embed_tables(f: impl Fn(usize) -> u128) -> [[u128; 256]; 4] {
    let mut tables = [[0; 256]; 4];
    for (k, table) in tables.iter_mut().enumerate() {
        let bits: Vec<u128> = (0..8).map(|b| f(8 * k + b)).collect();
        for v in 1..256usize {
            let top = 31 - (v as u32).leading_zeros() as usize;
            table[v] = table[v ^ (1 << top)] ^ bits[top];
        }
    }
    tables
}

/// upstream's `hash_row`: SHA-256 of the row's length (u32 LE) and its
/// elements' little-endian bytes, fed to the hash at once rather than an
/// element at a time.
pub fn hash_row<F: RowField>(row: &[F]) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(4 + core::mem::size_of_val(row));
    bytes.extend_from_slice(&(row.len() as u32).to_le_bytes());
    for &x in row {
        x.to_le_bytes(&mut bytes);
    }
    Sha256::digest(&bytes).into()
}

/// upstream's `tensorized_dot_product(row, rs)` for every row: `⟨row,
/// ⊗_j (1 + r_j, r_j)⟩`, binding the lowest variable first.
pub fn dots<F: RowField>(rows: &[Vec<F>], rs: &[u128]) -> Vec<u128> {
    let Some((&r0, rest)) = rs.split_first() else {
        return rows
            .iter()
            .map(|row| row.first().map_or(0, |&x| x.embed()))
            .collect();
    };
    let mut cur = F::fold_first(rows, r0);
    for &r in rest {
        let r = MulTable::new(r);
        for row in &mut cur {
            let half = row.len() / 2;
            for i in 0..half {
                let (lo, hi) = (row[2 * i], row[2 * i + 1]);
                row[i] = lo ^ r.mul(hi ^ lo);
            }
            row.truncate(half);
        }
    }
    cur.into_iter()
        .map(|row| row.first().copied().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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
                    .fold(0, |acc, m| acc ^ images[j][m]);
                assert_eq!(got, w.embed(), "log_m {log_m} q {q} j {j}");
            }
        }
        // the tensor kernel relies on s_j vanishing on the lower unit vectors
        for (j, row) in images.iter().enumerate() {
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
    fn rows_hash_as_upstream_hashes_them() {
        let row32: Vec<BinaryElem32> = (0..64u32)
            .map(|i| BinaryElem32::from(i.wrapping_mul(0x9e37_79b9)))
            .collect();
        let row128: Vec<BinaryElem128> = (0..16u128)
            .map(|i| BinaryElem128::from(i << 100 | i))
            .collect();
        assert_eq!(hash_row(&row32), ligerito::utils::hash_row(&row32));
        assert_eq!(hash_row(&row128), ligerito::utils::hash_row(&row128));
        assert_eq!(
            hash_row::<BinaryElem32>(&[]),
            ligerito::utils::hash_row::<BinaryElem32>(&[])
        );
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
        for (row, got) in rows32.iter().zip(dots(&rows32, &rs_values)) {
            assert_eq!(got, value(tensorized_dot_product(row, &rs)));
        }
        for (row, got) in rows128.iter().zip(dots(&rows128, &rs_values[..4])) {
            assert_eq!(got, value(tensorized_dot_product(row, &rs[..4])));
        }
    }
}
