//! Sealing blocks, storing them, and reopening (re-executing) the chain.

use codec::Encode;
use ligerito_executor::{Backend, Executor};
use ligerito_node::chain::{Chain, ChainError, Opened};
use ligerito_node::store::Store;
use ligerito_runtime::state::Changes;
use ligerito_runtime::{
    dev_account, Call, Error, GenesisConfig, InvalidTransaction, UncheckedExtrinsic,
};
use ligerito_tests::proof_with_seed;
use redb::{ReadableTable, TableDefinition};
use sp_core::bounded::BoundedVec;
use sp_core::Pair;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ligerito-chain-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("chain.redb")
}

fn open(path: &Path, backend: Backend) -> Result<Chain, ChainError> {
    Chain::open(
        Store::open(path).unwrap(),
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        backend,
        backend.parallel_runs(),
    )
}

fn verify_xt(chain: &Chain, signer: &str, nonce: u64, proof: Vec<u8>) -> Vec<u8> {
    let call = Call::Verify {
        log_size: 12,
        proof: BoundedVec::try_from(proof).unwrap(),
    };
    UncheckedExtrinsic::sign(
        &dev_account(signer),
        call,
        nonce,
        chain.runtime().genesis_hash(),
    )
    .encode()
}

/// Two blocks: valid, invalid, malformed and bad-nonce extrinsics.
fn build(chain: &mut Chain) {
    let mut tampered = proof_with_seed(12, 2);
    tampered[100] ^= 1;
    let first = chain
        .seal(vec![
            verify_xt(chain, "bob", 0, proof_with_seed(12, 1)),
            verify_xt(chain, "charlie", 0, tampered),
            verify_xt(chain, "bob", 5, proof_with_seed(12, 3)),
        ])
        .unwrap();
    assert_eq!(first.block.extrinsics.len(), 2);
    assert_eq!(first.refused.len(), 1);
    assert_eq!(first.refused[0].1, InvalidTransaction::Future);
    assert_eq!(first.receipt.outcomes[0].result, Ok(()));
    assert_eq!(first.receipt.outcomes[1].result, Err(Error::InvalidProof));
    let second = chain
        .seal(vec![verify_xt(chain, "bob", 1, vec![1, 2, 3])])
        .unwrap();
    assert_eq!(
        second.receipt.outcomes[0].result,
        Err(Error::MalformedProof)
    );
    assert_eq!(second.block.header.parent_hash, first.block.header.hash());
}

#[test]
fn reopened_chain_continues_at_the_same_block_on_both_backends() {
    let path = temp_db("reopen");
    let mut chain = open(&path, Backend::Compiler).unwrap();
    build(&mut chain);
    let best = chain.best().clone();
    assert_eq!(best.number, 2);
    drop(chain);
    for backend in Backend::ALL {
        let chain = open(&path, backend).unwrap();
        assert_eq!(chain.opened(), Opened::Restored);
        assert_eq!(chain.best(), &best, "{backend}");
        assert_eq!(chain.store().number_of(&best.hash().0).unwrap(), Some(2));
    }
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn reopening_loads_the_stored_state_and_seals_what_re_execution_would() {
    let path = temp_db("restore");
    let mut chain = open(&path, Backend::Compiler).unwrap();
    assert_eq!(chain.opened(), Opened::Reexecuted, "a new chain");
    build(&mut chain);
    drop(chain);
    let mut restored = open(&path, Backend::Compiler).unwrap();
    assert_eq!(restored.opened(), Opened::Restored);
    assert_eq!(restored.best().number, 2);
    // sr25519 signatures are randomised: both chains get the same bytes.
    let xt = verify_xt(&restored, "bob", 2, proof_with_seed(12, 4));
    let next = |chain: &mut Chain| chain.seal(vec![xt.clone()]).unwrap();
    let replayed_path = temp_db("restore-replayed");
    std::fs::copy(&path, &replayed_path).unwrap();
    let sealed = next(&mut restored);
    let store = Store::open(&replayed_path).unwrap();
    let mut replayed = Chain::replay(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        Backend::Compiler,
        Backend::Compiler.parallel_runs(),
    )
    .unwrap();
    let expected = next(&mut replayed);
    assert_eq!(sealed.block, expected.block);
    assert_eq!(sealed.receipt, expected.receipt);
    drop((restored, replayed));
    assert_eq!(
        open(&path, Backend::Compiler).unwrap().opened(),
        Opened::Restored,
        "the state is committed with each block"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    std::fs::remove_dir_all(replayed_path.parent().unwrap()).unwrap();
}

#[test]
fn opening_a_chain_with_another_genesis_is_refused() {
    let path = temp_db("genesis");
    let mut chain = open(&path, Backend::Compiler).unwrap();
    build(&mut chain);
    drop(chain);
    let other = GenesisConfig {
        sudo: dev_account("bob").public(),
        ..GenesisConfig::dev()
    };
    let store = Store::open(&path).unwrap();
    let error = Chain::open(
        store,
        other,
        Arc::new(Executor::new()),
        Backend::Compiler,
        Backend::Compiler.parallel_runs(),
    )
    .err()
    .expect("another genesis");
    assert!(
        matches!(error, ChainError::Mismatch { number: 1, .. }),
        "{error}"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn a_stored_state_that_does_not_match_is_rebuilt_by_re_execution() {
    let path = temp_db("bad-state");
    let mut chain = open(&path, Backend::Compiler).unwrap();
    build(&mut chain);
    let best = chain.best().clone();
    drop(chain);
    {
        let state: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
        let db = redb::Database::create(&path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut table = tx.open_table(state).unwrap();
            let key = table.first().unwrap().unwrap().0.value().to_vec();
            table.insert(key.as_slice(), b"corrupt".as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let chain = open(&path, Backend::Compiler).unwrap();
    assert_eq!(chain.opened(), Opened::Reexecuted);
    assert_eq!(chain.best(), &best);
    drop(chain);
    let chain = open(&path, Backend::Compiler).unwrap();
    assert_eq!(
        chain.opened(),
        Opened::Restored,
        "the rebuilt state was stored"
    );
    assert_eq!(chain.best(), &best);
    drop(chain);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn replay_detects_a_block_that_does_not_re_execute_to_its_header() {
    let path = temp_db("tamper");
    let mut chain = open(&path, Backend::Compiler).unwrap();
    build(&mut chain);
    let (mut block, receipt) = chain.store().block(1).unwrap().unwrap();
    block.header.state_root.0[0] ^= 1;
    chain
        .store()
        .commit(&block, &receipt, &Changes::new())
        .unwrap();
    drop(chain);
    let store = Store::open(&path).unwrap();
    let error = Chain::replay(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        Backend::Compiler,
        Backend::Compiler.parallel_runs(),
    )
    .err()
    .expect("a mismatch");
    assert!(
        matches!(error, ChainError::Mismatch { number: 1, .. }),
        "{error}"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn replay_command_checks_a_stored_chain_on_both_backends() {
    let path = temp_db("replay");
    let mut chain = open(&path, Backend::Compiler).unwrap();
    build(&mut chain);
    let best = format!("{:?}", chain.best().hash());
    drop(chain);
    let base = path.parent().unwrap().to_str().unwrap();
    for backend in ["compiler", "interpreter"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
            .args(["replay", "--base-path", base, "--backend", backend])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (report["blocks"].as_u64(), report["best"].as_str()),
            (Some(2), Some(best.as_str()))
        );
    }
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
