//! What the node's methods take and return, in Substrate's JSON shapes.

use crate::block::{Block, Header, Receipt};
use codec::Encode;
use serde::{Deserialize, Serialize};
use sp_core::H256;

/// A block number (JSON number or 0x-hex string) or a 0x-hex block hash.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BlockRef {
    Number(u64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderJson {
    pub parent_hash: String,
    /// 0x-hex, as Substrate writes it.
    pub number: String,
    pub state_root: String,
    pub extrinsics_root: String,
    pub digest: Digest,
}

/// Always empty: blocks carry no digest items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub logs: Vec<String>,
}

impl From<&Header> for HeaderJson {
    fn from(header: &Header) -> Self {
        Self {
            parent_hash: hex_hash(&header.parent_hash),
            number: format!("{:#x}", header.number),
            state_root: hex_hash(&header.state_root),
            extrinsics_root: hex_hash(&header.extrinsics_root),
            digest: Digest::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedBlockJson {
    pub block: BlockJson,
    /// Always null: finality is instant, nothing to justify.
    pub justifications: Option<()>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockJson {
    pub header: HeaderJson,
    /// 0x-hex SCALE extrinsics.
    pub extrinsics: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemHealth {
    pub peers: u32,
    pub is_syncing: bool,
    pub should_have_peers: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptJson {
    pub number: u64,
    pub hash: String,
    pub extrinsics: Vec<OutcomeJson>,
    pub events: Vec<EventJson>,
}

/// How one included extrinsic ended.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeJson {
    pub index: u32,
    pub hash: String,
    pub success: bool,
    /// The module error's name, e.g. `InvalidProof`, when it failed.
    pub error: Option<String>,
    pub weight: u64,
    pub actual_weight: u64,
    pub gas_used: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventJson {
    pub extrinsic_index: u32,
    /// 0x-hex SCALE `RuntimeEvent` (types in `state_getMetadata`).
    pub event: String,
    /// The same event for people; its wording is not a stable interface.
    pub readable: String,
}

impl ReceiptJson {
    pub(crate) fn new(block: &Block, receipt: &Receipt) -> Self {
        Self {
            number: block.header.number,
            hash: hex_hash(&block.header.hash()),
            extrinsics: block
                .extrinsics
                .iter()
                .zip(&receipt.outcomes)
                .enumerate()
                .map(|(index, (xt, outcome))| OutcomeJson {
                    index: index as u32,
                    hash: hex_hash(&extrinsic_hash(xt)),
                    success: outcome.result.is_ok(),
                    error: outcome.result.err().map(|e| format!("{e:?}")),
                    weight: outcome.info.weight,
                    actual_weight: outcome.info.actual_weight,
                    gas_used: outcome.gas_used,
                })
                .collect(),
            events: receipt
                .events
                .iter()
                .map(|record| EventJson {
                    extrinsic_index: record.extrinsic_index,
                    event: hex_bytes(&record.event.encode()),
                    readable: format!("{:?}", record.event),
                })
                .collect(),
        }
    }
}

fn extrinsic_hash(xt: &[u8]) -> H256 {
    H256(sp_crypto_hashing::blake2_256(xt))
}

/// Full 0x-hex (`Display` abbreviates a hash).
pub(crate) fn hex_hash(hash: &H256) -> String {
    format!("{hash:?}")
}

pub(crate) fn hex_bytes(bytes: &[u8]) -> String {
    const_hex::encode_prefixed(bytes)
}
