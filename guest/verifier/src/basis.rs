//! The verifier's running batched basis, kept factored per round.
//!
//! Every opened row adds a scaled generator row `c · ⊗_j (1, A_j(q))` of its
//! round's code, where `A_j` are the subspace polynomials of the evaluation
//! domain and `q` the row's index. Binding the lowest unbound variable to `r`
//! scales `c` by `1 + r·(A_off(q) + 1)`; at the end `⟨yr, B⟩` is a sum over
//! rows of `c · ⟨yr, ⊗_{j≥off}(1, A_j(q))⟩`, which [`tensor::eval_many`]
//! computes for a whole round's rows at once.

use crate::field::{dots, RowField};
use crate::gf128::mul;
use crate::tensor::{eval_many, Linear};
use alloc::vec::Vec;
use ligerito::security::LOG_INV_RATE;

/// One round's rows: its code's subspace polynomials, the rows' indices and
/// their coefficients, and how many variables have been bound since.
struct Round {
    lin: Linear,
    queries: Vec<usize>,
    coeffs: Vec<u128>,
    off: usize,
}

#[derive(Default)]
pub struct Basis {
    rounds: Vec<Round>,
}

impl Basis {
    /// Adds `Σ_k α^k · G[q_k]` for a code with message length `2^log_m` and
    /// returns `Σ_k α^k · ⟨row_k, eq(rs)⟩`.
    pub fn add_queries<F: RowField>(
        &mut self,
        log_m: usize,
        rows: &[Vec<F>],
        queries: &[usize],
        rs: &[u128],
        alpha: u128,
    ) -> u128 {
        let mut sum = 0;
        let mut coeffs = Vec::with_capacity(rows.len());
        let mut power = 1;
        for dot in dots(rows, rs) {
            sum ^= mul(power, dot);
            coeffs.push(power);
            power = mul(power, alpha);
        }
        self.rounds.push(Round {
            lin: Linear {
                images: F::subspace_images(log_m, log_m + LOG_INV_RATE),
                shift: 0,
            },
            queries: queries.to_vec(),
            coeffs,
            off: 0,
        });
        sum
    }

    /// Scales the rows of the round added last by `beta`.
    pub fn scale_last(&mut self, beta: u128) {
        if let Some(round) = self.rounds.last_mut() {
            for c in &mut round.coeffs {
                *c = mul(*c, beta);
            }
        }
    }

    /// Binds the lowest unbound variable to `r`.
    pub fn fold(&mut self, r: u128) {
        for round in &mut self.rounds {
            for (c, &q) in round.coeffs.iter_mut().zip(&round.queries) {
                *c = mul(*c, 1 ^ mul(r, round.lin.at(round.off, q) ^ 1));
            }
            round.off += 1;
        }
    }

    /// `⟨y, B⟩`.
    pub fn inner(&self, y: &[u128]) -> u128 {
        let mut acc = 0;
        for round in &self.rounds {
            let values = eval_many(y, &round.lin, round.off, &round.queries);
            for (&c, v) in round.coeffs.iter().zip(values) {
                acc ^= mul(c, v);
            }
        }
        acc
    }
}
