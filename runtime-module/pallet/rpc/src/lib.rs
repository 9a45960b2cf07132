//! The Ligerito JSON-RPC extension for a Substrate node, over the
//! runtime's [`LigeritoApi`]: `ligerito_verified`, `ligerito_verifiers`,
//! `ligerito_chainConfig`, `ligerito_dryRun`. A node merges it into its RPC module, serving dry runs
//! only to the callers its unsafe-RPC policy admits, as `system_dryRun` is:
//!
//! ```text
//! let ligerito = pallet_ligerito_rpc::Ligerito::new(client.clone())
//!     .dry_runs_if(|ext| sc_rpc_api::check_if_safe(ext).is_ok());
//! module.merge(ligerito.into_rpc())?;
//! ```
//!
//! Each method takes an optional block hash (`at`); without it, the best block.

use codec::Codec;
use jsonrpsee::core::server::Extensions;
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::types::ErrorObjectOwned;
use pallet_ligerito::runtime_api::LigeritoApi;
use pallet_ligerito::{ChainConfig, DryRun, Verdict, VerifiedCommitment, MAX_PROOF_LEN};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};
use sp_runtime::traits::Block as BlockT;
use std::marker::PhantomData;
use std::sync::Arc;

/// A proof longer than any size allows.
pub const PROOF_TOO_LONG: i32 = 1;
/// The runtime call failed (e.g. an unknown block hash).
pub const RUNTIME_ERROR: i32 = 2;
/// This caller may not run `ligerito_dryRun` ([`Ligerito::dry_runs_if`]).
pub const DRY_RUN_REFUSED: i32 = 3;

/// One account's record of a verified commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified<BlockNumber> {
    /// Block it was verified in.
    pub block: BlockNumber,
    /// log2 of the polynomial size.
    pub log_size: u32,
    /// BLAKE2-256 of the proof bytes.
    pub proof_hash: H256,
}

impl<BlockNumber> From<VerifiedCommitment<BlockNumber>> for Verified<BlockNumber> {
    fn from(record: VerifiedCommitment<BlockNumber>) -> Self {
        Self {
            block: record.block,
            log_size: record.log_size,
            proof_hash: record.proof_hash,
        }
    }
}

/// An account that verified a commitment, and its record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verifier<AccountId, BlockNumber> {
    /// The account the record is under.
    pub who: AccountId,
    /// Its record.
    #[serde(flatten)]
    pub record: Verified<BlockNumber>,
}

/// One size's limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub log_size: u32,
    pub gas_limit: u64,
    pub max_proof_len: u32,
}

/// The verifier in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// SHA-256 of the verifier guest.
    pub code_hash: H256,
    pub limits: Vec<Limits>,
}

/// What `verify` would conclude at that block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunResult {
    /// The commitment `verify` would record, if the proof verifies.
    pub commitment: Option<H256>,
    /// The pallet error `verify` would fail with (`InvalidProof`, `OutOfGas`,
    /// ...); never `AlreadyVerified`, which depends on the signer.
    pub error: Option<String>,
    /// The guest's verdict, exit code, gas and diagnostic, if it ran.
    pub verdict: Option<Verdict>,
    pub exit_code: Option<u8>,
    pub gas_used: Option<u64>,
    pub message: Option<String>,
}

impl From<DryRun> for DryRunResult {
    fn from(dry: DryRun) -> Self {
        let (commitment, error) = match dry.result {
            Ok(commitment) => (Some(commitment), None),
            Err(error) => (None, Some(format!("{error:?}"))),
        };
        let outcome = dry.outcome;
        Self {
            commitment,
            error,
            verdict: outcome.as_ref().map(|o| o.verdict),
            exit_code: outcome.as_ref().map(|o| o.exit_code),
            gas_used: outcome.as_ref().map(|o| o.gas_used),
            message: outcome.map(|o| o.message),
        }
    }
}

#[rpc(server)]
pub trait LigeritoRpc<BlockHash, AccountId, BlockNumber> {
    /// When and how `who` verified `commitment`; `null` if that account has not.
    #[method(name = "ligerito_verified")]
    fn verified(
        &self,
        commitment: H256,
        who: AccountId,
        at: Option<BlockHash>,
    ) -> RpcResult<Option<Verified<BlockNumber>>>;

    /// Every account that verified `commitment`, with its record; `[]` if none.
    #[method(name = "ligerito_verifiers")]
    fn verifiers(
        &self,
        commitment: H256,
        at: Option<BlockHash>,
    ) -> RpcResult<Vec<Verifier<AccountId, BlockNumber>>>;

    /// The verifier code hash and every size's limits.
    #[method(name = "ligerito_chainConfig")]
    fn chain_config(&self, at: Option<BlockHash>) -> RpcResult<Config>;

