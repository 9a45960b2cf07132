//! A bounded transaction pool that refuses what can never apply.

use ligerito_runtime::{InvalidTransaction, Runtime, UncheckedExtrinsic};
use sp_core::H256;

/// Why the pool refused an extrinsic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// The extrinsic itself is invalid now (bad encoding, signature, stale nonce, origin).
    #[error("invalid transaction: {0}")]
    Invalid(#[from] InvalidTransaction),
    /// The same extrinsic is already pending.
    #[error("already pending")]
    AlreadyPending,
    /// The pool holds its maximum count or bytes.
    #[error("the transaction pool is full")]
    Full,
}

pub struct Pool {
    pending: Vec<(H256, UncheckedExtrinsic, Vec<u8>)>,
    bytes: usize,
    max_count: usize,
    max_bytes: usize,
}

impl Pool {
    pub fn new(max_count: usize, max_bytes: usize) -> Self {
        Self {
            pending: Vec::new(),
            bytes: 0,
            max_count,
            max_bytes,
        }
    }

    /// Admits an extrinsic that is valid now or has a future nonce; returns its hash.
    pub fn submit(&mut self, runtime: &Runtime, bytes: Vec<u8>) -> Result<H256, PoolError> {
        let xt = UncheckedExtrinsic::decode_exact(&bytes)?;
        runtime.validate(&xt, true)?;
        let hash = H256(sp_crypto_hashing::blake2_256(&bytes));
        if self.pending.iter().any(|(h, ..)| *h == hash) {
            return Err(PoolError::AlreadyPending);
        }
        if self.pending.len() >= self.max_count || self.bytes + bytes.len() > self.max_bytes {
            return Err(PoolError::Full);
        }
        self.bytes += bytes.len();
        self.pending.push((hash, xt, bytes));
        Ok(hash)
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The pending extrinsics, encoded, in arrival order.
    pub fn pending(&self) -> Vec<Vec<u8>> {
        self.pending
            .iter()
            .map(|(.., bytes)| bytes.clone())
            .collect()
    }

    /// The candidates for the next block: each signer's in nonce order,
    /// otherwise in arrival order.
    pub fn candidates(&self) -> Vec<Vec<u8>> {
        let mut ordered: Vec<&(H256, UncheckedExtrinsic, Vec<u8>)> = self.pending.iter().collect();
        ordered.sort_by_key(|(_, xt, _)| xt.nonce);
        ordered
            .into_iter()
            .map(|(.., bytes)| bytes.clone())
            .collect()
    }

    /// The candidates that can apply in order on `runtime`'s state: each
    /// signer's nonces from its next one without a gap. Empty when only
    /// future nonces wait, so that no empty block is sealed for them.
    pub fn ready(&self, runtime: &Runtime) -> Vec<Vec<u8>> {
        let mut ordered: Vec<&(H256, UncheckedExtrinsic, Vec<u8>)> = self.pending.iter().collect();
        ordered.sort_by_key(|(_, xt, _)| xt.nonce);
        let mut next = std::collections::HashMap::new();
        ordered
            .into_iter()
            .filter(|(_, xt, _)| {
                let expected = next
                    .entry(xt.signer)
                    .or_insert_with(|| runtime.nonce(&xt.signer));
                let ready = xt.nonce == *expected;
                if ready {
                    *expected += 1;
                }
                ready
            })
            .map(|(.., bytes)| bytes.clone())
            .collect()
    }

    /// Drops the extrinsic with this hash; whether it was pending.
    pub fn remove(&mut self, hash: &H256) -> bool {
        let Some(at) = self.pending.iter().position(|(h, ..)| h == hash) else {
            return false;
        };
        let (.., bytes) = self.pending.remove(at);
        self.bytes -= bytes.len();
        true
    }

    /// Drops what the new state makes useless: included or now invalid.
    /// Future nonces stay. Signatures were checked on admission and cannot
    /// change, so only the nonce, origin and weight are checked again.
    pub fn prune(&mut self, runtime: &Runtime) {
        self.pending
            .retain(|(_, xt, _)| runtime.revalidate(xt, true).is_ok());
        self.bytes = self.pending.iter().map(|(.., bytes)| bytes.len()).sum();
    }
}
