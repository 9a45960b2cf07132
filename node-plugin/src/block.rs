//! Headers, blocks and receipts: the types the chain seals and the store keeps.

use codec::{Decode, Encode};
use ligerito_runtime::{ApplyOutcome, EventRecord};
use sp_core::H256;

/// A block header in Substrate's shape.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Header {
    pub parent_hash: H256,
    pub number: u64,
    pub state_root: H256,
    pub extrinsics_root: H256,
}

impl Header {
    /// BLAKE2-256 of the SCALE-encoded header.
    pub fn hash(&self) -> H256 {
        H256(sp_crypto_hashing::blake2_256(&self.encode()))
    }
}

/// A header and the extrinsics it commits to.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    pub header: Header,
    /// SCALE-encoded `UncheckedExtrinsic`s, in order.
    pub extrinsics: Vec<Vec<u8>>,
}

/// What executing a block produced, stored beside it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Receipt {
    pub events: Vec<EventRecord>,
    /// One per extrinsic: result, weight and gas.
    pub outcomes: Vec<ApplyOutcome>,
}
