//! Key-value state with a transactional overlay and a Merkle-Patricia root.
//!
//! Committed values live in a base-16 Patricia trie (Substrate's `LayoutV1`
//! over BLAKE2-256, via `sp-trie`). Writes collect in overlays: one per open
//! transaction, and one for the block. `root()` folds the block's changes
//! into the trie, so its cost grows with what changed, not with the state.

use sp_core::{Blake2Hasher, H256};
use sp_trie::{LayoutV1, PrefixedMemoryDB, Trie, TrieDBBuilder, TrieDBMutBuilder};
use std::collections::BTreeMap;

type Layout = LayoutV1<Blake2Hasher>;
/// Writes by key: `Some` sets the value, `None` removes the key.
pub type Changes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Runtime state: an in-memory trie plus pending changes.
pub struct State {
    db: PrefixedMemoryDB<Blake2Hasher>,
    root: H256,
    block: Changes,
    transactions: Vec<Changes>,
}

impl Default for State {
    fn default() -> Self {
        let mut db = PrefixedMemoryDB::default();
        let mut root = H256::default();
        // An empty trie's root node must exist in the db for later updates.
        TrieDBMutBuilder::<Layout>::new(&mut db, &mut root)
            .build()
            .commit();
        Self {
            db,
            root,
            block: Changes::new(),
            transactions: Vec::new(),
        }
    }
}

impl State {
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        for layer in self
            .transactions
            .iter()
            .rev()
            .chain(std::iter::once(&self.block))
        {
            if let Some(value) = layer.get(key) {
                return value.clone();
            }
        }
        sp_trie::read_trie_value::<Layout, _>(&self.db, &self.root, key, None, None)
            .expect("the trie holds every node its root refers to")
    }

    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.top().insert(key, Some(value));
    }

    pub fn remove(&mut self, key: Vec<u8>) {
        self.top().insert(key, None);
    }

    fn top(&mut self) -> &mut Changes {
        self.transactions.last_mut().unwrap_or(&mut self.block)
    }

    /// Opens a transaction: later writes are kept or dropped together.
    pub fn start_transaction(&mut self) {
        self.transactions.push(Changes::new());
    }

    /// Keeps the innermost transaction's writes.
    pub fn commit_transaction(&mut self) {
        let changes = self.transactions.pop().expect("a transaction is open");
        self.top().extend(changes);
    }

    /// Drops the innermost transaction's writes.
    pub fn rollback_transaction(&mut self) {
        self.transactions.pop().expect("a transaction is open");
    }

    /// Drops every change since the last root: open transactions and the block's.
    pub fn discard_block(&mut self) {
        self.transactions.clear();
        self.block.clear();
    }

    /// The root over every committed change; folds the block's changes in.
    pub fn root(&mut self) -> H256 {
        self.commit_block().0
    }

    /// Folds the block's changes into the trie; returns the new root and
    /// those changes, for a node to persist beside the block.
    pub fn commit_block(&mut self) -> (H256, Changes) {
        assert!(
            self.transactions.is_empty(),
            "root of a state with an open transaction"
        );
        let changes = std::mem::take(&mut self.block);
        self.root = sp_trie::delta_trie_root::<Layout, _, _, _, _, _>(
            &mut self.db,
            self.root,
            changes.iter().map(|(k, v)| (k.as_slice(), v.as_deref())),
            None,
            None,
        )
        .expect("the trie holds every node its root refers to");
        (self.root, changes)
    }

    /// Every key and value in the trie, in key order: the state as of the
    /// last root (changes not yet folded in are left out).
    pub fn pairs(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let trie = TrieDBBuilder::<Layout>::new(&self.db, &self.root).build();
        trie.iter()
            .expect("the trie holds every node its root refers to")
            .map(|item| item.expect("the trie holds every node its root refers to"))
            .collect()
    }

    /// A state holding exactly `pairs`, its root computed.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Self {
        let mut state = Self {
            block: pairs.into_iter().map(|(k, v)| (k, Some(v))).collect(),
            ..Self::default()
        };
        state.root();
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_rebuilt_from_its_pairs_has_the_same_root() {
        let mut state = State::default();
        state.set(b"a".to_vec(), b"1".to_vec());
        state.set(b"b".to_vec(), b"2".to_vec());
        state.root();
        state.remove(b"a".to_vec());
        state.set(b"c".to_vec(), b"3".to_vec());
        let (root, changes) = state.commit_block();
        assert_eq!(
            changes.into_iter().collect::<Vec<_>>(),
            vec![(b"a".to_vec(), None), (b"c".to_vec(), Some(b"3".to_vec()))]
        );
        let pairs = state.pairs();
        assert_eq!(
            pairs,
            vec![
                (b"b".to_vec(), b"2".to_vec()),
                (b"c".to_vec(), b"3".to_vec())
            ]
        );
        assert_eq!(State::from_pairs(pairs).root(), root);
    }

    #[test]
    fn rolled_back_writes_leave_the_root_unchanged() {
        let mut state = State::default();
        state.set(b"a".to_vec(), b"1".to_vec());
        let root = state.root();
        state.start_transaction();
        state.set(b"b".to_vec(), b"2".to_vec());
        state.remove(b"a".to_vec());
        assert_eq!(state.get(b"a"), None);
        state.rollback_transaction();
        assert_eq!(state.get(b"a"), Some(b"1".to_vec()));
        assert_eq!(state.root(), root);
    }

    #[test]
    fn discarded_block_leaves_the_last_root() {
        let mut state = State::default();
        state.set(b"a".to_vec(), b"1".to_vec());
        let root = state.root();
        state.set(b"a".to_vec(), b"2".to_vec());
        state.start_transaction();
        state.set(b"b".to_vec(), b"3".to_vec());
        state.discard_block();
        assert_eq!(state.get(b"a"), Some(b"1".to_vec()));
        assert_eq!(state.get(b"b"), None);
        assert_eq!(state.root(), root);
    }

    #[test]
    fn committed_nested_writes_reach_the_root() {
        let mut state = State::default();
        let empty = state.root();
        state.start_transaction();
        state.start_transaction();
        state.set(b"k".to_vec(), b"v".to_vec());
        state.commit_transaction();
        state.commit_transaction();
        let root = state.root();
        assert_ne!(root, empty);
        assert_eq!(state.get(b"k"), Some(b"v".to_vec()));
        state.remove(b"k".to_vec());
        assert_eq!(state.root(), empty);
    }

    #[test]
    fn root_depends_on_content_not_on_write_order() {
        let mut one = State::default();
        one.set(b"x".to_vec(), b"1".to_vec());
        one.set(b"y".to_vec(), b"2".to_vec());
        let mut two = State::default();
        two.set(b"y".to_vec(), b"2".to_vec());
        two.root();
        two.set(b"x".to_vec(), b"1".to_vec());
        assert_eq!(one.root(), two.root());
    }
}
