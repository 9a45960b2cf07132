//! The module's metadata: calls, events, errors and storage with their
//! types, from the scale-info registry.

use crate::storage::{self, Item};
use crate::types::*;
use crate::UncheckedExtrinsic;
use scale_info::{MetaType, PortableRegistry, Registry, TypeDef};
use serde::Serialize;
use sp_core::H256;

/// Type ids point into `types`.
#[derive(Serialize)]
pub struct Metadata {
    pub module: &'static str,
    pub extrinsic: u32,
    pub call: u32,
    pub event: u32,
    pub runtime_event: u32,
    pub error: u32,
    pub invalid_transaction: u32,
    pub storage: Vec<StorageEntry>,
    pub types: PortableRegistry,
}

#[derive(Serialize)]
pub struct StorageEntry {
    pub module: &'static str,
    pub name: &'static str,
    pub doc: &'static str,
    /// Hex of `twox128(module) ++ twox128(name)`.
    pub prefix: String,
    /// The map keys' types, in key order, each hashed as
    /// `blake2_128(key) ++ key`; empty for a plain value.
    pub keys: Vec<u32>,
    pub value: u32,
}

/// The module's metadata, its calls named as FRAME names them.
pub fn metadata() -> Metadata {
    let mut registry = Registry::new();
    let mut id = |ty: MetaType| registry.register_type(&ty).id;
    let extrinsic = id(MetaType::new::<UncheckedExtrinsic>());
    let call = id(MetaType::new::<Call>());
    let event = id(MetaType::new::<Event>());
    let runtime_event = id(MetaType::new::<Vec<EventRecord>>());
    let error = id(MetaType::new::<Error>());
    let invalid_transaction = id(MetaType::new::<InvalidTransaction>());
    let mut entry = |item: &Item, keys: Vec<MetaType>, value: MetaType| StorageEntry {
        module: item.module,
        name: item.name,
        doc: item.doc,
        prefix: hex::encode(item.prefix()),
        keys: keys.into_iter().map(&mut id).collect(),
        value: id(value),
    };
    let storage = vec![
        entry(
            &storage::ACCOUNT_NONCE,
            vec![MetaType::new::<AccountId>()],
            MetaType::new::<u64>(),
        ),
        entry(
            &storage::BLOCK_NUMBER,
            vec![],
            MetaType::new::<BlockNumber>(),
        ),
        entry(&storage::SUDO_KEY, vec![], MetaType::new::<AccountId>()),
        entry(
            &storage::COMMITMENTS,
            vec![MetaType::new::<H256>(), MetaType::new::<AccountId>()],
            MetaType::new::<VerifiedCommitment>(),
        ),
        entry(
            &storage::LIMITS,
            vec![MetaType::new::<u32>()],
            MetaType::new::<SizeLimits>(),
        ),
        entry(&storage::CODE, vec![], MetaType::new::<Vec<u8>>()),
        entry(&storage::CODE_HASH, vec![], MetaType::new::<H256>()),
    ];
    let mut types = registry.into();
    snake_case_variants(&mut types, call);
    Metadata {
        module: "Ligerito",
        extrinsic,
        call,
        event,
        runtime_event,
        error,
        invalid_transaction,
        storage,
        types,
    }
}

/// FRAME names a call after its function (`set_limits`); the Rust enum keeps
/// Rust's names (`SetLimits`). Only the names change: indices and fields,
/// so the SCALE encoding, are the derived ones.
fn snake_case_variants(types: &mut PortableRegistry, id: u32) {
    let Some(ty) = types.types.iter_mut().find(|ty| ty.id == id) else {
        return;
    };
    if let TypeDef::Variant(def) = &mut ty.ty.type_def {
        for variant in &mut def.variants {
            variant.name = snake_case(&variant.name);
        }
    }
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.char_indices() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

impl Metadata {
    /// `name(fields): doc` for each variant of an enum type.
    pub fn variants(&self, id: u32) -> Vec<String> {
        let Some(ty) = self.types.resolve(id) else {
            return Vec::new();
        };
        let TypeDef::Variant(def) = &ty.type_def else {
            return Vec::new();
        };
        def.variants
            .iter()
            .map(|v| {
                let fields: Vec<String> = v.fields.iter().filter_map(|f| f.name.clone()).collect();
                let fields = if fields.is_empty() {
                    String::new()
                } else {
                    format!("({})", fields.join(", "))
                };
                format!("{}{fields}: {}", v.name, v.docs.join(" "))
            })
            .collect()
    }

    /// A plain listing for people.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for (title, id) in [
            ("calls", self.call),
            ("events", self.event),
            ("errors", self.error),
            ("invalid transactions", self.invalid_transaction),
        ] {
            out.push_str(&format!("{title}:\n"));
            for line in self.variants(id) {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push_str("storage:\n");
        for s in &self.storage {
            out.push_str(&format!(
                "  {}.{} (0x{}): {}\n",
                s.module, s.name, s.prefix, s.doc
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_call_event_and_error_with_docs() {
        let metadata = metadata();
        let calls = metadata.variants(metadata.call);
        assert_eq!(calls.len(), 3);
        assert!(
            calls[0].starts_with("verify(log_size, proof): Verify a proof"),
            "{calls:?}"
        );
        assert_eq!(metadata.variants(metadata.event).len(), 3);
        let errors = metadata.variants(metadata.error);
        assert_eq!(errors.len(), 8);
        assert!(
            errors.iter().all(|e| !e.ends_with(": ")),
            "every error has a doc: {errors:?}"
        );
        assert_eq!(metadata.storage.len(), 7);
        let commitments = metadata.storage.iter().find(|s| s.name == "Commitments");
        assert_eq!(
            commitments.map(|s| s.keys.len()),
            Some(2),
            "(commitment, account)"
        );
    }

    #[test]
    fn names_calls_as_frame_does_with_their_encoding_unchanged() {
        use codec::Encode;
        let metadata = metadata();
        let ty = metadata.types.resolve(metadata.call).unwrap();
        let TypeDef::Variant(def) = &ty.type_def else {
            panic!("Call is an enum");
        };
        let named: Vec<(&str, u8)> = def
            .variants
            .iter()
            .map(|v| (v.name.as_str(), v.index))
            .collect();
        assert_eq!(
            named,
            [("verify", 0), ("set_verifier_code", 1), ("set_limits", 2)]
        );
        let calls = [
            Call::Verify {
                log_size: 12,
                proof: Default::default(),
            },
            Call::SetVerifierCode {
                code: Default::default(),
            },
            Call::SetLimits {
                log_size: 12,
                limits: SizeLimits {
                    gas_limit: 1,
                    max_proof_len: 2,
                },
            },
        ];
        for (call, (name, index)) in calls.iter().zip(named) {
            assert_eq!(call.encode()[0], index, "{name}");
        }
        let events = metadata.variants(metadata.event);
        assert!(events[0].starts_with("ProofVerified("), "{events:?}");
    }

    #[test]
    fn serializes_to_json() {
        let json = serde_json::to_value(metadata()).unwrap();
        assert_eq!(json["module"], "Ligerito");
        assert!(json["types"]["types"].as_array().unwrap().len() > 10);
    }
}
