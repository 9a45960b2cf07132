//! Storage items, keyed as FRAME keys them:
//! `twox128(module) ++ twox128(item)`, then for each map key
//! `blake2_128(key) ++ key`.

use crate::state::State;
use crate::types::{AccountId, SizeLimits, VerifiedCommitment};
use codec::{Decode, Encode};
use ligerito_executor::sizes;
use sp_core::H256;
use sp_crypto_hashing::{blake2_128, twox_128};

/// A storage item's name, for keys and metadata.
pub struct Item {
    pub module: &'static str,
    pub name: &'static str,
    /// One line for the metadata.
    pub doc: &'static str,
}

/// `System.Account`: account -> next nonce.
pub const ACCOUNT_NONCE: Item = Item {
    module: "System",
    name: "Account",
    doc: "Each account's next nonce.",
};
/// `System.Number`: the current block number.
pub const BLOCK_NUMBER: Item = Item {
    module: "System",
    name: "Number",
    doc: "The current block number.",
};
/// `Sudo.Key`: the root account.
pub const SUDO_KEY: Item = Item {
    module: "Sudo",
    name: "Key",
    doc: "The account allowed to make root calls.",
};
/// `Ligerito.Commitments`: (commitment, account) -> when and how that
/// account verified it. Keyed by both so that no account's record can stop
/// another's: one entry per successful `verify`, whose weight covers the write.
pub const COMMITMENTS: Item = Item {
    module: "Ligerito",
    name: "Commitments",
    doc: "Verified commitments (initial Merkle roots), by the account that verified each.",
};
/// `Ligerito.Limits`: size -> limits, where they differ from the defaults.
pub const LIMITS: Item = Item {
    module: "Ligerito",
    name: "Limits",
    doc: "Per-size limits set by root.",
};
/// `Ligerito.Code`: the verifier guest blob.
pub const CODE: Item = Item {
    module: "Ligerito",
    name: "Code",
    doc: "The verifier guest (a PolkaVM blob).",
};
/// `Ligerito.CodeHash`: SHA-256 of the verifier guest.
pub const CODE_HASH: Item = Item {
    module: "Ligerito",
    name: "CodeHash",
    doc: "SHA-256 of the verifier guest.",
};

impl Item {
    pub fn prefix(&self) -> Vec<u8> {
        [
            twox_128(self.module.as_bytes()),
            twox_128(self.name.as_bytes()),
        ]
        .concat()
    }

    /// The key of a map entry: the key is hashed for balance, and kept so
    /// entries can be iterated and read back.
    pub fn key(&self, key: &impl Encode) -> Vec<u8> {
        [self.prefix(), blake2_128_concat(key)].concat()
    }

    /// The key of a double map entry, each key laid out as [`Self::key`]'s,
    /// so the entries under one `first` share a prefix.
    pub fn double_key(&self, first: &impl Encode, second: &impl Encode) -> Vec<u8> {
        [
            self.prefix(),
            blake2_128_concat(first),
            blake2_128_concat(second),
        ]
        .concat()
    }
}

fn blake2_128_concat(key: &impl Encode) -> Vec<u8> {
    let encoded = key.encode();
    [blake2_128(&encoded).to_vec(), encoded].concat()
}

fn get<T: Decode>(state: &State, key: &[u8]) -> Option<T> {
    state
        .get(key)
        .map(|bytes| T::decode(&mut &bytes[..]).expect("state holds what this module wrote"))
}

pub fn nonce(state: &State, who: &AccountId) -> u64 {
    get(state, &ACCOUNT_NONCE.key(who)).unwrap_or(0)
}

pub fn set_nonce(state: &mut State, who: &AccountId, nonce: u64) {
    state.set(ACCOUNT_NONCE.key(who), nonce.encode());
}

pub fn block_number(state: &State) -> u64 {
    get(state, &BLOCK_NUMBER.prefix()).unwrap_or(0)
}

pub fn set_block_number(state: &mut State, number: u64) {
    state.set(BLOCK_NUMBER.prefix(), number.encode());
}

pub fn sudo_key(state: &State) -> Option<AccountId> {
    get(state, &SUDO_KEY.prefix())
}

pub fn set_sudo_key(state: &mut State, who: &AccountId) {
    state.set(SUDO_KEY.prefix(), who.encode());
}

pub fn commitment(state: &State, commitment: &H256, who: &AccountId) -> Option<VerifiedCommitment> {
    get(state, &COMMITMENTS.double_key(commitment, who))
}

pub fn record_commitment(
    state: &mut State,
    commitment: &H256,
    who: &AccountId,
    record: &VerifiedCommitment,
) {
    state.set(COMMITMENTS.double_key(commitment, who), record.encode());
}

pub fn limits(state: &State, size: &sizes::SizeConfig) -> SizeLimits {
    get(state, &LIMITS.key(&size.log_size)).unwrap_or_else(|| crate::rules::default_limits(size))
}

pub fn set_limits(state: &mut State, log_size: u32, limits: &SizeLimits) {
    state.set(LIMITS.key(&log_size), limits.encode());
}

pub fn code(state: &State) -> Option<Vec<u8>> {
    state.get(&CODE.prefix())
}

pub fn set_code(state: &mut State, code: &[u8], hash: H256) {
    state.set(CODE.prefix(), code.to_vec());
    state.set(CODE_HASH.prefix(), hash.encode());
}

pub fn code_hash(state: &State) -> Option<H256> {
    get(state, &CODE_HASH.prefix())
}
