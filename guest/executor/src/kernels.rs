//! The verifier's kernels as host functions (guest/program/src/kernels.rs
//! imports them): SHA-256 compression, BLAKE3 of short items, the tensor
//! descent and the row dot products, computed by
//! [`ligerito_pvm_verifier::Local`] (PCLMULQDQ where the CPU has it).
//!
//! The names, argument blocks and sizes are [`ligerito_kernel_abi`]'s, which
//! the guest packs its arguments with.
//!
//! Each charges its gas before it reads its inputs (the three that take an
//! argument block read that block's 24 or 32 bytes first, to learn the
//! counts): a fixed price per call plus a price per unit of work
//! ([`crate::kernel_gas`]), so the gas, like
//! the result, depends only on the arguments, on both backends. Every length
//! is checked against the guest's memory before the host allocates for it.

use crate::host::CallState;
use crate::kernel_gas as gas;
use crate::MAX_GUEST_MEMORY;
use alloc::{format, string::String, vec::Vec};
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
use ligerito_kernel_abi::{
    self as abi, RowArgs, TensorArgs, TreeArgs, GF128_BYTES, GF32_BYTES, HASH_BYTES,
    MAX_TENSOR_POINTS, PAIR_BYTES, WORD_BYTES,
};
use ligerito_pvm_verifier::kernels::{blake3_batched, Hash, Kernels, Local, MAX_BLAKE3_ITEM};
use ligerito_pvm_verifier::merkle;
use ligerito_pvm_verifier::sha256::State;
use ligerito_pvm_verifier::tensor::Tensor;
use ligerito_pvm_verifier::RowField;
use polkavm::{Caller, Linker, RawInstance};

/// Why a kernel call stopped the guest.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The kernel's price exceeds the gas left.
    #[error("out of gas")]
    OutOfGas,
    /// The arguments are not what the kernel accepts (a broken guest).
    #[error("{kernel}: {reason}")]
    Refused {
        kernel: &'static str,
        reason: String,
    },
}

fn refuse(kernel: &'static str, reason: impl Into<String>) -> HostError {
    HostError::Refused {
        kernel,
        reason: reason.into(),
    }
}

fn charge(instance: &mut RawInstance, cost: u64) -> Result<(), HostError> {
    let left = instance.gas();
    match i64::try_from(cost) {
        Ok(cost) if cost <= left => {
            instance.set_gas(left - cost);
            Ok(())
        }
        _ => {
            instance.set_gas(0);
            Err(HostError::OutOfGas)
        }
    }
}

/// `count` items of `size` bytes as one length, if it fits in guest memory.
fn span(kernel: &'static str, count: u32, size: u32) -> Result<u32, HostError> {
    let len = u64::from(count) * u64::from(size);
    if len > u64::from(MAX_GUEST_MEMORY) {
        return Err(refuse(kernel, format!("{len} bytes exceed guest memory")));
    }
    Ok(len as u32)
}

/// Reads guest memory, for [`gas::READ`]: on the compiler each access to
/// the guest's memory is a system call, whatever its length.
fn read(
    instance: &mut RawInstance,
    kernel: &'static str,
    address: u32,
    len: u32,
) -> Result<Vec<u8>, HostError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    charge(instance, gas::READ)?;
    instance
        .read_memory(address, len)
        .map_err(|e| refuse(kernel, format!("reading {len} bytes at {address:#x}: {e}")))
}

/// Writes guest memory, for [`gas::READ`] as [`read`].
fn write(
    instance: &mut RawInstance,
    kernel: &'static str,
    address: u32,
    bytes: &[u8],
) -> Result<(), HostError> {
    if bytes.is_empty() {
        return Ok(());
    }
    charge(instance, gas::READ)?;
    instance.write_memory(address, bytes).map_err(|e| {
        refuse(
            kernel,
            format!("writing {} bytes at {address:#x}: {e}", bytes.len()),
        )
    })
}

