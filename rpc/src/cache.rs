//! The verdict cache.
//!
//! A verdict (and its gas and message) depends only on the guest code, the
//! size, the gas limit and the proof bytes, so a repeated proof is answered
//! from here without a worker, a queue slot or a guest run. Two tiers: an
//! in-process LRU bounded in entries and bytes, and optionally a cache shared
//! by every instance ([`SharedCache`], Redis). A cache that is off, misses or
//! fails only means verifying again.

use crate::metrics::Metrics;
use crate::shared::SharedCache;
use ligerito_executor::{CodeHash, Outcome};
use schnellru::{Limiter, LruMap};
use sha2::{Digest, Sha256};
use std::sync::Mutex;

pub type Key = [u8; 32];

pub struct VerdictCache {
    memory: Option<Mutex<LruMap<Key, Outcome, Bounds>>>,
    shared: Option<SharedCache>,
    code: CodeHash,
    gas_limit: u64,
    metrics: Metrics,
}

impl VerdictCache {
    /// `None` when neither tier is on.
    pub fn new(
        entries: u32,
        bytes: usize,
        shared: Option<SharedCache>,
        code: CodeHash,
        gas_limit: u64,
        metrics: Metrics,
    ) -> Option<Self> {
        let memory = (entries > 0 && bytes > 0).then(|| {
            Mutex::new(LruMap::new(Bounds {
                max_entries: entries,
                max_bytes: bytes,
                bytes: 0,
            }))
        });
        (memory.is_some() || shared.is_some()).then_some(Self {
            memory,
            shared,
            code,
            gas_limit,
            metrics,
        })
    }

    /// SHA-256 of what the verdict depends on, and of the tenant that asks,
    /// so that no tenant learns from a hit what another one verified.
    pub fn key(&self, tenant: &str, log_size: u32, proof: &[u8]) -> Key {
        Sha256::new()
            .chain_update(self.code.0)
            .chain_update(log_size.to_le_bytes())
            .chain_update(self.gas_limit.to_le_bytes())
            .chain_update((tenant.len() as u64).to_le_bytes())
            .chain_update(tenant)
            .chain_update(proof)
            .finalize()
            .into()
    }

    /// Looks each key up, in process first, then in the shared cache; a
    /// shared hit is kept in process too.
    pub async fn get(&self, keys: &[Key]) -> Vec<Option<Outcome>> {
        let mut found: Vec<Option<Outcome>> = keys
            .iter()
            .map(|k| {
                self.memory
                    .as_ref()?
                    .lock()
                    .expect("cache poisoned")
                    .get(k)
                    .cloned()
            })
            .collect();
        if let Some(shared) = &self.shared {
            let missing: Vec<Key> = keys
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|(k, _)| *k)
                .collect();
            let mut from_shared = shared.get(&missing).await.into_iter();
            for (key, slot) in keys.iter().zip(found.iter_mut()) {
                if slot.is_some() {
                    continue;
                }
                if let Some(outcome) = from_shared.next().flatten() {
                    self.metrics.shared_cache_hits.inc();
                    self.remember(*key, outcome.clone());
                    *slot = Some(outcome);
                }
            }
        }
        for slot in &found {
            let counter = match slot {
                Some(_) => &self.metrics.cache_hits,
                None => &self.metrics.cache_misses,
            };
            counter.inc();
        }
        found
    }

    /// Keeps fresh verdicts in both tiers.
    pub async fn insert(&self, entries: Vec<(Key, Outcome)>) {
        for (key, outcome) in &entries {
            self.remember(*key, outcome.clone());
        }
        if let Some(shared) = &self.shared {
            shared.set(&entries).await;
        }
    }

    fn remember(&self, key: Key, outcome: Outcome) {
        if let Some(memory) = &self.memory {
            memory.lock().expect("cache poisoned").insert(key, outcome);
        }
    }
}

/// What one entry is counted as against `--cache-bytes`: the key, the
/// outcome and its message (the map's own links and table come on top,
/// about 16 bytes an entry).
fn cost(outcome: &Outcome) -> usize {
    std::mem::size_of::<Key>() + std::mem::size_of::<Outcome>() + outcome.message.capacity()
}

