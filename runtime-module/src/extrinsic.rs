//! Signed extrinsics in the style of Substrate's `UncheckedExtrinsic`.

use crate::types::{AccountId, Call, InvalidTransaction, MAX_CODE_LEN};
use codec::{Decode, DecodeLimit, Encode};
use scale_info::TypeInfo;
use sp_core::{sr25519, Pair, H256};

/// The longest encoded extrinsic: a code upgrade of [`MAX_CODE_LEN`] bytes
/// plus its envelope.
pub const MAX_EXTRINSIC_LEN: usize = MAX_CODE_LEN as usize + 256;

/// Nesting allowed while decoding; the deepest type nests a handful of levels.
const DECODE_DEPTH_LIMIT: u32 = 16;

/// A signed call: the signature covers the call, the nonce and the genesis hash.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct UncheckedExtrinsic {
    /// The signing account.
    pub signer: AccountId,
    /// sr25519 signature over [`signing_payload`].
    pub signature: sr25519::Signature,
    /// The signer's nonce: the number of its extrinsics already included.
    pub nonce: u64,
    /// What to do.
    pub call: Call,
}

/// The bytes a signer signs: SCALE of `(call, nonce, genesis_hash)`, hashed
/// with BLAKE2-256 when longer than 256 bytes, as Substrate does.
pub fn signing_payload(call: &Call, nonce: u64, genesis_hash: H256) -> Vec<u8> {
    let payload = (call, nonce, genesis_hash).encode();
    if payload.len() > 256 {
        sp_crypto_hashing::blake2_256(&payload).to_vec()
    } else {
        payload
    }
}

impl UncheckedExtrinsic {
    /// Signs `call` as `pair` with `nonce` for the chain with `genesis_hash`.
    pub fn sign(pair: &sr25519::Pair, call: Call, nonce: u64, genesis_hash: H256) -> Self {
        let signature = pair.sign(&signing_payload(&call, nonce, genesis_hash));
        Self {
            signer: pair.public(),
            signature,
            nonce,
            call,
        }
    }

    /// Decodes exactly one extrinsic of at most [`MAX_EXTRINSIC_LEN`] bytes.
    pub fn decode_exact(bytes: &[u8]) -> Result<Self, InvalidTransaction> {
        if bytes.len() > MAX_EXTRINSIC_LEN {
            return Err(InvalidTransaction::Malformed);
        }
        let mut input = bytes;
        let xt = Self::decode_with_depth_limit(DECODE_DEPTH_LIMIT, &mut input)
            .map_err(|_| InvalidTransaction::Malformed)?;
        if !input.is_empty() {
            return Err(InvalidTransaction::Malformed);
        }
        Ok(xt)
    }

    /// Whether the signature is the signer's over this call, nonce and chain.
    pub fn signature_is_valid(&self, genesis_hash: H256) -> bool {
        sr25519::Pair::verify(
            &self.signature,
            signing_payload(&self.call, self.nonce, genesis_hash),
            &self.signer,
        )
    }
}

/// The well-known development account `name` (alice, bob, ...): the
/// sr25519 key derived as `//Name` from the development phrase, the same
/// keys Substrate's `--dev` chains use.
pub fn dev_account(name: &str) -> sr25519::Pair {
    let mut chars = name.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    sr25519::Pair::from_string(&format!("//{capitalised}"), None)
        .expect("a derivation path is a valid secret URI")
}

/// The development accounts, in Substrate's order.
pub const DEV_ACCOUNTS: [&str; 6] = ["alice", "bob", "charlie", "dave", "eve", "ferdie"];
