//! The verifier's heavy kernels: hashing and batched field products.
//!
//! The verifier calls them through [`Kernels`], so that a PolkaVM guest can
//! hand them to its host (where they run natively, with carry-less multiply
//! and SIMD hashing, at a gas price per element) while the logic around
//! them stays in the sandbox. [`Local`] computes them in-process: the
//! reference semantics, and what a host runs for the guest.

use crate::field::{Dots, RowField};
use crate::gf128::Soft;
use crate::sha256::{digest, State};
use crate::tensor::{eval_many, Tensor};
use alloc::vec::Vec;
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};

pub type Hash = [u8; 32];

/// Below this many blocks (or half as many squeezes) a guest computes
/// SHA-256 itself: less gas than a kernel call's fixed price, which is
/// worth about 70 blocks of the guest's own SHA-256.
pub const GUEST_SHA256_BLOCKS: usize = 32;

/// The longest item [`Kernels::blake3_each`] hashes: one BLAKE3 block.
pub const MAX_BLAKE3_ITEM: usize = 64;

/// Whether [`Local`] hashes items of `item_len` bytes as one batch on the
/// CPU's SIMD lanes (whole blocks) rather than one at a time: what a host
/// charges for them follows it.
pub const fn blake3_batched(item_len: usize) -> bool {
    item_len == MAX_BLAKE3_ITEM
}

/// A kernel returned `got` values where the verifier asked for `want`: a
/// broken host, not a bad proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Miscount {
    pub kernel: &'static str,
    pub got: usize,
    pub want: usize,
}

/// `values` if there are `want` of them: the verifier zips kernel results
/// with what it asked about, and a short result would skip checks.
pub fn counted<T>(kernel: &'static str, values: Vec<T>, want: usize) -> Result<Vec<T>, Miscount> {
    if values.len() == want {
        Ok(values)
    } else {
        Err(Miscount {
            kernel,
            got: values.len(),
            want,
        })
    }
}

/// A result with the wrong number of values gets no verdict but
/// [`crate::Error::Kernel`]: the verifier counts each before it uses it.
pub trait Kernels {
    /// SHA-256's compression function over `blocks` (whole 64-byte blocks).
    fn sha256_compress(&self, state: &mut [u32; 8], blocks: &[u8]);

    /// SHA-256 of `prefix` followed by each item (all of one length).
    fn sha256_each(&self, prefix: &[u8], items: &[&[u8]]) -> Vec<Hash>;

    /// `count` squeezes of a transcript's state ([`State::squeeze`]).
    fn sha256_squeeze(&self, state: &mut State, count: usize) -> Vec<Hash>;

    /// BLAKE3 of each `item_len`-byte item of `items`
    /// (`1 <= item_len <= MAX_BLAKE3_ITEM`, `items` whole items).
    fn blake3_each(&self, items: &[u8], item_len: usize) -> Vec<Hash>;

    /// The top layer of a Merkle walk ([`crate::merkle::tree`]); the
    /// verifier passes only plans that name existing nodes.
    fn blake3_tree(
        &self,
        leaves: &[Hash],
        siblings: &[Hash],
        layers: &[u32],
        plan: &[[u32; 2]],
    ) -> Vec<Hash>;

    /// [`eval_many`]; the verifier passes only parts that fit together.
    fn eval_many(&self, t: &Tensor<'_>) -> Vec<u128>;

    /// [`Dots`] of GF(2^32) rows, each its elements' little-endian bytes.
    fn dots32(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128>;

    /// [`Dots`] of GF(2^128) rows, each its elements' little-endian bytes.
    fn dots128(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128>;
}

/// The kernels computed in-process, with PCLMULQDQ where the `std` feature
/// finds it on x86-64 and integer multiplies otherwise (same results).
#[derive(Clone, Copy, Default)]
pub struct Local;

/// [`Dots`] with the fastest multiply, for rows that arrive one at a time.
pub enum PreparedDots<F: RowField> {
    Soft(Dots<Soft, F>),
    #[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
    Clmul(Dots<crate::gf128::Clmul, F>),
}

impl<F: RowField> PreparedDots<F> {
    /// [`Dots::row`].
    pub fn row(&self, row: &[u8]) -> u128 {
        match self {
            Self::Soft(d) => d.row(row),
            #[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
            Self::Clmul(d) => d.row(row),
        }
    }
}

impl Local {
    /// [`Dots`] by `rs` for `rows` rows of `width` elements.
    pub fn prepare_dots<F: RowField>(rs: &[u128], rows: usize, width: usize) -> PreparedDots<F> {
        #[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
        if let Some(m) = crate::gf128::Clmul::detect() {
            return PreparedDots::Clmul(Dots::new(m, rs, rows, width));
        }
        PreparedDots::Soft(Dots::new(Soft, rs, rows, width))
    }

    /// [`Dots`] of every row, each its elements' little-endian bytes.
    pub fn dots<F: RowField>(rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        let width = rows
            .first()
            .map_or(0, |r| r.len() / core::mem::size_of::<F>());
        let d = Self::prepare_dots::<F>(rs, rows.len(), width);
        rows.iter().map(|row| d.row(row)).collect()
    }

    /// [`eval_many`], `None` when the parts do not fit together.
    pub fn try_eval_many(t: &Tensor<'_>) -> Option<Vec<u128>> {
        #[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
        if let Some(m) = crate::gf128::Clmul::detect() {
            return eval_many(m, t);
        }
        eval_many(Soft, t)
    }
}

impl Kernels for Local {
    fn sha256_compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        for block in blocks.chunks_exact(64) {
            sha2::compress256(
                state,
                &[*sha2::digest::generic_array::GenericArray::from_slice(
                    block,
                )],
            );
        }
    }

    fn sha256_each(&self, prefix: &[u8], items: &[&[u8]]) -> Vec<Hash> {
        items
            .iter()
            .map(|item| digest(self, prefix, item))
            .collect()
    }

    fn sha256_squeeze(&self, state: &mut State, count: usize) -> Vec<Hash> {
        (0..count).map(|_| state.squeeze(self)).collect()
    }

    fn blake3_each(&self, items: &[u8], item_len: usize) -> Vec<Hash> {
        crate::blake3_many::hash_each(items, item_len)
    }

    fn blake3_tree(
        &self,
        leaves: &[Hash],
        siblings: &[Hash],
        layers: &[u32],
        plan: &[[u32; 2]],
    ) -> Vec<Hash> {
        crate::merkle::tree(self, leaves, siblings, layers, plan)
            .expect("the verifier plans existing nodes")
    }

    fn eval_many(&self, t: &Tensor<'_>) -> Vec<u128> {
        Self::try_eval_many(t).expect("the verifier passes parts that fit together")
    }

    fn dots32(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        Self::dots::<BinaryElem32>(rows, rs)
    }

    fn dots128(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        Self::dots::<BinaryElem128>(rows, rs)
    }
}
