//! The chain's genesis presets: `development` (Alice the only authority) and
//! `local_testnet` (Alice and Bob). Both fund the well-known dev accounts,
//! make Alice sudo, and start the Ligerito pallet with the committed verifier.

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SudoConfig};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// What each endowed account starts with: 2^60 units, as in the template.
const ENDOWMENT: u128 = 1 << 60;

/// An authority's keys: its Aura (sr25519) and GRANDPA (ed25519) key.
type Authority = (Sr25519Keyring, Ed25519Keyring);

fn testnet_genesis(authorities: Vec<Authority>, endowed: Vec<AccountId>, root: AccountId) -> Value {
    build_struct_json_patch!(RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed
                .into_iter()
                .map(|k| (k, ENDOWMENT))
                .collect::<Vec<_>>(),
        },
        aura: pallet_aura::GenesisConfig {
            authorities: authorities
                .iter()
                .map(|(aura, _)| AuraId::from(aura.public()))
                .collect::<Vec<_>>(),
        },
        grandpa: pallet_grandpa::GenesisConfig {
            authorities: authorities
                .iter()
                .map(|(_, grandpa)| (GrandpaId::from(grandpa.public()), 1))
                .collect::<Vec<_>>(),
        },
        sudo: SudoConfig { key: Some(root) },
    })
}

/// The well-known dev accounts (Alice to Ferdie and their stashes).
fn dev_accounts() -> Vec<AccountId> {
    Sr25519Keyring::iter()
        .filter(|k| k != &Sr25519Keyring::One && k != &Sr25519Keyring::Two)
        .map(|k| k.to_account_id())
        .collect()
}

/// `development`: Alice alone authors and finalizes.
pub fn development_config_genesis() -> Value {
    testnet_genesis(
        vec![(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
        dev_accounts(),
        Sr25519Keyring::Alice.to_account_id(),
    )
}

/// `local_testnet`: Alice and Bob author and finalize.
pub fn local_config_genesis() -> Value {
    testnet_genesis(
        vec![
            (Sr25519Keyring::Alice, Ed25519Keyring::Alice),
            (Sr25519Keyring::Bob, Ed25519Keyring::Bob),
        ],
        dev_accounts(),
        Sr25519Keyring::Alice.to_account_id(),
    )
}

/// The preset called `id`, as JSON, or `None` for a name this runtime lacks.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("a genesis patch serializes to JSON")
            .into_bytes(),
    )
}

/// The presets this runtime has.
pub fn preset_names() -> Vec<PresetId> {
    vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}
