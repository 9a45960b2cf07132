//! The verifier's kernels, run by the host at a gas price per element (see
//! guest/executor/src/kernels.rs). Their arguments are laid out as
//! `ligerito_kernel_abi` says, which the host reads them with: arguments
//! that do not fit in registers go in an argument block of `u32` words.

use alloc::{vec, vec::Vec};
use ligerito_kernel_abi::{self as abi, RowArgs, TensorArgs, TreeArgs};
use ligerito_pvm_verifier::kernels::{Hash, GUEST_SHA256_BLOCKS};
use ligerito_pvm_verifier::sha256::State;
use ligerito_pvm_verifier::tensor::Tensor;
use ligerito_pvm_verifier::Kernels;

// `polkavm_import` names an import only by a literal, so these spell out
// `abi::NAMES`; the executor's tests check the blob imports exactly those.
#[polkavm_derive::polkavm_import]
extern "C" {
    /// SHA-256's compression of `count` 64-byte blocks into `state`.
    fn sha256_compress(state: *mut u32, blocks: *const u8, count: u32);
    /// SHA-256 of the prefix followed by each of `count` items of
    /// `item_len` bytes (addresses in `items`), to `out`.
    fn sha256_each(
        items: *const u32,
        count: u32,
        item_len: u32,
        prefix: *const u8,
        prefix_len: u32,
        out: *mut u8,
    );
    /// `count` squeezes of a transcript state, digests to `out`.
    fn sha256_squeeze(state: *mut u8, count: u32, out: *mut u8);
    /// BLAKE3 of `count` items of `item_len` bytes each, to `out`.
    fn blake3_each(items: *const u8, item_len: u32, count: u32, out: *mut u8);
    /// `args`: a [`TreeArgs`]; `out`: the top layer's hashes.
    fn blake3_tree(args: *const u32, out: *mut u8);
    /// `args`: a [`TensorArgs`]; `out`: a value per point.
    fn tensor_eval(args: *const u32, out: *mut u128);
    /// `args`: a [`RowArgs`]; `out`: a value per row.
    fn row_dots(args: *const u32, out: *mut u128);
}

// The state and hashes handed to the host are the verifier's types.
const _: () = assert!(
    core::mem::size_of::<State>() == abi::TRANSCRIPT_STATE_BYTES as usize
        && core::mem::size_of::<Hash>() == abi::HASH_BYTES as usize
);

pub struct Host;

fn addr<T>(p: *const T) -> u32 {
    p as usize as u32
}

impl Host {
    fn dots(rows: &[&[u8]], elem_bytes: u32, rs: &[u128]) -> Vec<u128> {
        let row_bytes = rows.first().map_or(0, |r| r.len());
        assert!(
            rows.iter().all(|r| r.len() == row_bytes),
            "row kernel: rows of unequal width"
        );
        let row_len = row_bytes / elem_bytes as usize;
        let table: Vec<u32> = rows.iter().map(|r| addr(r.as_ptr())).collect();
        let args = RowArgs {
            table: addr(table.as_ptr()),
            rows: rows.len() as u32,
            row_len: row_len as u32,
            elem_bytes,
            rs: addr(rs.as_ptr()),
            rs_len: rs.len() as u32,
        }
        .to_words();
        let mut out = vec![0u128; rows.len()];
        // SAFETY: every address in `args` is a live allocation of the length
        // given beside it, and `out` has a value per row.
        unsafe { row_dots(args.as_ptr(), out.as_mut_ptr()) };
        out
    }
}