/// Hands the `len`-byte items at `addresses` to `f` in order. Each read of
/// guest memory is a system call on the compiler (and a [`gas::READ`]), so
/// items that lie close together (as a guest's allocations of one batch do)
/// are read in one go; the results are the same either way.
fn each_item(
    instance: &mut RawInstance,
    kernel: &'static str,
    addresses: &[u32],
    len: u32,
    mut f: impl FnMut(&[u8]),
) -> Result<(), HostError> {
    let (Some(&lo), Some(&hi)) = (addresses.iter().min(), addresses.iter().max()) else {
        return Ok(());
    };
    let span = u64::from(hi) + u64::from(len) - u64::from(lo);
    let total = addresses.len() as u64 * u64::from(len);
    if span <= u64::from(MAX_GUEST_MEMORY) && span <= 2 * total + (64 << 10) {
        let bytes = read(instance, kernel, lo, span as u32)?;
        for &a in addresses {
            let at = (a - lo) as usize;
            f(&bytes[at..at + len as usize]);
        }
    } else {
        for &a in addresses {
            f(&read(instance, kernel, a, len)?);
        }
    }
    Ok(())
}

fn addresses(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(WORD_BYTES as usize)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect()
}

fn words<const N: usize>(
    instance: &mut RawInstance,
    kernel: &'static str,
    address: u32,
) -> Result<[u32; N], HostError> {
    let bytes = read(instance, kernel, address, WORD_BYTES * N as u32)?;
    Ok(addresses(&bytes).try_into().expect("N words"))
}

fn u128s(bytes: &[u8]) -> Vec<u128> {
    bytes
        .chunks_exact(GF128_BYTES as usize)
        .map(|b| u128::from_le_bytes(b.try_into().expect("16 bytes")))
        .collect()
}

fn sha256_compress(
    caller: Caller<CallState>,
    state: u32,
    blocks: u32,
    count: u32,
) -> Result<(), HostError> {
    const K: &str = abi::SHA256_COMPRESS;
    let i = caller.instance;
    charge(i, gas::CALL + u64::from(count) * gas::SHA256_BLOCK)?;
    let len = span(K, count, abi::SHA256_BLOCK_BYTES)?;
    let mut words: [u32; abi::SHA256_CHAINING_WORDS] = self::words(i, K, state)?;
    Local.sha256_compress(&mut words, &read(i, K, blocks, len)?);
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    write(i, K, state, &bytes)
}

/// Blocks SHA-256 compresses for `len` bytes, padding included.
fn sha256_blocks(len: u64) -> u64 {
    (len + 9).div_ceil(u64::from(abi::SHA256_BLOCK_BYTES))
}

#[allow(clippy::too_many_arguments)]
fn sha256_each(
    caller: Caller<CallState>,
    items: u32,
    count: u32,
    item_len: u32,
    prefix: u32,
    prefix_len: u32,
    out: u32,
) -> Result<(), HostError> {
    const K: &str = abi::SHA256_EACH;
    let i = caller.instance;
    let blocks = sha256_blocks(u64::from(item_len) + u64::from(prefix_len));
    let per_item = gas::SHA256_ITEM + blocks.saturating_mul(gas::SHA256_BLOCK);
    charge(i, gas::CALL + u64::from(count).saturating_mul(per_item))?;
    if count == 0 {
        // the prefix is paid for per item: with none, it is not read
        return Ok(());
    }
    let item_bytes = span(K, item_len, 1)?;
    let prefix = read(i, K, prefix, span(K, prefix_len, 1)?)?;
    let table = addresses(&read(i, K, items, span(K, count, WORD_BYTES)?)?);
    let mut digests = Vec::with_capacity(HASH_BYTES as usize * count as usize);
    each_item(i, K, &table, item_bytes, |item| {
        digests.extend_from_slice(&Local.sha256_each(&prefix, &[item])[0])
    })?;
    write(i, K, out, &digests)
}

fn sha256_squeeze(
    caller: Caller<CallState>,
    state: u32,
    count: u32,
    out: u32,
) -> Result<(), HostError> {
    const K: &str = abi::SHA256_SQUEEZE;
    let i = caller.instance;
    charge(i, gas::CALL + u64::from(count) * gas::SHA256_SQUEEZE)?;
    span(K, count, HASH_BYTES)?;
    let bytes = read(i, K, state, abi::TRANSCRIPT_STATE_BYTES)?;
    let mut s: State = bytemuck::pod_read_unaligned(&bytes);
    if !s.is_sound() {
        return Err(refuse(
            K,
            format!("{} bytes buffered of a 64-byte block", s.filled),
        ));
    }
    let digests = Local.sha256_squeeze(&mut s, count as usize);
    write(i, K, state, bytemuck::bytes_of(&s))?;
    write(i, K, out, digests.as_flattened())
}

