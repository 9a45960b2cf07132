//! `ligerito-node tx verify`: sign a verify extrinsic as a development
//! account, submit it to a node and wait for the block that includes it.

use crate::cli::{TxCommand, VerifyArgs};
use anyhow::{anyhow, bail, Context};
use codec::Encode;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use ligerito_node::rpc::{HeaderJson, ReceiptJson};
use ligerito_runtime::{dev_account, BoundedProof, Call, UncheckedExtrinsic, DEV_ACCOUNTS};
use sp_core::crypto::Ss58Codec;
use sp_core::{Pair, H256};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Runs a `tx` command; the exit code says whether the extrinsic succeeded.
pub fn run(command: TxCommand) -> anyhow::Result<ExitCode> {
    let TxCommand::Verify(args) = command;
    if !DEV_ACCOUNTS.contains(&args.signer.as_str()) {
        bail!(
            "unknown signer '{}': one of {}",
            args.signer,
            DEV_ACCOUNTS.join(", ")
        );
    }
    let bytes = crate::proof_format::read_proof(&args.proof, args.format)?;
    let proof = BoundedProof::try_from(bytes).map_err(|_| {
        anyhow!(
            "the proof is longer than {} bytes",
            ligerito_runtime::MAX_PROOF_LEN
        )
    })?;
    let call = Call::Verify {
        log_size: args.size,
        proof,
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(submit_and_wait(&args, call))
}

async fn submit_and_wait(args: &VerifyArgs, call: Call) -> anyhow::Result<ExitCode> {
    let client = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(30))
        .build(&args.rpc)
        .with_context(|| format!("connecting to {}", args.rpc))?;
    let pair = dev_account(&args.signer);
    let genesis: String = client
        .request("ligerito_genesisHash", rpc_params![])
        .await?;
    let genesis: H256 = genesis.parse().context("the node's genesis hash")?;
    let nonce: u64 = client
        .request(
            "system_accountNextIndex",
            rpc_params![pair.public().to_ss58check()],
        )
        .await?;
    let mut seen = best_number(&client).await?;
    let xt = UncheckedExtrinsic::sign(&pair, call, nonce, genesis);
    let hash: String = client
        .request(
            "author_submitExtrinsic",
            rpc_params![format!("0x{}", hex::encode(xt.encode()))],
        )
        .await
        .context("submitting")?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    loop {
        let best = best_number(&client).await?;
        for number in seen + 1..=best {
            let receipt: Option<ReceiptJson> = client
                .request("ligerito_blockReceipt", rpc_params![number])
                .await?;
            let Some(receipt) = receipt else { continue };
            if let Some(outcome) = receipt.extrinsics.iter().find(|o| o.hash == hash) {
                let events: Vec<_> = receipt
                    .events
                    .iter()
                    .filter(|e| e.extrinsic_index == outcome.index)
                    .collect();
                let report = serde_json::json!({
                    "block": receipt.number,
                    "blockHash": receipt.hash,
                    "extrinsic": outcome,
                    "events": events,
                });
                println!("{report}");
                return Ok(ExitCode::from(if outcome.success { 0 } else { 1 }));
            }
        }
        seen = best;
        if Instant::now() > deadline {
            bail!(
                "extrinsic {hash} was not included within {} s",
                args.timeout
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn best_number(client: &HttpClient) -> anyhow::Result<u64> {
    let header: HeaderJson = client.request("chain_getHeader", rpc_params![]).await?;
    let digits = header.number.trim_start_matches("0x");
    u64::from_str_radix(digits, 16).with_context(|| format!("block number {}", header.number))
}
