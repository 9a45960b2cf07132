use ligerito_substrate_runtime::WASM_BINARY;
use sc_service::ChainType;

/// The chain specification: Substrate's generic one, whose genesis build
/// also has the Ligerito host functions (the pallet checks its genesis code).
pub type ChainSpec = sc_service::GenericChainSpec<
    sc_service::NoExtension,
    pallet_ligerito::host::ligerito_verifier::HostFunctions,
>;

/// What polkadot.js and other clients show: the template's 12-decimal UNIT
/// and Substrate's generic address format.
fn properties() -> sc_service::Properties {
    let mut properties = sc_service::Properties::new();
    properties.insert("tokenSymbol".into(), "UNIT".into());
    properties.insert("tokenDecimals".into(), 12.into());
    properties.insert("ss58Format".into(), 42.into());
    properties
}

/// A chain of this runtime started from its genesis preset `preset`.
fn chain_spec(
    name: &str,
    id: &str,
    chain_type: ChainType,
    preset: &str,
) -> Result<ChainSpec, String> {
    let wasm =
        WASM_BINARY.ok_or("this node was built without its wasm runtime (SKIP_WASM_BUILD)")?;
    Ok(ChainSpec::builder(wasm, None)
        .with_name(name)
        .with_id(id)
        .with_chain_type(chain_type)
        .with_protocol_id("ligerito")
        .with_properties(properties())
        .with_genesis_config_preset_name(preset)
        .build())
}

/// `--dev`: Alice alone authors and finalizes.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
    chain_spec(
        "Development",
        "dev",
        ChainType::Development,
        sp_genesis_builder::DEV_RUNTIME_PRESET,
    )
}

/// `--chain local`: Alice and Bob author and finalize.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
    chain_spec(
        "Local Testnet",
        "local_testnet",
        ChainType::Local,
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
    )
}