    /// Runs `verify`'s checks and the guest on `proof` (hex), recording
    /// nothing. The guest may run up to the size's gas limit, free to the
    /// caller, so only callers the node admits may ([`Ligerito::dry_runs_if`]).
    #[method(name = "ligerito_dryRun", with_extensions)]
    fn dry_run(
        &self,
        log_size: u32,
        proof: Bytes,
        at: Option<BlockHash>,
    ) -> RpcResult<DryRunResult>;
}

/// Whether a call, by its extensions (the node's per-connection facts, such
/// as its unsafe-RPC policy), may run `ligerito_dryRun`.
type DryRunGate = Arc<dyn Fn(&Extensions) -> bool + Send + Sync>;

/// The extension: a client that provides the runtime API.
pub struct Ligerito<C, Block> {
    client: Arc<C>,
    dry_runs: DryRunGate,
    _block: PhantomData<Block>,
}

impl<C, Block> Ligerito<C, Block> {
    /// Serves every method but `ligerito_dryRun`, which it refuses until
    /// [`Self::dry_runs_if`] says who may run it.
    pub fn new(client: Arc<C>) -> Self {
        Self {
            client,
            dry_runs: Arc::new(|_| false),
            _block: PhantomData,
        }
    }

    /// Serves `ligerito_dryRun` to the calls `allowed` admits, e.g.
    /// `|ext| sc_rpc_api::check_if_safe(ext).is_ok()` for the node's
    /// `--rpc-methods` policy (as `system_dryRun`), or `|_| true` where every
    /// caller is trusted.
    pub fn dry_runs_if(
        mut self,
        allowed: impl Fn(&Extensions) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.dry_runs = Arc::new(allowed);
        self
    }
}

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        RUNTIME_ERROR,
        format!("runtime call failed: {e}"),
        None::<()>,
    )
}

impl<C, Block, AccountId, BlockNumber>
    LigeritoRpcServer<<Block as BlockT>::Hash, AccountId, BlockNumber> for Ligerito<C, Block>
where
    Block: BlockT,
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: LigeritoApi<Block, AccountId, BlockNumber>,
    AccountId: Codec + Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    BlockNumber: Codec + Serialize + Send + Sync + 'static,
{
    fn verified(
        &self,
        commitment: H256,
        who: AccountId,
        at: Option<Block::Hash>,
    ) -> RpcResult<Option<Verified<BlockNumber>>> {
        let at = at.unwrap_or_else(|| self.client.info().best_hash);
        let record = self
            .client
            .runtime_api()
            .verified(at, commitment, who)
            .map_err(runtime_error)?;
        Ok(record.map(Verified::from))
    }

    fn verifiers(
        &self,
        commitment: H256,
        at: Option<Block::Hash>,
    ) -> RpcResult<Vec<Verifier<AccountId, BlockNumber>>> {
        let at = at.unwrap_or_else(|| self.client.info().best_hash);
        let records = self
            .client
            .runtime_api()
            .verifiers(at, commitment)
            .map_err(runtime_error)?;
        Ok(records
            .into_iter()
            .map(|(who, record)| Verifier {
                who,
                record: record.into(),
            })
            .collect())
    }

    fn chain_config(&self, at: Option<Block::Hash>) -> RpcResult<Config> {
        let at = at.unwrap_or_else(|| self.client.info().best_hash);
        let ChainConfig { code_hash, limits } = self
            .client
            .runtime_api()
            .config(at)
            .map_err(runtime_error)?;
        Ok(Config {
            code_hash,
            limits: limits
                .into_iter()
                .map(|(log_size, limits)| Limits {
                    log_size,
                    gas_limit: limits.gas_limit,
                    max_proof_len: limits.max_proof_len,
                })
                .collect(),
        })
    }

    fn dry_run(
        &self,
        ext: &Extensions,
        log_size: u32,
        proof: Bytes,
        at: Option<Block::Hash>,
    ) -> RpcResult<DryRunResult> {
        if !(self.dry_runs)(ext) {
            return Err(ErrorObjectOwned::owned(
                DRY_RUN_REFUSED,
                "ligerito_dryRun is not served to this caller",
                None::<()>,
            ));
        }
        if proof.len() > MAX_PROOF_LEN as usize {
            return Err(ErrorObjectOwned::owned(
                PROOF_TOO_LONG,
                format!(
                    "proof: {} bytes exceeds the maximum {MAX_PROOF_LEN} of any size",
                    proof.len()
                ),
                None::<()>,
            ));
        }
        let at = at.unwrap_or_else(|| self.client.info().best_hash);
        let dry = self
            .client
            .runtime_api()
            .dry_run(at, log_size, proof.0)
            .map_err(runtime_error)?;
        Ok(dry.into())
    }
}
