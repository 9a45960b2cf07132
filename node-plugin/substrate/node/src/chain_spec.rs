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

fn wasm() -> Result<&'static [u8], String> {
    WASM_BINARY
        .ok_or_else(|| "this node was built without its wasm runtime (SKIP_WASM_BUILD)".into())
}

/// `--dev`: Alice alone authors and finalizes.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("Development")
        .with_id("dev")
        .with_chain_type(ChainType::Development)
        .with_protocol_id("ligerito")
        .with_properties(properties())
        .with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
        .build())
}

/// `--chain local`: Alice and Bob author and finalize.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("Local Testnet")
        .with_id("local_testnet")
        .with_chain_type(ChainType::Local)
        .with_protocol_id("ligerito")
        .with_properties(properties())
        .with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
        .build())
}
