//! A Ligerito verifier built for PolkaVM.
//!
//! It accepts exactly the proofs that upstream's `ligerito::verify_with_transcript`
//! accepts with the SHA-256 transcript seeded 0 (the upstream CLI's), taking the
//! same transcript steps and checks, but computes them for a 64-bit machine
//! without carry-less multiply: GF(2^128) products from integer multiplies
//! ([`gf128`]), and the two big batches of tensor inner products (the folded
//! basis against `yr`, and `Enc(yr)` at every final query) evaluated for all
//! points at once ([`tensor`]). Where upstream says only `false`, it names
//! the check that failed.
//!
//! The hashing and the batched field products go through [`Kernels`]: a
//! guest passes them to its host, [`Local`] computes them in-process. With
//! the `std` feature, [`Local`] multiplies with PCLMULQDQ where the CPU has it.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

#[cfg(all(feature = "std", not(test)))]
extern crate std;

mod basis;
mod blake3_many;
pub mod decode;
mod field;
mod gf128;
mod gf32;
pub mod kernels;
pub mod merkle;
pub mod sha256;
#[cfg(any(test, feature = "testing"))]
pub mod short;
pub mod tensor;
mod transcript;
mod verify;
mod view;

#[cfg(test)]
mod testing;

pub use field::RowField;
pub use kernels::{Kernels, Local};
pub use verify::{verify, verify_view, verify_with, Error, Proof, Rejection};
pub use view::{Opening, ProofView};
