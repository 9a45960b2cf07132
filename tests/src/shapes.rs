//! Proofs that stop at each stage of a verification, made from a valid one:
//! what the gas-fairness benchmark times and the runtime's weights cover.

use crate::forge::{forge, Stop};
use crate::{decode, encode, flip, proof_with_seed};

/// A named input for 2^`log_size`.
pub struct Shape {
    pub name: &'static str,
    pub proof: Vec<u8>,
}

/// Every shape of 2^`log_size`, the valid proof (seed 1) first.
pub fn shapes(log_size: u32) -> Vec<Shape> {
    let valid = proof_with_seed(log_size, 1);
    let mut opening = decode(&valid);
    flip(&mut opening.initial_ligero_proof.opened_rows[0][0]);
    let max = ligerito_sizes::get(log_size)
        .expect("a supported size")
        .max_proof_len();
    let garbage = (0..max)
        .map(|k| (k as u32).wrapping_mul(0x9e37_79b9) as u8)
        .collect();
    let mut trailing = valid.clone();
    trailing.push(0);
    let short = valid[..valid.len() - 1].to_vec();
    vec![
        Shape {
            name: "valid",
            proof: valid,
        },
        Shape {
            name: "failing the first opening",
            proof: encode(&opening),
        },
        Shape {
            name: "failing sumcheck round 0 (honest openings of garbage)",
            proof: forge(log_size, 1, Stop::SumcheckRound0),
        },
        Shape {
            name: "failing the final claim (forged)",
            proof: forge(log_size, 1, Stop::FinalClaim),
        },
        Shape {
            name: "failing a final row (forged)",
            proof: forge(log_size, 1, Stop::RowCheck),
        },
        Shape {
            name: "longest garbage",
            proof: garbage,
        },
        Shape {
            name: "a trailing byte",
            proof: trailing,
        },
        Shape {
            name: "cut short by a byte",
            proof: short,
        },
    ]
}