fn blake3_each(
    caller: Caller<CallState>,
    items: u32,
    item_len: u32,
    count: u32,
    out: u32,
) -> Result<(), HostError> {
    const K: &str = abi::BLAKE3_EACH;
    let i = caller.instance;
    let work = if blake3_batched(item_len as usize) {
        gas::BLAKE3_BATCH + u64::from(count) * gas::BLAKE3_BLOCK
    } else {
        u64::from(count) * gas::BLAKE3_ITEM
    };
    charge(i, gas::CALL + work)?;
    if !(1..=MAX_BLAKE3_ITEM as u32).contains(&item_len) {
        return Err(refuse(K, format!("items of {item_len} bytes")));
    }
    let len = span(K, count, item_len)?;
    let hashes = Local.blake3_each(&read(i, K, items, len)?, item_len as usize);
    write(i, K, out, hashes.as_flattened())
}

// The state and hashes the guest hands over are the verifier's types.
const _: () = assert!(
    core::mem::size_of::<State>() == abi::TRANSCRIPT_STATE_BYTES as usize
        && core::mem::size_of::<Hash>() == HASH_BYTES as usize
);

fn hashes(bytes: &[u8]) -> Vec<Hash> {
    bytes
        .chunks_exact(HASH_BYTES as usize)
        .map(|b| b.try_into().expect("32 bytes"))
        .collect()
}

fn blake3_tree(caller: Caller<CallState>, args: u32, out: u32) -> Result<(), HostError> {
    const K: &str = abi::BLAKE3_TREE;
    let i = caller.instance;
    let TreeArgs {
        leaves,
        n_leaves,
        siblings,
        n_siblings,
        layers,
        n_layers,
        plan,
        n_plan,
    } = TreeArgs::from_words(words(i, K, args)?);
    // each layer is a batch of blocks (`merkle::tree`)
    charge(
        i,
        gas::CALL + u64::from(n_layers) * gas::BLAKE3_BATCH + u64::from(n_plan) * gas::BLAKE3_BLOCK,
    )?;
    // Only the plan is priced, so nothing is read or looped over that the
    // plan does not bound: every layer hashes at least one of its pairs,
    // and only the leaves and siblings it names are read.
    if n_layers > n_plan {
        return Err(refuse(K, format!("{n_layers} layers for {n_plan} pairs")));
    }
    let plan: Vec<[u32; 2]> = addresses(&read(i, K, plan, span(K, n_plan, PAIR_BYTES)?)?)
        .chunks_exact(2)
        .map(|p| [p[0], p[1]])
        .collect();
    let layers = addresses(&read(i, K, layers, span(K, n_layers, WORD_BYTES)?)?);
    if layers.is_empty()
        || layers.contains(&0)
        || layers.iter().map(|&n| u64::from(n)).sum::<u64>() != plan.len() as u64
    {
        return Err(refuse(
            K,
            "the layers do not split the plan into non-empty parts",
        ));
    }
    let first = &plan[..layers.first().map_or(0, |&n| n as usize)];
    let named = |refs: &mut dyn Iterator<Item = u32>| refs.map(|r| r + 1).max().unwrap_or(0);
    let leaves_named = named(
        &mut first
            .iter()
            .flatten()
            .copied()
            .filter(|r| r & merkle::SIBLING == 0),
    );
    let siblings_named = named(
        &mut plan
            .iter()
            .flatten()
            .filter(|&&r| r & merkle::SIBLING != 0)
            .map(|&r| r & !merkle::SIBLING),
    );
    if leaves_named > n_leaves || siblings_named > n_siblings {
        return Err(refuse(K, MISSING_NODE));
    }
    let leaves = hashes(&read(i, K, leaves, span(K, leaves_named, HASH_BYTES)?)?);
    let siblings = hashes(&read(i, K, siblings, span(K, siblings_named, HASH_BYTES)?)?);
    let top = merkle::tree(&Local, &leaves, &siblings, &layers, &plan)
        .ok_or_else(|| refuse(K, MISSING_NODE))?;
    write(i, K, out, top.as_flattened())
}

const MISSING_NODE: &str = "the plan names a node or sibling that does not exist";

