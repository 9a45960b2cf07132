//! The verifier's running batched basis, kept factored per round.
//!
//! Every opened row adds a scaled generator row `c · ⊗_j (1, A_j(q))` of its
//! round's code, where `A_j` are the subspace polynomials of the evaluation
//! domain and `q` the row's index. Binding the lowest unbound variable to `r`
//! scales `c` by `1 + r·(A_off(q) + 1)`; at the end `⟨yr, B⟩` is a sum over
//! rows of `c · ⟨yr, ⊗_{j≥off}(1, A_j(q))⟩`, which the tensor kernel
//! computes for a whole round's rows at once.

use crate::field::RowField;
use crate::gf128::{mul, Mul, Soft};
use crate::kernels::{counted, Kernels, Miscount};
use crate::tensor::{image, Tensor};
use alloc::vec::Vec;
use ligerito::security::LOG_INV_RATE;

/// One round's rows: its code's subspace polynomials, the rows' indices and
/// their coefficients, and how many variables have been bound since.
struct Round {
    images: Vec<u128>,
    width: usize,
    queries: Vec<u32>,
    coeffs: Vec<u128>,
    off: usize,
}

#[derive(Default)]
pub struct Basis {
    rounds: Vec<Round>,
}

impl Basis {
    /// Adds `Σ_k α^k · G[q_k]` for a code with message length `2^log_m` and
    /// returns `Σ_k α^k · ⟨row_k, eq(rs)⟩`; each row is its elements'
    /// little-endian bytes.
    pub fn add_queries<F: RowField>(
        &mut self,
        kernels: &impl Kernels,
        log_m: usize,
        rows: &[&[u8]],
        queries: &[u32],
        rs: &[u128],
        alpha: u128,
    ) -> Result<u128, Miscount> {
        let dots = counted("row_dots", F::dots(kernels, rows, rs), rows.len())?;
        // every product here is by α
        let by_alpha = Soft.by(alpha, 2 * dots.len());
        let mut coeffs = Vec::with_capacity(dots.len());
        let mut power = 1;
        for _ in &dots {
            coeffs.push(power);
            power = Soft.mul_by(&by_alpha, power);
        }
        // Horner's rule
        let sum = dots
            .iter()
            .rev()
            .fold(0, |acc, &dot| Soft.mul_by(&by_alpha, acc) ^ dot);
        let width = log_m + LOG_INV_RATE;
        self.rounds.push(Round {
            images: F::subspace_images(log_m, width),
            width,
            queries: queries.to_vec(),
            coeffs,
            off: 0,
        });
        Ok(sum)
    }

    /// Scales the rows of the round added last by `beta`.
    pub fn scale_last(&mut self, beta: u128) {
        if let Some(round) = self.rounds.last_mut() {
            let by_beta = Soft.by(beta, round.coeffs.len());
            for c in &mut round.coeffs {
                *c = Soft.mul_by(&by_beta, *c);
            }
        }
    }

    /// Binds the lowest unbound variable to `r`.
    pub fn fold(&mut self, r: u128) {
        for round in &mut self.rounds {
            let (w, off) = (round.width, round.off);
            // `r·A_off(q)` is GF(2)-linear in `q`: `r` times each image
            // (a round's width, not its many rows) and then only sums.
            let r_row: Vec<u128> = round.images[off * w..(off + 1) * w]
                .iter()
                .enumerate()
                .map(|(m, &a)| if m < off { 0 } else { mul(r, a) })
                .collect();
            for (c, &q) in round.coeffs.iter_mut().zip(&round.queries) {
                // 1 + r·(A_off(q) + 1)
                *c = mul(*c, 1 ^ r ^ image(&r_row, off, q));
            }
            round.off += 1;
        }
    }

    /// `⟨y, B⟩`.
    pub fn inner(&self, kernels: &impl Kernels, y: &[u128]) -> Result<u128, Miscount> {
        let mut acc = 0;
        for round in &self.rounds {
            let t = Tensor {
                y,
                images: &round.images[round.off * round.width..],
                width: round.width,
                from: round.off,
                points: &round.queries,
            };
            let values = counted("tensor_eval", kernels.eval_many(&t), round.queries.len())?;
            for (&c, v) in round.coeffs.iter().zip(values) {
                acc ^= mul(c, v);
            }
        }
        Ok(acc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::Local;
    use crate::short::Short;
    use alloc::vec;
    use ligerito_binary_fields::BinaryElem128;

    /// Without the count, a short result would leave rows out of the claim
    /// and of the final sum.
    #[test]
    fn refuses_short_kernel_results() {
        let row = vec![BinaryElem128::from(3u128); 4];
        let rows: [&[u8]; 3] = [bytemuck::cast_slice(&row); 3];
        let (queries, rs) = ([1, 5, 9], [7, 11]);
        let miscount = |kernel, got, want| Miscount { kernel, got, want };
        let mut basis = Basis::default();
        assert_eq!(
            basis.add_queries::<BinaryElem128>(&Short("row_dots"), 4, &rows, &queries, &rs, 2),
            Err(miscount("row_dots", 2, 3))
        );
        assert!(basis
            .add_queries::<BinaryElem128>(&Local, 4, &rows, &queries, &rs, 2)
            .is_ok());
        let y = [1; 1 << 4];
        assert!(basis.inner(&Local, &y).is_ok());
        assert_eq!(
            basis.inner(&Short("tensor_eval"), &y),
            Err(miscount("tensor_eval", 2, 3))
        );
    }
}
