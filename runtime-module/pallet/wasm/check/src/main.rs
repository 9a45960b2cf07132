//! Runs builds of the example runtime in Substrate's executor (wasmtime),
//! with the host functions a node registers: `sp_io::SubstrateHostFunctions`
//! and the pallet's `ligerito_verifier`. For each, from a fresh genesis:
//!
//! 1. `GenesisBuilder`: the default preset, built into storage;
//! 2. `LigeritoApi_dry_run` on the valid proof (twice: cold, then warm), then
//!    on a tampered copy;
//! 3. a block: `Core_initialize_block`, a signed `verify` extrinsic through
//!    `BlockBuilder_apply_extrinsic`, `BlockBuilder_finalize_block`; then
//!    `LigeritoApi_verified` finds the commitment under the signer and
//!    `LigeritoApi_verifiers` lists the signer alone.
//!
//! The valid proof must verify and the tampered one must not; given several
//! runtimes, all must agree on every answer, on the block's extrinsics and on
//! the pallet's whole storage after it. (Not on the state root: each build
//! charges its runner's weights, and frame-system stores the block's weight.)
//! Exits non-zero on the first failure.
//!
//! Usage: ligerito-wasm-check LOG_SIZE PROOF RUNTIME.wasm...

use anyhow::{anyhow, bail, ensure, Context, Result};
use codec::{Decode, Encode};
use ligerito_example_runtime::{
    AccountId, Header, Nonce, Runtime, RuntimeCall, TxExtension, UncheckedExtrinsic, VERSION,
};
use pallet_ligerito::{DryRun, VerifiedCommitment};
use sc_executor::WasmExecutor;
use sp_core::{
    sr25519,
    traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode},
    Pair, H256,
};
use sp_runtime::{
    generic::SignedPayload,
    traits::{Header as _, IdentifyAccount},
    ApplyExtrinsicResult,
};
use sp_state_machine::BasicExternalities;

type HostFunctions = (
    sp_io::SubstrateHostFunctions,
    pallet_ligerito::host::ligerito_verifier::HostFunctions,
);

/// One runtime build with its own state.
struct Chain {
    name: String,
    executor: WasmExecutor<HostFunctions>,
    wasm: Vec<u8>,
    hash: [u8; 32],
    state: BasicExternalities,
}

impl Chain {
    fn new(path: &str) -> Result<Self> {
        let wasm = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        let name = path.rsplit('/').next().unwrap_or(path).to_string();
        let mut chain = Chain {
            name: name.clone(),
            executor: WasmExecutor::builder().build(),
            hash: sp_io::hashing::blake2_256(&wasm),
            wasm,
            state: BasicExternalities::default(),
        };
        let preset: Option<Vec<u8>> = chain.call("GenesisBuilder_get_preset", &None::<Vec<u8>>)?;
        let preset = preset.ok_or_else(|| anyhow!("{name}: no default genesis preset"))?;
        let built: Result<(), String> = chain.call("GenesisBuilder_build_state", &preset)?;
        built.map_err(|e| anyhow!("{name}: genesis: {e}"))?;
        Ok(chain)
    }

    /// Calls `method` as a node does: through the executor's runtime cache,
    /// which compiles the wasm once.
    fn call<R: Decode>(&mut self, method: &str, args: &impl Encode) -> Result<R> {
        let code = RuntimeCode {
            code_fetcher: &WrappedRuntimeCode(self.wasm.as_slice().into()),
            heap_pages: None,
            hash: self.hash.to_vec(),
        };
        let context = CallContext::Onchain { import: false };
        let (out, _) = self
            .executor
            .call(&mut self.state, &code, method, &args.encode(), context);
        let out = out.map_err(|e| anyhow!("{}: {method}: {e}", self.name))?;
        R::decode(&mut &out[..])
            .with_context(|| format!("{}: decoding {method}'s answer", self.name))
    }

    fn dry_run(&mut self, log_size: u32, proof: &[u8]) -> Result<DryRun> {
        let start = std::time::Instant::now();
        let dry_run: DryRun = self.call("LigeritoApi_dry_run", &(log_size, proof.to_vec()))?;
        println!(
            "{}: dry run of {} bytes: {:?}, {} gas, in {:.1} ms",
            self.name,
            proof.len(),
            dry_run.result,
            dry_run.outcome.as_ref().map_or(0, |o| o.gas_used),
            start.elapsed().as_secs_f64() * 1e3
        );
        Ok(dry_run)
    }

    /// Makes `who` an account that can sign, as a balances pallet's
    /// endowment would (this runtime has none).
    fn create_account(&mut self, who: &AccountId) {
        let info = frame_system::AccountInfo::<Nonce, ()> {
            providers: 1,
            ..Default::default()
        };
        self.state.insert(
            frame_system::Account::<Runtime>::hashed_key_for(who),
            info.encode(),
        );
    }

    /// Every key under the pallet's prefix, with its value.
    fn pallet_storage(&mut self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let prefix = sp_io::hashing::twox_128(b"Ligerito");
        self.state.execute_with(|| {
            let mut items = Vec::new();
            let mut key = prefix.to_vec();
            while let Some(next) = sp_io::storage::next_key(&key).filter(|k| k.starts_with(&prefix))
            {
                let value = sp_io::storage::get(&next).unwrap_or_default().to_vec();
                items.push((next.clone(), value));
                key = next;
            }
            items
        })
    }

