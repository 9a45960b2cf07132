//! Guest code and its identity.

use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The committed verifier blob, built by `guest/build.sh`.
pub const VERIFIER_BLOB: &[u8] = include_bytes!("../../ligerito-verifier.polkavm");

/// SHA-256 of a guest blob: what `sha256sum` prints for the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeHash(pub [u8; 32]);

impl CodeHash {
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }
}

impl std::fmt::Display for CodeHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

/// A guest blob with its hash, cheap to clone.
#[derive(Clone, Debug)]
pub struct Code {
    bytes: Arc<[u8]>,
    hash: CodeHash,
}

impl Code {
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Self {
        let bytes = bytes.into();
        let hash = CodeHash::of(&bytes);
        Self { bytes, hash }
    }

    /// The committed verifier blob.
    pub fn verifier() -> Self {
        Self::new(VERIFIER_BLOB)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn hash(&self) -> CodeHash {
        self.hash
    }
}
