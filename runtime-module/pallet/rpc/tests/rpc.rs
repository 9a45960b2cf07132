//! The extension over a mock client whose runtime API answers from fixed
//! data: method names, parameters, JSON shapes and errors.

use jsonrpsee::RpcModule;
use pallet_ligerito::runtime_api::LigeritoApi;
use pallet_ligerito::{
    ChainConfig, DryRun, Outcome, SizeLimits, Verdict, VerifiedCommitment, VerifyError,
};
use pallet_ligerito_rpc::{
    DryRunResult, Ligerito, LigeritoRpcServer, DRY_RUN_REFUSED, PROOF_TOO_LONG,
};
use serde_json::{json, Value};
use sp_api::{ApiRef, ProvideRuntimeApi};
use sp_core::H256;
use sp_runtime::generic;
use sp_runtime::traits::{BlakeTwo256, Block as BlockT, NumberFor};
use std::sync::Arc;

type Block = generic::Block<generic::Header<u64, BlakeTwo256>, sp_runtime::OpaqueExtrinsic>;

const BEST: H256 = H256::repeat_byte(0xbb);
const RECORDED: H256 = H256::repeat_byte(0x11);

#[derive(Clone)]
struct MockApi;

/// Account 7's (and 9's) record of [`RECORDED`].
fn record() -> VerifiedCommitment<u64> {
    VerifiedCommitment {
        block: 3,
        log_size: 12,
        proof_hash: H256::repeat_byte(0x22),
    }
}

sp_api::mock_impl_runtime_apis! {
    impl LigeritoApi<Block, u64, u64> for MockApi {
        fn verified(commitment: H256, who: u64) -> Option<VerifiedCommitment<u64>> {
            (commitment == RECORDED && who == 7).then_some(record())
        }
        fn verifiers(commitment: H256) -> Vec<(u64, VerifiedCommitment<u64>)> {
            if commitment == RECORDED { vec![(7, record()), (9, record())] } else { Vec::new() }
        }
        fn config() -> ChainConfig {
            ChainConfig {
                code_hash: H256::repeat_byte(0x33),
                limits: vec![(12, SizeLimits { gas_limit: 1000, max_proof_len: 50 })],
            }
        }
        fn dry_run(log_size: u32, proof: Vec<u8>) -> DryRun {
            if log_size != 12 {
                return DryRun { result: Err(VerifyError::UnsupportedSize), outcome: None };
            }
            DryRun {
                result: Err(VerifyError::InvalidProof),
                outcome: Some(Outcome {
                    verdict: Verdict::Invalid,
                    exit_code: 1,
                    gas_used: proof.len() as u64,
                    message: "verify: Merkle opening of round 0 fails".into(),
                }),
            }
        }
    }
}

struct MockClient;

impl ProvideRuntimeApi<Block> for MockClient {
    type Api = MockApi;
    fn runtime_api(&self) -> ApiRef<'_, MockApi> {
        MockApi.into()
    }
}

impl sp_blockchain::HeaderBackend<Block> for MockClient {
    fn header(&self, _: H256) -> sp_blockchain::Result<Option<<Block as BlockT>::Header>> {
        Ok(None)
    }
    fn info(&self) -> sp_blockchain::Info<Block> {
        sp_blockchain::Info {
            best_hash: BEST,
            best_number: 3,
            genesis_hash: H256::zero(),
            finalized_hash: BEST,
            finalized_number: 3,
            finalized_state: None,
            number_leaves: 1,
            block_gap: None,
        }
    }
    fn status(&self, _: H256) -> sp_blockchain::Result<sp_blockchain::BlockStatus> {
        Ok(sp_blockchain::BlockStatus::InChain)
    }
    fn number(&self, _: H256) -> sp_blockchain::Result<Option<NumberFor<Block>>> {
        Ok(Some(3))
    }
    fn hash(&self, _: NumberFor<Block>) -> sp_blockchain::Result<Option<H256>> {
        Ok(Some(BEST))
    }
}

fn module(extension: Ligerito<MockClient, Block>) -> RpcModule<Ligerito<MockClient, Block>> {
    LigeritoRpcServer::<H256, u64, u64>::into_rpc(extension)
}

/// Set per connection by the test "node", as Substrate's server sets its
/// unsafe-RPC policy (`sc_rpc_api::DenyUnsafe`).
#[derive(Clone, Copy)]
struct Trusted(bool);

/// The JSON-RPC response to `method` with `params` from a module that
/// serves dry runs to every caller.
async fn call(method: &str, params: Value) -> Value {
    let every_caller = Ligerito::new(Arc::new(MockClient)).dry_runs_if(|_| true);
    call_module(module(every_caller), method, params).await
}

