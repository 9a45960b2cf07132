//! The plugin: submit to the pool, seal, restart.

use codec::Encode;
use ligerito_node::plugin::{LigeritoPlugin, PluginConfig};
use ligerito_runtime::{dev_account, Call, Error, SizeLimits, UncheckedExtrinsic};
use ligerito_tests::proof_with_seed;
use sp_core::bounded::BoundedVec;

fn verify_xt(plugin: &LigeritoPlugin, signer: &str, nonce: u64, proof: Vec<u8>) -> Vec<u8> {
    let genesis = plugin.with_chain(|chain| chain.runtime().genesis_hash());
    let call = Call::Verify {
        log_size: 12,
        proof: BoundedVec::try_from(proof).unwrap(),
    };
    UncheckedExtrinsic::sign(&dev_account(signer), call, nonce, genesis).encode()
}

#[test]
fn seals_pending_extrinsics_keeps_future_ones_and_restarts_at_the_same_block() {
    let base = std::env::temp_dir().join(format!("ligerito-plugin-{}", std::process::id()));
    let plugin = LigeritoPlugin::open(PluginConfig::dev(base.clone())).unwrap();
    assert!(plugin.seal_pending().unwrap().is_none(), "no empty blocks");

    plugin
        .submit(verify_xt(&plugin, "bob", 0, proof_with_seed(12, 11)))
        .unwrap();
    plugin
        .submit(verify_xt(&plugin, "bob", 2, proof_with_seed(12, 12)))
        .unwrap();
    plugin
        .submit(verify_xt(&plugin, "charlie", 1, proof_with_seed(12, 13)))
        .unwrap();
    let sealed = plugin.seal_pending().unwrap().unwrap();
    assert_eq!(sealed.receipt.outcomes.len(), 1);
    assert_eq!(sealed.receipt.outcomes[0].result, Ok(()));
    assert_eq!(plugin.pending().len(), 2, "nonces 2 and 1 wait for 1 and 0");
    assert!(
        plugin.seal_pending().unwrap().is_none(),
        "no empty block for future nonces"
    );

    plugin
        .submit(verify_xt(&plugin, "bob", 1, vec![0; 10]))
        .unwrap();
    let sealed = plugin.seal_pending().unwrap().unwrap();
    let results: Vec<_> = sealed.receipt.outcomes.iter().map(|o| o.result).collect();
    assert_eq!(results, vec![Err(Error::MalformedProof), Ok(())]);
    assert_eq!(plugin.pending().len(), 1, "charlie's nonce 1 still waits");
    let best = plugin.with_chain(|chain| chain.best().clone());
    drop(plugin);

    let reopened = LigeritoPlugin::open(PluginConfig::dev(base.clone())).unwrap();
    assert_eq!(reopened.with_chain(|chain| chain.best().clone()), best);
    std::fs::remove_dir_all(base).unwrap();
}

#[test]
fn opening_readies_the_code_in_force_before_the_first_block() {
    let base = std::env::temp_dir().join(format!("ligerito-plugin-ready-{}", std::process::id()));
    let config = PluginConfig::dev(base.clone());
    let backend = config.backend;
    let plugin = LigeritoPlugin::open(config).unwrap();
    let code = ligerito_executor::Code::verifier();
    assert!(plugin.executor().is_prepared(&code, backend));
    drop(plugin);
    std::fs::remove_dir_all(base).unwrap();
}

#[test]
fn an_extrinsic_the_verifier_cannot_run_leaves_the_pool_and_the_block_seals() {
    let base =
        std::env::temp_dir().join(format!("ligerito-plugin-unrunnable-{}", std::process::id()));
    let mut config = PluginConfig::dev(base.clone());
    // Code no backend loads: every guest run is an executor error, not a verdict.
    config.genesis.code = b"not a program".to_vec();
    let plugin = LigeritoPlugin::open(config).unwrap();
    let genesis = plugin.with_chain(|chain| chain.runtime().genesis_hash());
    let set_limits = Call::SetLimits {
        log_size: 16,
        limits: SizeLimits {
            gas_limit: 1_000,
            max_proof_len: 1_000,
        },
    };
    let root_call =
        UncheckedExtrinsic::sign(&dev_account("alice"), set_limits, 0, genesis).encode();
    plugin.submit(root_call.clone()).unwrap();
    plugin
        .submit(verify_xt(&plugin, "bob", 0, proof_with_seed(12, 14)))
        .unwrap();

    let sealed = plugin.seal_pending().unwrap().expect("a block");
    assert_eq!(sealed.block.extrinsics, vec![root_call]);
    assert_eq!(sealed.receipt.outcomes[0].result, Ok(()));
    assert!(plugin.pending().is_empty(), "bob's verify left the pool");
    assert!(plugin.seal_pending().unwrap().is_none());
    std::fs::remove_dir_all(base).unwrap();
}