    /// Block 1 with one extrinsic; the finalized header.
    fn block(&mut self, extrinsic: &UncheckedExtrinsic) -> Result<Header> {
        let header = Header::new(
            1,
            H256::zero(),
            H256::zero(),
            genesis_hash(),
            Default::default(),
        );
        let _: sp_runtime::ExtrinsicInclusionMode = self.call("Core_initialize_block", &header)?;
        let applied: ApplyExtrinsicResult = self.call("BlockBuilder_apply_extrinsic", extrinsic)?;
        match applied {
            Ok(Ok(())) => {}
            other => bail!("{}: the verify extrinsic failed: {other:?}", self.name),
        }
        self.call("BlockBuilder_finalize_block", &())
    }
}

/// frame-system's genesis block hash.
fn genesis_hash() -> H256 {
    H256::repeat_byte(69)
}

fn account(pair: &sr25519::Pair) -> AccountId {
    sp_runtime::MultiSigner::from(pair.public()).into_account()
}

/// `Ligerito.verify`, signed by `signer` with nonce 0.
fn signed_verify(
    signer: &sr25519::Pair,
    log_size: u32,
    proof: Vec<u8>,
) -> Result<UncheckedExtrinsic> {
    let call = RuntimeCall::Ligerito(pallet_ligerito::Call::verify {
        log_size,
        proof: proof
            .try_into()
            .map_err(|_| anyhow!("the proof is longer than a call takes"))?,
    });
    let extension: TxExtension = (
        frame_system::CheckNonZeroSender::new(),
        frame_system::CheckSpecVersion::new(),
        frame_system::CheckGenesis::new(),
        frame_system::CheckEra::from(sp_runtime::generic::Era::Immortal),
        frame_system::CheckNonce::from(0),
        frame_system::CheckWeight::new(),
    );
    let implicit = (
        (),
        VERSION.spec_version,
        genesis_hash(),
        genesis_hash(),
        (),
        (),
    );
    let payload = SignedPayload::<RuntimeCall, TxExtension>::from_raw(
        call.clone(),
        extension.clone(),
        implicit,
    );
    let signature = payload.using_encoded(|bytes| signer.sign(bytes));
    Ok(UncheckedExtrinsic::new_signed(
        call,
        account(signer).into(),
        signature.into(),
        extension,
    ))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, log_size, proof, runtimes @ ..] = &args[..] else {
        bail!("usage: ligerito-wasm-check LOG_SIZE PROOF RUNTIME.wasm...");
    };
    ensure!(!runtimes.is_empty(), "no runtime to check");
    let log_size: u32 = log_size.parse().context("LOG_SIZE")?;
    let proof = std::fs::read(proof).with_context(|| format!("reading {proof}"))?;
    ensure!(
        proof.len() > 33,
        "the proof is too short to hold a commitment"
    );
    let commitment = H256::from_slice(&proof[1..33]);
    let mut tampered = proof.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    let alice = sr25519::Pair::from_string("//Alice", None)?;
    // Signed once for every runtime: sr25519 signatures are randomised, and
    // the extrinsics root in the compared headers covers the signature.
    let extrinsic = signed_verify(&alice, log_size, proof.clone())?;

    let mut answers = Vec::new();
    for path in runtimes {
        let mut chain = Chain::new(path)?;
        let version: sp_version::RuntimeVersion = chain.call("Core_version", &())?;
        println!(
            "{}: runtime {} {}, {} bytes of wasm",
            chain.name,
            version.spec_name,
            version.spec_version,
            chain.wasm.len()
        );

        let valid = chain.dry_run(log_size, &proof)?;
        // again, warm (the first run includes compiling the guest)
        ensure!(
            chain.dry_run(log_size, &proof)? == valid,
            "{}: a second dry run answered differently",
            chain.name
        );
        ensure!(
            valid.result == Ok(commitment),
            "{}: the valid proof did not verify: {valid:?}",
            chain.name
        );
        let bad = chain.dry_run(log_size, &tampered)?;
        ensure!(
            bad.result.is_err(),
            "{}: the tampered proof verified",
            chain.name
        );

        chain.create_account(&account(&alice));
        let header = chain.block(&extrinsic)?;
        let verified: Option<VerifiedCommitment<u32>> =
            chain.call("LigeritoApi_verified", &(commitment, account(&alice)))?;
        ensure!(
            verified.is_some(),
            "{}: the block did not record the commitment for alice",
            chain.name
        );
        let verifiers: Vec<(AccountId, VerifiedCommitment<u32>)> =
            chain.call("LigeritoApi_verifiers", &commitment)?;
        ensure!(
            verifiers == vec![(account(&alice), verified.clone().expect("checked"))],
            "{}: LigeritoApi_verifiers answered {verifiers:?}",
            chain.name
        );
        println!("{}: block 1 state root {:?}", chain.name, header.state_root);
        let storage = chain.pallet_storage();
        let block = (header.number, header.extrinsics_root, storage);
        answers.push((chain.name, (valid, bad, block, verified)));
    }
    for (name, answer) in &answers[1..] {
        ensure!(
            *answer == answers[0].1,
            "{name} and {} disagree:\n{answer:?}\n{:?}",
            answers[0].0,
            answers[0].1
        );
        println!(
            "{name} and {} agree: verdicts, gas, messages, the block's extrinsics, the pallet's storage",
            answers[0].0
        );
    }
    Ok(())
}