/// The JSON-RPC response: its result or error object.
async fn call_module(
    module: RpcModule<Ligerito<MockClient, Block>>,
    method: &str,
    params: Value,
) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (response, _) = module
        .raw_json_request(&request.to_string(), 1)
        .await
        .expect("a well-formed request");
    serde_json::from_str(&response).expect("a JSON response")
}

#[tokio::test]
async fn verified_answers_an_accounts_record_or_null() {
    let hit = call("ligerito_verified", json!([RECORDED, 7])).await;
    assert_eq!(
        hit["result"],
        json!({"block": 3, "logSize": 12, "proofHash": H256::repeat_byte(0x22)})
    );
    let other_account = call("ligerito_verified", json!([RECORDED, 8, BEST])).await;
    assert_eq!(other_account["result"], Value::Null);
    let miss = call("ligerito_verified", json!([H256::zero(), 7, BEST])).await;
    assert_eq!(miss["result"], Value::Null);
}

#[tokio::test]
async fn verifiers_lists_every_account_with_its_record() {
    let listed = call("ligerito_verifiers", json!([RECORDED])).await;
    let record = json!({"block": 3, "logSize": 12, "proofHash": H256::repeat_byte(0x22)});
    let with = |who: u64| {
        let mut entry = record.clone();
        entry["who"] = json!(who);
        entry
    };
    assert_eq!(listed["result"], json!([with(7), with(9)]));
    let none = call("ligerito_verifiers", json!([H256::zero(), BEST])).await;
    assert_eq!(none["result"], json!([]));
}

#[tokio::test]
async fn chain_config_lists_the_code_hash_and_limits() {
    let config = call("ligerito_chainConfig", json!([])).await;
    assert_eq!(
        config["result"],
        json!({"codeHash": H256::repeat_byte(0x33), "limits": [{"logSize": 12, "gasLimit": 1000, "maxProofLen": 50}]})
    );
}

#[tokio::test]
async fn dry_run_reports_the_error_and_the_guest_outcome() {
    let dry = call("ligerito_dryRun", json!([12, "0x0102"])).await;
    let result: DryRunResult = serde_json::from_value(dry["result"].clone()).unwrap();
    assert_eq!(
        result,
        DryRunResult {
            commitment: None,
            error: Some("InvalidProof".into()),
            verdict: Some(Verdict::Invalid),
            exit_code: Some(1),
            gas_used: Some(2),
            message: Some("verify: Merkle opening of round 0 fails".into()),
        }
    );
    let refused = call("ligerito_dryRun", json!([13, "0x01"])).await;
    assert_eq!(refused["result"]["error"], "UnsupportedSize");
    assert_eq!(refused["result"]["verdict"], Value::Null);
}

#[tokio::test]
async fn dry_run_refuses_a_proof_longer_than_any_size() {
    let longest = pallet_ligerito::MAX_PROOF_LEN as usize;
    let proof = format!("0x{}", "00".repeat(longest + 1));
    let refused = call("ligerito_dryRun", json!([30, proof])).await;
    assert_eq!(refused["error"]["code"], PROOF_TOO_LONG);
    let proof = format!("0x{}", "00".repeat(longest));
    let accepted = call("ligerito_dryRun", json!([30, proof])).await;
    assert!(accepted["error"].is_null(), "{accepted}");
    let bad_hex = call("ligerito_dryRun", json!([12, "0xzz"])).await;
    assert_eq!(bad_hex["error"]["code"], -32602); // invalid params
}

#[tokio::test]
async fn dry_run_is_served_only_to_callers_the_node_admits() {
    let gated = || {
        Ligerito::new(Arc::new(MockClient))
            .dry_runs_if(|ext| ext.get::<Trusted>().is_some_and(|trusted| trusted.0))
    };
    for (trusted, served) in [(Some(true), true), (Some(false), false), (None, false)] {
        let mut module = module(gated());
        if let Some(trusted) = trusted {
            module.extensions_mut().insert(Trusted(trusted));
        }
        let dry = call_module(module, "ligerito_dryRun", json!([12, "0x0102"])).await;
        if served {
            assert_eq!(dry["result"]["error"], "InvalidProof", "{dry}");
        } else {
            assert_eq!(dry["error"]["code"], DRY_RUN_REFUSED, "{dry}");
        }
    }
    // without a gate, no caller may, and the other methods still answer
    let plain = || module(Ligerito::new(Arc::new(MockClient)));
    let dry = call_module(plain(), "ligerito_dryRun", json!([12, "0x0102"])).await;
    assert_eq!(dry["error"]["code"], DRY_RUN_REFUSED);
    let config = call_module(plain(), "ligerito_chainConfig", json!([])).await;
    assert!(config["error"].is_null(), "{config}");
}