/// Least recently used out first, past either bound.
struct Bounds {
    max_entries: u32,
    max_bytes: usize,
    bytes: usize,
}

impl Limiter<Key, Outcome> for Bounds {
    type KeyToInsert<'a> = Key;
    type LinkType = u32;

    fn is_over_the_limit(&self, length: usize) -> bool {
        length > self.max_entries as usize || self.bytes > self.max_bytes
    }

    fn on_insert(&mut self, _length: usize, key: Key, value: Outcome) -> Option<(Key, Outcome)> {
        let cost = cost(&value);
        if cost > self.max_bytes {
            return None;
        }
        self.bytes += cost;
        Some((key, value))
    }

    fn on_replace(
        &mut self,
        _length: usize,
        _old_key: &mut Key,
        _new_key: Key,
        old_value: &mut Outcome,
        new_value: &mut Outcome,
    ) -> bool {
        let new = cost(new_value);
        if new > self.max_bytes {
            return false;
        }
        self.bytes = self.bytes - cost(old_value) + new;
        true
    }

    fn on_removed(&mut self, _key: &mut Key, value: &mut Outcome) {
        self.bytes -= cost(value);
    }

    fn on_cleared(&mut self) {
        self.bytes = 0;
    }

    fn on_grow(&mut self, _new_memory_usage: usize) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ligerito_executor::Verdict;

    fn outcome(message: &str) -> Outcome {
        Outcome {
            verdict: Verdict::Invalid,
            exit_code: 1,
            gas_used: 7,
            message: message.to_owned(),
        }
    }

    fn cache(entries: u32, bytes: usize) -> VerdictCache {
        VerdictCache::new(
            entries,
            bytes,
            None,
            CodeHash([1; 32]),
            100,
            Metrics::default(),
        )
        .unwrap()
    }

    fn held(cache: &VerdictCache) -> (usize, usize) {
        let map = cache.memory.as_ref().unwrap().lock().unwrap();
        (map.len(), map.limiter().bytes)
    }

    #[tokio::test]
    async fn the_bytes_bound_evicts_the_least_recently_used() {
        let one = cost(&outcome(&"m".repeat(100)));
        let cache = cache(1000, 3 * one);
        let keys: Vec<Key> = (0..4u8).map(|i| [i; 32]).collect();
        for key in &keys[..3] {
            cache.insert(vec![(*key, outcome(&"m".repeat(100)))]).await;
        }
        assert_eq!(held(&cache), (3, 3 * one));
        // Touch the oldest, so the second is now least recently used.
        assert!(cache.get(&keys[..1]).await[0].is_some());
        cache
            .insert(vec![(keys[3], outcome(&"m".repeat(100)))])
            .await;
        assert_eq!(held(&cache), (3, 3 * one));
        let found = cache.get(&keys).await;
        let kept: Vec<bool> = found.iter().map(Option::is_some).collect();
        assert_eq!(kept, [true, false, true, true]);
        // An entry over the whole bound is never kept, and evicts nothing.
        cache
            .insert(vec![([9; 32], outcome(&"m".repeat(4 * one)))])
            .await;
        assert_eq!(held(&cache), (3, 3 * one));
    }

    /// The figure in docs/RPC.md.
    #[test]
    fn an_entry_costs_72_bytes_and_its_message() {
        assert_eq!(cost(&outcome("")), 72);
    }

    #[tokio::test]
    async fn the_entries_bound_still_holds() {
        let cache = cache(2, 1 << 20);
        for i in 0..5u8 {
            cache.insert(vec![([i; 32], outcome("x"))]).await;
        }
        assert_eq!(held(&cache).0, 2);
    }

    #[test]
    fn keys_differ_by_tenant_size_and_proof() {
        let cache = cache(1, 1 << 20);
        let base = cache.key("a", 12, b"proof");
        assert_ne!(base, cache.key("b", 12, b"proof"));
        assert_ne!(base, cache.key("a", 16, b"proof"));
        assert_ne!(base, cache.key("a", 12, b"proof!"));
        // The tenant's length is hashed, so no name runs into the proof.
        assert_ne!(cache.key("ab", 12, b"c"), cache.key("a", 12, b"bc"));
        assert_eq!(base, cache.key("a", 12, b"proof"));
    }
}
