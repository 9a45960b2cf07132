//! Blocks and receipts on disk (redb), one atomic write per block.

use crate::chain::{Block, Receipt};
use codec::{Decode, Encode};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::path::Path;

const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
const RECEIPTS: TableDefinition<u64, &[u8]> = TableDefinition::new("receipts");
const HASHES: TableDefinition<&[u8; 32], u64> = TableDefinition::new("hashes");

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
        tx.commit().map_err(db_error)?;
        Ok(Self { db })
    }

    /// Writes a block, its receipt and its hash index in one transaction.
    pub fn commit(&self, block: &Block, receipt: &Receipt) -> Result<(), StoreError> {
        let number = block.header.number;
        let tx = self.db.begin_write().map_err(db_error)?;
        {
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
