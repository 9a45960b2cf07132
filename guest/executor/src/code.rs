//! Guest code and its identity.

use alloc::{
    format,
    string::{String, ToString},
    sync::Arc,
};
use polkavm::{program::Instruction, ProgramBlob};
use sha2::{Digest, Sha256};

/// The committed verifier blob, built by `guest/build.sh`.
pub const VERIFIER_BLOB: &[u8] = include_bytes!("../../ligerito-verifier.polkavm");

/// The committed reference blob: the same guest verifying with upstream's
/// `ligerito` verifier. Same verdicts, about ten times the gas; kept for
/// differential tests, benchmarks and as a code upgrade to fall back to.
pub const REFERENCE_BLOB: &[u8] = include_bytes!("../../ligerito-verifier-reference.polkavm");

/// The most memory (read-only data, read-write data and stack) guest code
/// may declare; the verifier uses about 33 MiB.
pub const MAX_GUEST_MEMORY: u32 = 64 << 20;

/// SHA-256 of a guest blob: what `sha256sum` prints for the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeHash(pub [u8; 32]);

impl CodeHash {
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }
}

impl core::fmt::Display for CodeHash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
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

    /// The committed reference blob (upstream's verifier).
    pub fn reference() -> Self {
        Self::new(REFERENCE_BLOB)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn hash(&self) -> CodeHash {
        self.hash
    }

    /// Checks, without compiling, that the code is a 64-bit PolkaVM program
    /// with the verifier's interface (a `verify` export, no imports but the
    /// host functions) whose memory is fixed and at most
    /// [`MAX_GUEST_MEMORY`] (no `sbrk`). Backend-independent, so a chain
    /// decides it the same way on every node.
    pub fn check_interface(&self) -> Result<(), String> {
        let blob = ProgramBlob::parse(self.bytes.to_vec().into()).map_err(|e| e.to_string())?;
        if !blob.is_64_bit() {
            return Err("not a 64-bit program".into());
        }
        let memory = u64::from(blob.ro_data_size())
            + u64::from(blob.rw_data_size())
            + u64::from(blob.stack_size());
        if memory > u64::from(MAX_GUEST_MEMORY) {
            return Err(format!(
                "{memory} bytes of memory exceeds the maximum {MAX_GUEST_MEMORY}"
            ));
        }
        if blob
            .instructions()
            .any(|i| matches!(i.kind, Instruction::sbrk(..)))
        {
            return Err("grows its heap with sbrk".into());
        }
        if !blob
            .exports()
            .any(|e| e.symbol().as_bytes() == crate::host::ENTRY.as_bytes())
        {
            return Err(format!("no '{}' export", crate::host::ENTRY));
        }
        for import in blob.imports().into_iter() {
            let symbol = import.ok_or("an import cannot be parsed")?;
            if !crate::host::IMPORTS
                .iter()
                .any(|name| symbol.as_bytes() == name.as_bytes())
            {
                return Err(format!("unknown import '{symbol}'"));
            }
        }
        Ok(())
    }
}
