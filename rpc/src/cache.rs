//! An in-process cache of verdicts.
//!
//! A verdict (and its gas and message) depends only on the guest code, the
//! size, the gas limit and the proof bytes, so a repeated proof is answered
//! from here without a worker, a queue slot or a guest run. Bounded in
//! entries; each entry is an outcome (at most a 256-byte message) and a
//! 32-byte key. A cache that is off or misses only means verifying again.

use ligerito_executor::{CodeHash, Outcome};
use schnellru::{ByLength, LruMap};
use sha2::{Digest, Sha256};
use std::sync::Mutex;

pub struct VerdictCache {
    map: Mutex<LruMap<[u8; 32], Outcome, ByLength>>,
    code: CodeHash,
    gas_limit: u64,
}

impl VerdictCache {
    /// `None` for zero entries: no cache.
    pub fn new(entries: u32, code: CodeHash, gas_limit: u64) -> Option<Self> {
        (entries > 0).then(|| Self {
            map: Mutex::new(LruMap::new(ByLength::new(entries))),
            code,
            gas_limit,
        })
    }

    pub fn key(&self, log_size: u32, proof: &[u8]) -> [u8; 32] {
        Sha256::new()
            .chain_update(self.code.0)
            .chain_update(log_size.to_le_bytes())
            .chain_update(self.gas_limit.to_le_bytes())
            .chain_update(proof)
            .finalize()
            .into()
    }

    pub fn get(&self, key: &[u8; 32]) -> Option<Outcome> {
        self.map.lock().expect("cache poisoned").get(key).cloned()
    }

    pub fn insert(&self, key: [u8; 32], outcome: Outcome) {
        self.map
            .lock()
            .expect("cache poisoned")
            .insert(key, outcome);
    }
}
