//! Blocks, receipts and the runtime state on disk (redb), one atomic write
//! per block.

use crate::block::{Block, Receipt};
use codec::{Decode, Encode};
use ligerito_runtime::state::Changes;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::path::Path;

const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
const RECEIPTS: TableDefinition<u64, &[u8]> = TableDefinition::new("receipts");
const HASHES: TableDefinition<&[u8; 32], u64> = TableDefinition::new("hashes");
/// The runtime's storage, every key and value, as of block `STATE_AT`.
const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const STATE_AT: &str = "state_at";

/// A stored runtime state: the block it is at, and its keys and values.
pub type StoredState = (u64, Vec<(Vec<u8>, Vec<u8>)>);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(String),
    #[error("stored data does not decode: {0}")]
    Corrupt(String),
    #[error("block {0} is missing")]
    Missing(u64),
}

fn db_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

pub struct Store {
    db: Database,
}

impl Store {
    /// Opens or creates the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::create(path).map_err(db_error)?;
        let tx = db.begin_write().map_err(db_error)?;
        tx.open_table(BLOCKS).map_err(db_error)?;
        tx.open_table(RECEIPTS).map_err(db_error)?;
        tx.open_table(HASHES).map_err(db_error)?;
        tx.open_table(STATE).map_err(db_error)?;
        tx.open_table(META).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(Self { db })
    }

    /// Writes a block, its receipt, its hash index and the block's state
    /// changes in one transaction: the stored state is always the best
    /// block's.
    pub fn commit(
        &self,
        block: &Block,
        receipt: &Receipt,
        changes: &Changes,
    ) -> Result<(), StoreError> {
        let number = block.header.number;
        let tx = self.db.begin_write().map_err(db_error)?;
        {
            let mut state = tx.open_table(STATE).map_err(db_error)?;
            for (key, value) in changes {
                match value {
                    Some(value) => state.insert(key.as_slice(), value.as_slice()),
                    None => state.remove(key.as_slice()),
                }
                .map_err(db_error)?;
            }
            tx.open_table(META)
                .map_err(db_error)?
                .insert(STATE_AT, number)
                .map_err(db_error)?;
            tx.open_table(BLOCKS)
                .map_err(db_error)?
                .insert(number, block.encode().as_slice())
                .map_err(db_error)?;
            tx.open_table(RECEIPTS)
                .map_err(db_error)?
                .insert(number, receipt.encode().as_slice())
                .map_err(db_error)?;
            tx.open_table(HASHES)
                .map_err(db_error)?
                .insert(&block.header.hash().0, number)
                .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)
    }

    /// Replaces the stored state with `pairs`, the state at block `at`.
    pub fn write_state(&self, at: u64, pairs: &[(Vec<u8>, Vec<u8>)]) -> Result<(), StoreError> {
        let tx = self.db.begin_write().map_err(db_error)?;
        {
            let mut state = tx.open_table(STATE).map_err(db_error)?;
            state.retain(|_, _| false).map_err(db_error)?;
            for (key, value) in pairs {
                state
                    .insert(key.as_slice(), value.as_slice())
                    .map_err(db_error)?;
            }
            tx.open_table(META)
                .map_err(db_error)?
                .insert(STATE_AT, at)
                .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)
    }

    /// The stored state, if any (a chain written before the state was
    /// stored has none).
    pub fn state(&self) -> Result<Option<StoredState>, StoreError> {
        let tx = self.db.begin_read().map_err(db_error)?;
        let Some(at) = tx
            .open_table(META)
            .map_err(db_error)?
            .get(STATE_AT)
            .map_err(db_error)?
            .map(|at| at.value())
        else {
            return Ok(None);
        };
        let pairs = tx
            .open_table(STATE)
            .map_err(db_error)?
            .iter()
            .map_err(db_error)?
            .map(|entry| {
                let (key, value) = entry.map_err(db_error)?;
                Ok((key.value().to_vec(), value.value().to_vec()))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some((at, pairs)))
    }

    /// The highest stored block number.
    pub fn best_number(&self) -> Result<Option<u64>, StoreError> {
        let tx = self.db.begin_read().map_err(db_error)?;
        let table = tx.open_table(BLOCKS).map_err(db_error)?;
        let last = table.last().map_err(db_error)?;
        Ok(last.map(|(number, _)| number.value()))
    }

    pub fn block(&self, number: u64) -> Result<Option<(Block, Receipt)>, StoreError> {
        let tx = self.db.begin_read().map_err(db_error)?;
        let blocks = tx.open_table(BLOCKS).map_err(db_error)?;
        let receipts = tx.open_table(RECEIPTS).map_err(db_error)?;
        let (Some(block), Some(receipt)) = (
            blocks.get(number).map_err(db_error)?,
            receipts.get(number).map_err(db_error)?,
        ) else {
            return Ok(None);
        };
        let decode_error = |e: codec::Error| StoreError::Corrupt(format!("block {number}: {e}"));
        let block = Block::decode(&mut block.value()).map_err(decode_error)?;
        let receipt = Receipt::decode(&mut receipt.value()).map_err(decode_error)?;
        Ok(Some((block, receipt)))
    }

    pub fn number_of(&self, hash: &[u8; 32]) -> Result<Option<u64>, StoreError> {
        let tx = self.db.begin_read().map_err(db_error)?;
        let table = tx.open_table(HASHES).map_err(db_error)?;
        Ok(table.get(hash).map_err(db_error)?.map(|n| n.value()))
    }
}
