//! The PolkaVM-built verifier (`ligerito-pvm-verifier`, run natively here)
//! gives upstream's verdict on every valid proof and on mutations of every
//! part of a proof, at several sizes.

use ligerito_binary_fields::BinaryFieldElement;
use ligerito_tests::{decode, proof_with_seed, upstream_accepts, valid_proof, Proof};
use rayon::prelude::*;

fn ours(log_size: u32, proof: &Proof) -> bool {
    let config = ligerito_sizes::get(log_size).unwrap().verifier_config();
    ligerito_pvm_verifier::verify(&config, proof)
        .expect("every supported size is well formed")
        .is_ok()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn flip_bit<F: BinaryFieldElement>(x: &mut F, rng: &mut Rng) {
    let bits = 8 * core::mem::size_of::<F>() as u32;
    *x = x.add(&F::from_bits(1 << (rng.next() as u32 % bits.min(64))));
}

fn flip_hash(h: &mut [u8; 32], rng: &mut Rng) {
    h[rng.below(32)] ^= 1 << rng.below(8);
}

fn pick<'a, T>(v: &'a mut [T], rng: &mut Rng) -> Option<&'a mut T> {
    let n = v.len();
    if n == 0 {
        None
    } else {
        v.get_mut(rng.below(n))
    }
}

/// One mutation of one part of the proof; which part is drawn from `rng`.
fn mutate(p: &mut Proof, rng: &mut Rng) {
    match rng.below(12) {
        0 => {
            if let Some(row) = pick(&mut p.initial_ligero_proof.opened_rows, rng) {
                if let Some(x) = pick(row, rng) {
                    flip_bit(x, rng);
                }
            }
        }
        1 => {
            if let Some(h) = pick(&mut p.initial_ligero_proof.merkle_proof.siblings, rng) {
                flip_hash(h, rng);
            }
        }
        2 => {
            if let Some(h) = p.initial_ligero_cm.root.root.as_mut() {
                flip_hash(h, rng);
            }
        }
        3 => {
            if let Some(c) = pick(&mut p.recursive_commitments, rng) {
                if let Some(h) = c.root.root.as_mut() {
                    flip_hash(h, rng);
                }
            }
        }
        4 => {
            if let Some(rp) = pick(&mut p.recursive_proofs, rng) {
                if let Some(x) = pick(&mut rp.opened_rows, rng).and_then(|r| pick(r, rng)) {
                    flip_bit(x, rng);
                } else if let Some(h) = pick(&mut rp.merkle_proof.siblings, rng) {
                    flip_hash(h, rng);
                }
            }
        }
        5 => {
            if let Some(x) = pick(&mut p.final_ligero_proof.yr, rng) {
                flip_bit(x, rng);
            }
        }
        6 => {
            let rows = &mut p.final_ligero_proof.opened_rows;
            if let Some(x) = pick(rows, rng).and_then(|r| pick(r, rng)) {
                flip_bit(x, rng);
            }
        }
        7 => {
            if let Some(h) = pick(&mut p.final_ligero_proof.merkle_proof.siblings, rng) {
                flip_hash(h, rng);
            }
        }
        8 => {
            if let Some(c) = pick(&mut p.sumcheck_transcript.transcript, rng) {
                match rng.below(3) {
                    0 => flip_bit(&mut c.0, rng),
                    1 => flip_bit(&mut c.1, rng),
                    _ => flip_bit(&mut c.2, rng),
                }
            }
        }
        9 => {
            // two opened rows swapped: each still opens, at the wrong index
            let rows = &mut p.final_ligero_proof.opened_rows;
            let (a, b) = (rng.below(rows.len()), rng.below(rows.len()));
            if a != b {
                rows.swap(a, b);
            }
        }
        10 => {
            // a part cut short or grown
            match rng.below(4) {
                0 => drop(p.final_ligero_proof.yr.pop()),
                1 => drop(p.initial_ligero_proof.opened_rows.pop()),
                2 => drop(p.sumcheck_transcript.transcript.pop()),
                _ => p.final_ligero_proof.merkle_proof.siblings.push([0; 32]),
            }
        }
        _ => {
            // a forged final message: all zeros
            for x in &mut p.final_ligero_proof.yr {
                *x = BinaryFieldElement::zero();
            }
        }
    }
}

#[test]
fn valid_proofs_are_valid_at_every_tested_size() {
    for (log_size, seed) in [(12, 1), (12, 2), (16, 3), (20, 4), (22, 5)] {
        let proof = decode(&proof_with_seed(log_size, seed));
        assert!(upstream_accepts(log_size, &proof), "upstream, 2^{log_size}");
        assert!(ours(log_size, &proof), "ours, 2^{log_size}");
    }
}

/// 10,400 mutated proofs; upstream accepts none of them, but whatever it says
/// we must say too.
#[test]
fn mutated_proofs_get_upstreams_verdict() {
    let plan = [(12u32, 6_000usize), (16, 2_400), (20, 1_200), (22, 800)];
    let mut checked = 0;
    for (log_size, count) in plan {
        let proof = decode(&valid_proof(log_size));
        let disagreements: Vec<String> = (0..count)
            .into_par_iter()
            .filter_map(|i| {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((log_size as u64) << 32 | i as u64));
                rng.next();
                let mut p = proof.clone();
                for _ in 0..1 + rng.below(2) {
                    mutate(&mut p, &mut rng);
                }
                let (theirs, mine) = (upstream_accepts(log_size, &p), ours(log_size, &p));
                (theirs != mine)
                    .then(|| format!("2^{log_size} #{i}: upstream {theirs}, ours {mine}"))
            })
            .collect();
        assert!(disagreements.is_empty(), "{disagreements:#?}");
        checked += count;
    }
    assert!(checked >= 10_000);
}
