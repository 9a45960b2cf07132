//! A broken host for tests: [`Local`]'s kernels, one of which returns a
//! value too few.

use crate::kernels::{Hash, Kernels, Local};
use crate::sha256::State;
use crate::tensor::Tensor;
use alloc::vec::Vec;

/// [`Local`], except that the kernel with this guest import name
/// (`row_dots` for both row fields) drops its last value.
pub struct Short(pub &'static str);

impl Short {
    fn cut<T>(&self, kernel: &str, mut values: Vec<T>) -> Vec<T> {
        if self.0 == kernel {
            values.pop();
        }
        values
    }
}

impl Kernels for Short {
    fn sha256_compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        Local.sha256_compress(state, blocks)
    }

    fn sha256_each(&self, prefix: &[u8], items: &[&[u8]]) -> Vec<Hash> {
        self.cut("sha256_each", Local.sha256_each(prefix, items))
    }

    fn sha256_squeeze(&self, state: &mut State, count: usize) -> Vec<Hash> {
        self.cut("sha256_squeeze", Local.sha256_squeeze(state, count))
    }

    fn blake3_each(&self, items: &[u8], item_len: usize) -> Vec<Hash> {
        self.cut("blake3_each", Local.blake3_each(items, item_len))
    }

    fn blake3_tree(
        &self,
        leaves: &[Hash],
        siblings: &[Hash],
        layers: &[u32],
        plan: &[[u32; 2]],
    ) -> Vec<Hash> {
        self.cut(
            "blake3_tree",
            Local.blake3_tree(leaves, siblings, layers, plan),
        )
    }

    fn eval_many(&self, t: &Tensor<'_>) -> Vec<u128> {
        self.cut("tensor_eval", Local.eval_many(t))
    }

    fn dots32(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        self.cut("row_dots", Local.dots32(rows, rs))
    }

    fn dots128(&self, rows: &[&[u8]], rs: &[u128]) -> Vec<u128> {
        self.cut("row_dots", Local.dots128(rows, rs))
    }
}
