//! Forged proofs that follow the transcript exactly, so that the checks past
//! the Merkle openings decide them: upstream's
//! `test_random_matrix_forgery_rejected` generalised to every supported size
//! and any number of recursive steps.
//!
//! Every round commits a matrix of random elements (no codeword), and every
//! opening is honest. The forger's message `v` is random too; before each
//! sumcheck round one coordinate of `v` is re-fixed so that `⟨v, basis⟩` is
//! the running claim, so honest round coefficients pass. `basis` is the
//! batched basis the verifier builds from the opened rows, kept in full as
//! the prover keeps it. What makes the proof fail is chosen by [`Stop`].

use crate::{encode, Proof};
use ligerito::data_structures::{finalize, RecursiveLigeroWitness};
use ligerito::sumcheck_polys::{
    eval_round_poly, fold_lsb, induce_sumcheck_poly_parallel, inner_product, product_round_coeffs,
};
use ligerito::transcript::{FiatShamir, Transcript};
use ligerito::utils::eval_sk_at_vks;
use ligerito::{
    FinalLigeroProof, LigeritoProof, RecursiveLigeroCommitment, RecursiveLigeroProof,
    SumcheckTranscript, VerifierConfig,
};
use ligerito_binary_fields::{BinaryElem128, BinaryElem32, BinaryFieldElement};

type T = BinaryElem32;
type U = BinaryElem128;

/// The xorshift seed of upstream's `test_random_matrix_forgery_rejected`:
/// `forge(12, UPSTREAM_SEED, Stop::PatchedRounds)` is that test's proof.
pub const UPSTREAM_SEED: u64 = 0x2545_F491_4F6C_DD1D;

/// The check a forged proof is built to fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The first sumcheck round's `g(0) + g(1)` misses the claim by one.
    SumcheckRound0,
    /// Every sumcheck round passes, but the final message `yr` is altered
    /// (where the folded basis is nonzero) before it is absorbed.
    FinalClaim,
    /// `yr` is the true folded message, so the claim holds; the final
    /// opened rows, being random, are no encoding of it.
    RowCheck,
    /// Upstream's forgery: `v` is never re-fixed; each round's `g(1)` is
    /// patched so that `g(0) + g(1)` is the claim.
    PatchedRounds,
}

/// The bincode bytes (as the CLI writes them) of a forged proof of
/// 2^`log_size`, drawn from the nonzero `seed`.
pub fn forge(log_size: u32, seed: u64, stop: Stop) -> Vec<u8> {
    encode(&forge_proof(log_size, seed, stop))
}

/// [`forge`], decoded.
pub fn forge_proof(log_size: u32, seed: u64, stop: Stop) -> Proof {
    assert_ne!(seed, 0, "xorshift stays at zero");
    let vc = ligerito_sizes::get(log_size)
        .expect("a supported size")
        .verifier_config();
    let mut rnd = Xorshift(seed);
    // all matrices, then v: the order in which upstream's test draws them
    let w0 = garbage::<T>(vc.initial_dim, vc.initial_k, &mut rnd);
    let ws: Vec<RecursiveLigeroWitness<U>> = (0..vc.recursive_steps)
        .map(|i| garbage::<U>(vc.log_dims[i], vc.ks[i], &mut rnd))
        .collect();
    let mut v: Vec<U> = rnd.elems(1 << vc.initial_dim);

    let mut fs = FiatShamir::new_sha256(0);
    absorb_config(&vc, &mut fs);
    let mut proof = LigeritoProof::<T, U>::new();
    let cm0 = commitment(&w0);
    fs.absorb_root(&cm0.root);
    proof.initial_ligero_cm = Some(cm0);
    // upstream's `absorb_claims` (crate-private) of no claims
    fs.absorb_bytes(b"ligerito-v1-claims", &0u64.to_le_bytes());
    let rho0: Vec<U> = (0..vc.initial_k).map(|_| fs.get_challenge()).collect();
    let (opening, mut basis, mut sum) = open(&mut fs, &vc, &w0, &ws[0], vc.initial_dim, &rho0);
    proof.initial_ligero_proof = Some(opening);
    proof.recursive_commitments.push(commitment(&ws[0]));

    let mut transcript = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let mut rs = Vec::with_capacity(vc.ks[i]);
        for _ in 0..vc.ks[i] {
            if stop != Stop::PatchedRounds {
                aim(&mut v, &basis, sum);
            }
            let (s0, s1, s2) = product_round_coeffs(&v, &basis);
            let c = match stop {
                Stop::PatchedRounds => (s0, s0.add(&sum), s2),
                Stop::SumcheckRound0 if transcript.is_empty() => (s0, s1.add(&U::one()), s2),
                _ => (s0, s1, s2),
            };
            fs.absorb_elem(c.0);
            fs.absorb_elem(c.1);
            fs.absorb_elem(c.2);
            let r = fs.get_challenge::<U>();
            sum = eval_round_poly(c, r);
            v = fold_lsb(&v, r);
            basis = fold_lsb(&basis, r);
            rs.push(r);
            transcript.push(c);
        }

        let Some(next) = ws.get(i + 1) else {
            let mut yr = v;
            if stop == Stop::FinalClaim {
                let j = nonzero(&basis);
                yr[j] = yr[j].add(&U::one());
            }
            fs.absorb_elems(&yr);
            let queries = fs.get_distinct_queries(w.num_rows(), vc.num_queries);
            proof.final_ligero_proof = Some(FinalLigeroProof {
                yr,
                opened_rows: queries.iter().map(|&q| w.row(q)).collect(),
                merkle_proof: w.tree.prove(&queries),
            });
            break;
        };
        proof.recursive_commitments.push(commitment(next));
        let (opening, b, s) = open(&mut fs, &vc, w, next, vc.log_dims[i], &rs);
        proof.recursive_proofs.push(opening);
        // the verifier glues the new rows in with β, drawn after s
        let beta = fs.get_challenge::<U>();
        sum = sum.add(&beta.mul(&s));
        for (x, y) in basis.iter_mut().zip(&b) {
            *x = x.add(&beta.mul(y));
        }
    }
    proof.sumcheck_transcript = Some(SumcheckTranscript { transcript });
    finalize(proof).expect("every part is set")
}

