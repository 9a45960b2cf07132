//! A bit flipped in any part of a valid proof makes it invalid, on both
//! backends, with the same gas.

use ligerito_executor::Verdict;
use ligerito_tests::{flip, tampered, verify, Proof};

fn rejects(log_size: u32, tamper: impl FnOnce(&mut Proof)) -> String {
    let outcome = verify(log_size, &tampered(log_size, tamper));
    assert_eq!(outcome.verdict, Verdict::Invalid, "{}", outcome.message);
    assert_eq!(outcome.exit_code, 1);
    outcome.message
}

fn flip_byte(root: &mut Option<[u8; 32]>) {
    root.as_mut().expect("a root")[7] ^= 0x10;
}

#[test]
fn rejects_flipped_initial_commitment() {
    rejects(12, |p| flip_byte(&mut p.initial_ligero_cm.root.root));
}

#[test]
fn rejects_missing_initial_commitment() {
    rejects(12, |p| p.initial_ligero_cm.root.root = None);
}

#[test]
fn rejects_flipped_recursive_commitment() {
    rejects(12, |p| flip_byte(&mut p.recursive_commitments[0].root.root));
}

#[test]
fn rejects_flipped_initial_opened_row() {
    rejects(12, |p| flip(&mut p.initial_ligero_proof.opened_rows[5][1]));
}

#[test]
fn rejects_flipped_initial_merkle_path() {
    rejects(12, |p| {
        p.initial_ligero_proof.merkle_proof.siblings[3][0] ^= 1
    });
}

#[test]
fn rejects_extra_merkle_sibling() {
    rejects(12, |p| {
        p.initial_ligero_proof.merkle_proof.siblings.push([0; 32])
    });
}

#[test]
fn rejects_missing_opened_row() {
    rejects(12, |p| {
        p.initial_ligero_proof.opened_rows.pop();
    });
}

#[test]
fn rejects_flipped_sumcheck_coefficient() {
    rejects(12, |p| flip(&mut p.sumcheck_transcript.transcript[0].0));
}

#[test]
fn rejects_flipped_last_sumcheck_coefficient() {
    rejects(12, |p| {
        flip(&mut p.sumcheck_transcript.transcript.last_mut().unwrap().2)
    });
}

#[test]
fn rejects_flipped_final_yr() {
    rejects(12, |p| flip(&mut p.final_ligero_proof.yr[3]));
}

#[test]
fn rejects_flipped_final_opened_row() {
    rejects(12, |p| flip(&mut p.final_ligero_proof.opened_rows[0][0]));
}

#[test]
fn rejects_flipped_final_merkle_path() {
    rejects(12, |p| {
        p.final_ligero_proof.merkle_proof.siblings[0][31] ^= 0x80
    });
}

#[test]
fn rejects_short_final_yr_naming_the_part() {
    let message = rejects(12, |p| {
        p.final_ligero_proof.yr.pop();
    });
    assert_eq!(message, "shape: 63 final yr elements, expected 64 for 2^12");
}

#[test]
fn rejects_flipped_recursive_opened_row_at_size_22() {
    rejects(22, |p| flip(&mut p.recursive_proofs[0].opened_rows[10][2]));
}

#[test]
fn rejects_flipped_recursive_merkle_path_at_size_22() {
    rejects(22, |p| {
        p.recursive_proofs[0].merkle_proof.siblings[1][5] ^= 4
    });
}

#[test]
fn rejects_flipped_final_yr_at_size_20() {
    rejects(20, |p| flip(&mut p.final_ligero_proof.yr[0]));
}