impl Kernels for Host {
    fn sha256_compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        const BLOCK: usize = abi::SHA256_BLOCK_BYTES as usize;
        if blocks.len() < BLOCK * GUEST_SHA256_BLOCKS {
            for block in blocks.chunks_exact(BLOCK) {
                sha2::compress256(state, &[*sha2::digest::generic_array::GenericArray::from_slice(block)]);
            }
            return;
        }
        // SAFETY: `state` is 8 words; `blocks` is `len / 64` whole blocks.
        unsafe { sha256_compress(state.as_mut_ptr(), blocks.as_ptr(), (blocks.len() / BLOCK) as u32) }
    }

    fn sha256_each(&self, prefix: &[u8], items: &[&[u8]]) -> Vec<Hash> {
        let item_len = items.first().map_or(0, |i| i.len());
        assert!(
            items.iter().all(|i| i.len() == item_len),
            "sha256_each: items of unequal length"
        );
        let table: Vec<u32> = items.iter().map(|i| addr(i.as_ptr())).collect();
        let mut out = vec![[0u8; 32]; items.len()];
        // SAFETY: the table holds `items.len()` addresses of `item_len`
        // readable bytes each; `out` has room for a digest per item.
        unsafe {
            sha256_each(
                table.as_ptr(),
                items.len() as u32,
                item_len as u32,
                prefix.as_ptr(),
                prefix.len() as u32,
                out.as_mut_ptr().cast(),
            )
        };
        out
    }

    fn sha256_squeeze(&self, state: &mut State, count: usize) -> Vec<Hash> {
        if count < GUEST_SHA256_BLOCKS / 2 {
            return (0..count).map(|_| state.squeeze(self)).collect();
        }
        let mut out = vec![[0u8; 32]; count];
        // SAFETY: `state` is a plain value of the ABI's size; `out` has
        // `count` digests.
        unsafe {
            sha256_squeeze(
                (state as *mut State).cast(),
                count as u32,
                out.as_mut_ptr().cast(),
            )
        };
        out
    }

    fn blake3_each(&self, items: &[u8], item_len: usize) -> Vec<Hash> {
        let count = items.len() / item_len;
        let mut out = vec![[0u8; 32]; count];
        // SAFETY: `items` holds `count` items; `out` has room for their hashes.
        unsafe {
            blake3_each(
                items.as_ptr(),
                item_len as u32,
                count as u32,
                out.as_mut_ptr().cast(),
            )
        };
        out
    }

    fn blake3_tree(
        &self,
        leaves: &[Hash],
        siblings: &[Hash],
        layers: &[u32],
        plan: &[[u32; 2]],
    ) -> Vec<Hash> {
        let args = TreeArgs {
            leaves: addr(leaves.as_ptr()),
            n_leaves: leaves.len() as u32,
            siblings: addr(siblings.as_ptr()),
            n_siblings: siblings.len() as u32,
            layers: addr(layers.as_ptr()),
            n_layers: layers.len() as u32,
            plan: addr(plan.as_ptr()),
            n_plan: plan.len() as u32,
        }
        .to_words();
        let top = layers.last().map_or(leaves.len(), |&n| n as usize);
        let mut out = vec![[0u8; 32]; top];
        // SAFETY: every address in `args` is a live slice of the length given
        // beside it, and `out` has room for the top layer.
        unsafe { blake3_tree(args.as_ptr(), out.as_mut_ptr().cast()) };
        out
    }

    fn eval_many(&self, t: &Tensor<'_>) -> Vec<u128> {
        let args = TensorArgs {
            y: addr(t.y.as_ptr()),
            y_len: t.y.len() as u32,
            images: addr(t.images.as_ptr()),
            images_len: t.images.len() as u32,
            width: t.width as u32,
            from: t.from as u32,
            points: addr(t.points.as_ptr()),
            points_len: t.points.len() as u32,
        }
        .to_words();
        let mut out = vec![0u128; t.points.len()];
        // SAFETY: every address in `args` is a live slice of the length given
        // beside it, and `out` has a value per point.
        unsafe { tensor_eval(args.as_ptr(), out.as_mut_ptr()) };
        out
    }

    fn dots32(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        Self::dots(rows, abi::GF32_BYTES, rs)
    }

    fn dots128(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        Self::dots(rows, abi::GF128_BYTES, rs)
    }
}