/// Opens `w` honestly at the transcript's queries (after absorbing the next
/// commitment, `next`) and batches the opened rows as the verifier does:
/// the opening, the basis `Σ_k α^k·G[q_k]` and its claim `s`, absorbed.
fn open<F>(
    fs: &mut FiatShamir,
    vc: &VerifierConfig,
    w: &RecursiveLigeroWitness<F>,
    next: &RecursiveLigeroWitness<U>,
    log_m: usize,
    rs: &[U],
) -> (RecursiveLigeroProof<F>, Vec<U>, U)
where
    F: BinaryFieldElement + Send + Sync,
    U: From<F>,
{
    fs.absorb_root(&next.tree.get_root());
    let queries = fs.get_distinct_queries(w.num_rows(), vc.num_queries);
    let alpha = fs.get_challenge::<U>();
    let rows: Vec<Vec<F>> = queries.iter().map(|&q| w.row(q)).collect();
    let sks: Vec<F> = eval_sk_at_vks(1 << log_m);
    let (basis, s) = induce_sumcheck_poly_parallel(log_m, &sks, &rows, rs, &queries, alpha);
    fs.absorb_elem(s);
    let opening = RecursiveLigeroProof {
        opened_rows: rows,
        merkle_proof: w.tree.prove(&queries),
    };
    (opening, basis, s)
}

/// Re-fixes one coordinate of `v` so that `⟨v, basis⟩ = claim`.
fn aim(v: &mut [U], basis: &[U], claim: U) {
    let miss = claim.add(&inner_product(v, basis));
    let j = nonzero(basis);
    v[j] = v[j].add(&miss.mul(&basis[j].inv()));
}

fn nonzero(basis: &[U]) -> usize {
    basis
        .iter()
        .position(|b| *b != U::zero())
        .expect("a random basis is not zero")
}

/// A committed matrix of random elements with the shape of a round whose
/// message length is 2^`log_m` and row width 2^`k`.
fn garbage<F>(log_m: usize, k: usize, rnd: &mut Xorshift) -> RecursiveLigeroWitness<F>
where
    F: BinaryFieldElement + bytemuck::Pod + Send + Sync,
{
    let (rows, cols) = (1 << (log_m + ligerito_sizes::LOG_INV_RATE), 1 << k);
    RecursiveLigeroWitness::from_columns(rnd.elems(rows * cols), cols)
}

fn commitment<F: BinaryFieldElement>(w: &RecursiveLigeroWitness<F>) -> RecursiveLigeroCommitment {
    RecursiveLigeroCommitment {
        root: w.tree.get_root(),
    }
}

/// upstream's `VerifierConfig::absorb_into` (crate-private there).
fn absorb_config(vc: &VerifierConfig, fs: &mut FiatShamir) {
    let header: Vec<u8> = [
        vc.initial_dim,
        vc.initial_k,
        vc.recursive_steps,
        vc.num_queries,
    ]
    .into_iter()
    .chain(vc.log_dims.iter().copied())
    .chain(vc.ks.iter().copied())
    .flat_map(|v| (v as u32).to_le_bytes())
    .collect();
    fs.absorb_bytes(b"ligerito-v1-config", &header);
}

/// upstream's test generator, xorshift64, drawing elements as its
/// `F::from_bits(rnd())` does.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `count` elements `F::from_bits(self.next())`. `from_bits` costs 63
    /// products (minutes for a 2^22 forgery's matrices) but is GF(2)-linear
    /// in the bits, so byte tables of it give the same elements.
    fn elems<F: BinaryFieldElement>(&mut self, count: usize) -> Vec<F> {
        let mut tables = [[F::zero(); 256]; 8];
        for (k, table) in tables.iter_mut().enumerate() {
            for v in 1..256usize {
                let top = 1 << (usize::BITS - 1 - v.leading_zeros());
                table[v] = table[v ^ top].add(&F::from_bits((top as u64) << (8 * k)));
            }
        }
        (0..count)
            .map(|_| {
                let bits = self.next().to_le_bytes();
                (0..8).fold(F::zero(), |acc, k| acc.add(&tables[k][bits[k] as usize]))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_elements_from_bits_draws() {
        let mut ours = Xorshift(UPSTREAM_SEED);
        let mut theirs = Xorshift(UPSTREAM_SEED);
        let t: Vec<T> = ours.elems(300);
        let u: Vec<U> = ours.elems(300);
        let want_t: Vec<T> = (0..300).map(|_| T::from_bits(theirs.next())).collect();
        let want_u: Vec<U> = (0..300).map(|_| U::from_bits(theirs.next())).collect();
        assert_eq!((t, u), (want_t, want_u));
    }
}
