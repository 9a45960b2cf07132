//! A proof as the verifier reads it: the opened rows and Merkle siblings,
//! nearly all of a proof's bytes, borrowed from where they already are (the
//! encoded proof, [`crate::decode::view`], or an upstream [`Proof`],
//! [`ProofView::of`]) rather than copied element by element.

use crate::kernels::Hash;
use crate::Proof;
use alloc::vec::Vec;
use ligerito::data_structures::{
    FinalLigeroProof, RecursiveLigeroCommitment, RecursiveLigeroProof, SumcheckTranscript,
};
use ligerito::eval_proof::EvalSumcheckRound;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
use ligerito_merkle::{BatchedMerkleProof, MerkleRoot};

// An upstream proof's elements are viewed as their memory.
const _: () = assert!(
    cfg!(target_endian = "little"),
    "rows are their elements' little-endian bytes"
);

/// One round's opened rows and the siblings that open them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening<'a> {
    /// Each row's elements, little-endian (GF(2^32) in the first round,
    /// GF(2^128) after).
    pub rows: Vec<&'a [u8]>,
    /// The batched Merkle proof's sibling hashes.
    pub siblings: &'a [Hash],
}

impl<'a> Opening<'a> {
    fn of<F: bytemuck::Pod>(rows: &'a [Vec<F>], proof: &'a BatchedMerkleProof) -> Self {
        Self {
            rows: rows.iter().map(|r| bytemuck::cast_slice(r)).collect(),
            siblings: &proof.siblings,
        }
    }
}

/// Every part of a proof, in upstream's order.
#[derive(Clone, Debug)]
pub struct ProofView<'a> {
    /// The committed polynomial's Merkle root.
    pub initial_root: MerkleRoot,
    /// The first round's opening, GF(2^32) rows.
    pub initial: Opening<'a>,
    /// Every recursive round's root, the last round's included.
    pub recursive_roots: Vec<MerkleRoot>,
    /// The openings of the rounds between the first and the last.
    pub recursive: Vec<Opening<'a>>,
    /// The final round's message.
    pub yr: Vec<BinaryElem128>,
    /// The last round's opening.
    pub last: Opening<'a>,
    /// Each sumcheck round's polynomial, `(s0, s1, s2)`.
    pub sumcheck: Vec<(BinaryElem128, BinaryElem128, BinaryElem128)>,
    /// Evaluation-claim rounds (the verifier accepts none).
    pub eval_rounds: Vec<EvalSumcheckRound<BinaryElem128>>,
}

impl<'a> ProofView<'a> {
    /// `proof`'s parts, its rows and siblings borrowed.
    pub fn of(proof: &'a Proof) -> Self {
        let last = &proof.final_ligero_proof;
        Self {
            initial_root: proof.initial_ligero_cm.root.clone(),
            initial: Opening::of(
                &proof.initial_ligero_proof.opened_rows,
                &proof.initial_ligero_proof.merkle_proof,
            ),
            recursive_roots: proof
                .recursive_commitments
                .iter()
                .map(|c| c.root.clone())
                .collect(),
            recursive: proof
                .recursive_proofs
                .iter()
                .map(|p| Opening::of(&p.opened_rows, &p.merkle_proof))
                .collect(),
            yr: last.yr.clone(),
            last: Opening::of(&last.opened_rows, &last.merkle_proof),
            sumcheck: proof.sumcheck_transcript.transcript.clone(),
            eval_rounds: proof.eval_rounds.clone(),
        }
    }

    /// The upstream proof these parts make.
    pub fn to_proof(&self) -> Proof {
        fn rows<F>(o: &Opening<'_>, elem: fn(&[u8]) -> F) -> Vec<Vec<F>> {
            let size = core::mem::size_of::<F>();
            o.rows
                .iter()
                .map(|r| r.chunks_exact(size).map(elem).collect())
                .collect()
        }
        let siblings = |o: &Opening<'_>| BatchedMerkleProof {
            siblings: o.siblings.to_vec(),
        };
        let commitment = |root: &MerkleRoot| RecursiveLigeroCommitment { root: root.clone() };
        Proof {
            initial_ligero_cm: commitment(&self.initial_root),
            initial_ligero_proof: RecursiveLigeroProof {
                opened_rows: rows(&self.initial, elem32),
                merkle_proof: siblings(&self.initial),
            },
            recursive_commitments: self.recursive_roots.iter().map(commitment).collect(),
            recursive_proofs: self
                .recursive
                .iter()
                .map(|o| RecursiveLigeroProof {
                    opened_rows: rows(o, elem128),
                    merkle_proof: siblings(o),
                })
                .collect(),
            final_ligero_proof: FinalLigeroProof {
                yr: self.yr.clone(),
                opened_rows: rows(&self.last, elem128),
                merkle_proof: siblings(&self.last),
            },
            sumcheck_transcript: SumcheckTranscript {
                transcript: self.sumcheck.clone(),
            },
            eval_rounds: self.eval_rounds.clone(),
        }
    }
}

/// The GF(2^32) element of 4 little-endian bytes.
pub(crate) fn elem32(b: &[u8]) -> BinaryElem32 {
    BinaryElem32::from_value(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The GF(2^128) element of 16 little-endian bytes.
pub(crate) fn elem128(b: &[u8]) -> BinaryElem128 {
    let mut le = [0; 16];
    le.copy_from_slice(b);
    BinaryElem128::from_value(u128::from_le_bytes(le))
}
