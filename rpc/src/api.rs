//! The JSON-RPC interface: methods, parameters and results.

use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use ligerito_executor::{Backend, Verdict};
use serde::{Deserialize, Serialize};

/// Verification of Ligerito proofs, mergeable into a node's RPC module.
#[rpc(server, client, namespace = "ligerito")]
pub trait LigeritoApi {
    /// Verifies one proof: `[proof, log_size]`, or named
    /// `{"proof_bytes": "0x…", "proof_size": N}` (the original REST shape).
    #[method(name = "verify", with_extensions)]
    async fn verify(
        &self,
        #[argument(rename = "proof_bytes")] proof: String,
        #[argument(rename = "proof_size")] log_size: u32,
    ) -> RpcResult<VerifyResult>;

    /// Verifies up to `max_batch` proofs in parallel; results in request order.
    #[method(name = "verifyBatch", with_extensions)]
    async fn verify_batch(&self, proofs: Vec<BatchItem>) -> RpcResult<Vec<VerifyResult>>;

    /// Supported sizes and limits, guest code hash, backend and version.
    #[method(name = "config")]
    fn config(&self) -> RpcResult<ServerInfo>;
}

/// `system_health`: for a standalone server; a node has its own.
#[rpc(server, client, namespace = "system")]
pub trait SystemApi {
    #[method(name = "health")]
    fn health(&self) -> RpcResult<Health>;
}

/// One proof of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchItem {
    /// 0x-prefixed hex of the proof bytes.
    pub proof: String,
    pub log_size: u32,
}

/// The JSON body of `POST /verify`, the original REST API's request; the
/// aliases are the JSON-RPC method's. Other fields are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    /// log2 of the polynomial size.
    #[serde(alias = "proofSize")]
    pub proof_size: u32,
    /// The proof as hex, with or without `0x`.
    #[serde(alias = "proofBytes")]
    pub proof_bytes: String,
}

/// The verdict on one proof: the fields `ligerito-node verify` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyResult {
    pub valid: bool,
    /// 0 valid, 1 invalid, 2 error or out of gas.
    pub exit_code: u8,
    pub gas_used: u64,
    pub message: String,
    /// Time in the guest, not counting time queued.
    pub elapsed_ms: f64,
    pub code_hash: String,
    pub verdict: Verdict,
    pub backend: Backend,
    pub log_size: u32,
    /// Answered from the verdict cache (no guest ran, so `elapsed_ms` is 0).
    #[serde(default)]
    pub cached: bool,
}

/// What `ligerito_config` and `GET /config` return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub sizes: Vec<SizeInfo>,
    pub code_hash: String,
    pub backend: Backend,
    pub version: String,
    pub max_batch: usize,
    pub max_request_body: u32,
    pub workers: usize,
    pub queue: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeInfo {
    pub log_size: u32,
    pub max_proof_len: usize,
    /// The per-call gas limit, the same for every size.
    pub gas_limit: u64,
}

/// What `system_health` and `GET /health` return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The guest is compiled and verification can start at once.
    pub ready: bool,
    pub workers: usize,
    pub in_flight: usize,
    pub queued: usize,
}
