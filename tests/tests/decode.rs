//! The guest's slice decoder (`ligerito_pvm_verifier::decode::proof`) against
//! upstream's serde path through bincode 2 (`decode::through_serde`, what
//! the guest ran before): the same proof or the same message, for valid
//! proofs and for every tag and length prefix of one set to values that
//! break it. The `decode` fuzz target does the same for arbitrary bytes.

use ligerito_pvm_verifier::decode;
use ligerito_tests::{encode, valid_proof, Proof};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn assert_same(bytes: &[u8], case: &str) {
    let ours = decode::proof(bytes)
        .map(|p| encode(&p))
        .map_err(|e| e.to_string());
    let serde = decode::through_serde(bytes).map(|p| encode(&p));
    assert_eq!(ours, serde, "{case}");
    if let Ok(encoded) = ours {
        assert_eq!(encoded, bytes, "{case}: decoded to exactly its bytes");
    }
}

/// Where a proof's `Option` tags and `u64` lengths are, from its decoded form.
#[derive(Default)]
struct Marks {
    pos: usize,
    tags: Vec<usize>,
    lens: Vec<(usize, u64)>,
}

impl Marks {
    fn tag(&mut self, root: &Option<[u8; 32]>) {
        self.tags.push(self.pos);
        self.pos += 1 + root.map_or(0, |_| 32);
    }

    fn len(&mut self, n: usize, elem: usize) {
        self.lens.push((self.pos, n as u64));
        self.pos += 8 + n * elem;
    }

    fn rows<T>(&mut self, rows: &[Vec<T>], siblings: usize) {
        self.len(rows.len(), 0);
        for row in rows {
            self.len(row.len(), size_of::<T>());
        }
        self.len(siblings, 32);
    }

    fn of(p: &Proof) -> Self {
        let mut m = Self::default();
        m.tag(&p.initial_ligero_cm.root.root);
        let initial = &p.initial_ligero_proof;
        m.rows(&initial.opened_rows, initial.merkle_proof.siblings.len());
        m.len(p.recursive_commitments.len(), 0);
        for c in &p.recursive_commitments {
            m.tag(&c.root.root);
        }
        m.len(p.recursive_proofs.len(), 0);
        for r in &p.recursive_proofs {
            m.rows(&r.opened_rows, r.merkle_proof.siblings.len());
        }
        let last = &p.final_ligero_proof;
        m.len(last.yr.len(), 16);
        m.rows(&last.opened_rows, last.merkle_proof.siblings.len());
        m.len(p.sumcheck_transcript.transcript.len(), 48);
        m.len(p.eval_rounds.len(), 48);
        m
    }
}

fn decoded(bytes: &[u8]) -> Proof {
    decode::through_serde(bytes).expect("a valid proof decodes")
}

#[test]
fn valid_proofs_decode_to_the_same_proof() {
    for log_size in [12, 16, 20] {
        let bytes = valid_proof(log_size);
        assert_same(&bytes, &format!("2^{log_size}"));
        assert_eq!(Marks::of(&decoded(&bytes)).pos, bytes.len());
    }
}

#[test]
fn every_tag_and_length_broken_gives_the_same_refusal() {
    let bytes = valid_proof(12);
    let marks = Marks::of(&decoded(&bytes));
    assert!(marks.tags.len() >= 2 && marks.lens.len() > 300);
    for &at in &marks.tags {
        for tag in [0, 2, 3, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[at] = tag;
            assert_same(&b, &format!("tag {tag} at {at}"));
        }
    }
    for &(at, n) in &marks.lens {
        for len in [
            0,
            1,
            n.saturating_sub(1),
            n + 1,
            1 << 32,
            u64::MAX / 4,
            u64::MAX,
        ] {
            let mut b = bytes.clone();
            b[at..at + 8].copy_from_slice(&len.to_le_bytes());
            assert_same(&b, &format!("length {len} for {n} at {at}"));
        }
    }
}

#[test]
fn cut_extended_and_mutated_proofs_give_the_same_refusal() {
    let bytes = valid_proof(12);
    for cut in (0..bytes.len())
        .step_by(101)
        .chain([1, 33, bytes.len() - 1])
    {
        assert_same(&bytes[..cut], &format!("cut at {cut}"));
    }
    for extra in [&[0u8][..], &[1, 2, 3], &bytes] {
        assert_same(&[&bytes[..], extra].concat(), "extended");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    for case in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..rng.gen_range(1..4) {
            let at = rng.gen_range(0..b.len());
            match rng.gen_range(0..3) {
                0 => b[at] = rng.gen(),
                1 => drop(b.remove(at)),
                _ => b.insert(at, rng.gen()),
            }
        }
        assert_same(&b, &format!("mutation {case}"));
    }
}