fn tensor_eval(caller: Caller<CallState>, args: u32, out: u32) -> Result<(), HostError> {
    const K: &str = abi::TENSOR_EVAL;
    let i = caller.instance;
    let TensorArgs {
        y,
        y_len,
        images,
        images_len,
        width,
        from,
        points,
        points_len,
    } = TensorArgs::from_words(words(i, K, args)?);
    let elements = u64::from(y_len) + u64::from(images_len);
    charge(
        i,
        gas::CALL + elements * gas::TENSOR_ELEMENT + u64::from(points_len) * gas::TENSOR_POINT,
    )?;
    let n = y_len.checked_ilog2().unwrap_or(0);
    if y_len != 1 << n || u64::from(images_len) != u64::from(n) * u64::from(width) {
        return Err(refuse(
            K,
            "y is not 2^n values or images not n rows of width",
        ));
    }
    if points_len > MAX_TENSOR_POINTS {
        return Err(refuse(
            K,
            format!("{points_len} points (at most {MAX_TENSOR_POINTS})"),
        ));
    }
    let y = u128s(&read(i, K, y, span(K, y_len, GF128_BYTES)?)?);
    let images = u128s(&read(i, K, images, span(K, images_len, GF128_BYTES)?)?);
    let points = addresses(&read(i, K, points, span(K, points_len, WORD_BYTES)?)?);
    let t = Tensor {
        y: &y,
        images: &images,
        width: width as usize,
        from: from as usize,
        points: &points,
    };
    charge(
        i,
        t.products(n as usize).saturating_mul(gas::TENSOR_PRODUCT),
    )?;
    let values = Local::try_eval_many(&t).expect("factors checked");
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    write(i, K, out, &bytes)
}

fn row_dots(caller: Caller<CallState>, args: u32, out: u32) -> Result<(), HostError> {
    const K: &str = abi::ROW_DOTS;
    let i = caller.instance;
    let RowArgs {
        table,
        rows,
        row_len,
        elem_bytes,
        rs,
        rs_len,
    } = RowArgs::from_words(words(i, K, args)?);
    let per_element = match elem_bytes {
        GF32_BYTES => gas::DOT32_ELEMENT,
        GF128_BYTES => gas::DOT128_ELEMENT,
        _ => return Err(refuse(K, format!("elements of {elem_bytes} bytes"))),
    };
    let elements = u64::from(rows) * u64::from(row_len);
    // GF(2^32) rows take two 1,024-entry tables per call
    let setup = if elem_bytes == GF32_BYTES {
        gas::DOT32_SETUP
    } else {
        0
    };
    charge(i, gas::CALL + setup + elements.saturating_mul(per_element))?;
    if rs_len >= 32 || u64::from(row_len) != 1 << rs_len {
        return Err(refuse(
            K,
            format!("rows of {row_len} for {rs_len} challenges"),
        ));
    }
    let rs = u128s(&read(i, K, rs, span(K, rs_len, GF128_BYTES)?)?);
    let row_bytes = span(K, row_len, elem_bytes)?;
    let table = addresses(&read(i, K, table, span(K, rows, WORD_BYTES)?)?);
    let values = if elem_bytes == GF32_BYTES {
        dots::<BinaryElem32>(i, &table, row_bytes, &rs)?
    } else {
        dots::<BinaryElem128>(i, &table, row_bytes, &rs)?
    };
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    write(i, K, out, &bytes)
}

fn dots<F: RowField>(
    instance: &mut RawInstance,
    table: &[u32],
    row_bytes: u32,
    rs: &[u128],
) -> Result<Vec<u128>, HostError> {
    let width = row_bytes as usize / core::mem::size_of::<F>();
    let d = Local::prepare_dots::<F>(rs, table.len(), width);
    let mut values = Vec::with_capacity(table.len());
    each_item(instance, abi::ROW_DOTS, table, row_bytes, |row| {
        values.push(d.row(row))
    })?;
    Ok(values)
}

pub fn define(linker: &mut Linker<CallState, HostError>) {
    linker
        .define_typed(abi::SHA256_COMPRESS, sha256_compress)
        .expect("fresh name");
    linker
        .define_typed(abi::SHA256_EACH, sha256_each)
        .expect("fresh name");
    linker
        .define_typed(abi::SHA256_SQUEEZE, sha256_squeeze)
        .expect("fresh name");
    linker
        .define_typed(abi::BLAKE3_EACH, blake3_each)
        .expect("fresh name");
    linker
        .define_typed(abi::BLAKE3_TREE, blake3_tree)
        .expect("fresh name");
    linker
        .define_typed(abi::TENSOR_EVAL, tensor_eval)
        .expect("fresh name");
    linker
        .define_typed(abi::ROW_DOTS, row_dots)
        .expect("fresh name");
}
