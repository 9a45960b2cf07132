//! `ligerito-node tx verify`: sign a verify extrinsic as a development
//! account, submit it to a node and wait for the block that includes it.

use crate::rpc::{HeaderJson, ReceiptJson};
use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};
use codec::Encode;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use ligerito_runtime::{dev_account, BoundedProof, Call, UncheckedExtrinsic, DEV_ACCOUNTS};
use sp_core::crypto::Ss58Codec;
use sp_core::{Pair, H256};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum TxCommand {
    /// Submit a proof for on-chain verification and print its block's outcome.
    ///
    /// Prints one JSON line: the block, the extrinsic's outcome and its
    /// events. Exits 0 if the proof was recorded, 1 if the extrinsic was
    /// included but failed (e.g. an invalid proof), 2 on any other error.
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    /// log2 of the polynomial size: 12, 16 or 20..=30.
    #[arg(short, long)]
    size: u32,
    /// The development account that signs: alice, bob, charlie, dave, eve or ferdie.
    #[arg(long, default_value = "alice")]
    signer: String,
    /// The node's JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:9944")]
    rpc: String,
    /// Seconds to wait for the extrinsic's block.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// How the proof file is encoded, as upstream's --format.
    #[arg(short, long, value_enum, default_value_t)]
    format: crate::proof_format::ProofFormat,
    /// Proof file, or - for standard input.
    #[arg(value_name = "FILE|-")]
    proof: PathBuf,
}

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
