//! Runs pallet-ligerito's benchmarks (frame-benchmarking v2) in a wasm
//! runtime built with `runtime-benchmarks`, as `frame-benchmarking-cli
//! benchmark pallet` does, with the host functions a node registers
//! (`ligerito_verifier` among them), and writes the pallet's `weights.rs`.
//!
//! frame-benchmarking-cli builds about 1,200 crates and its
//! `frame-omni-bencher` lacks the Ligerito host functions; this takes the
//! parts it needs: Substrate's executor, the benchmarking state backend
//! (`sc-client-db`: it counts reads and writes and commits between runs) and
//! frame-benchmarking's least-squares analysis. `../bench.sh` builds the
//! runtime and runs it.

mod weights;

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use codec::{Decode, Encode};
use frame_benchmarking::{
    BenchmarkBatch, BenchmarkConfig, BenchmarkList, BenchmarkParameter, BenchmarkResult,
};
use frame_support::traits::StorageInfo;
use sc_client_db::BenchmarkingState;
use sc_executor::WasmExecutor;
use sp_core::traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode};
use sp_externalities::Extensions;
use sp_runtime::traits::BlakeTwo256;
use sp_state_machine::{BasicExternalities, StateMachine};
use std::path::PathBuf;

/// What a node registers, plus frame-benchmarking's own (timing, database
/// counts), as frame-benchmarking-cli adds them.
type HostFunctions = (
    sp_io::SubstrateHostFunctions,
    frame_benchmarking::benchmarking::HostFunctions,
    pallet_ligerito::host::ligerito_verifier::HostFunctions,
);

type State = BenchmarkingState<BlakeTwo256>;

#[derive(Parser)]
#[command(about = "Benchmarks pallet-ligerito in a wasm runtime and writes its weights.rs")]
struct Args {
    /// The runtime's wasm, built with `runtime-benchmarks`.
    runtime: PathBuf,
    /// Values per component, spread evenly over its range.
    #[arg(long, default_value_t = 50)]
    steps: u32,
    /// Timed runs per value.
    #[arg(long, default_value_t = 20)]
    repeat: u32,
    /// Where to write the weights (standard output without it).
    #[arg(long)]
    output: Option<PathBuf>,
    /// How the file was made, for its header: the command, the machine.
    #[arg(long = "header")]
    header: Vec<String>,
    /// The name of the implementation.
    #[arg(long, default_value = "SubstrateWeight")]
    name: String,
    /// Write the implementation alone, of `crate::weights::WeightInfo`,
    /// without the trait and `()`.
    #[arg(long)]
    impl_only: bool,
}

/// One benchmark's results: timed runs, and runs with database tracking.
pub struct Measured {
    pub name: String,
    pub components: Vec<(BenchmarkParameter, u32, u32)>,
    pub time: Vec<BenchmarkResult>,
    pub db: Vec<BenchmarkResult>,
}

struct Bench {
    executor: WasmExecutor<HostFunctions>,
    code: WrappedRuntimeCode<'static>,
    hash: Vec<u8>,
    /// Timed runs.
    timing: State,
    /// Reads, writes and the keys touched.
    tracking: State,
}

impl Bench {
    fn new(wasm: Vec<u8>) -> Result<Self> {
        let executor = WasmExecutor::builder().build();
        let hash = sp_io::hashing::blake2_256(&wasm).to_vec();
        let code = WrappedRuntimeCode(wasm.into());
        let mut genesis = BasicExternalities::default();
        {
            let code = runtime_code(&code, &hash);
            let mut call = |method: &str, args: Vec<u8>| -> Result<Vec<u8>> {
                let (out, _) =
                    executor.call(&mut genesis, &code, method, &args, CallContext::Offchain);
                out.map_err(|e| anyhow!("{method}: {e}"))
            };
            let preset = call("GenesisBuilder_get_preset", None::<Vec<u8>>.encode())?;
            let preset = Option::<Vec<u8>>::decode(&mut &preset[..])?
                .ok_or_else(|| anyhow!("the runtime has no default genesis preset"))?;
            let built = call("GenesisBuilder_build_state", preset.encode())?;
            Result::<(), String>::decode(&mut &built[..])?.map_err(|e| anyhow!("genesis: {e}"))?;
        }
        let storage = genesis.into_storages();
        // Both record proofs, as frame-benchmarking-cli's do by default: the
        // timed runs pay what a parachain's block building pays.
        let state =
            |tracking| State::new(storage.clone(), None, true, tracking).map_err(|e| anyhow!(e));
        Ok(Bench {
            timing: state(false)?,
            tracking: state(true)?,
            executor,
            code,
            hash,
        })
    }

    fn call<R: Decode>(&self, state: &State, method: &str, args: &impl Encode) -> Result<R> {
        let code = runtime_code(&self.code, &self.hash);
        let out = StateMachine::new(
            state,
            &mut Default::default(),
            &self.executor,
            method,
            &args.encode(),
            &mut Extensions::default(),
            &code,
            CallContext::Offchain,
        )
        .execute()
        .map_err(|e| anyhow!("{method}: {e}"))?;
        R::decode(&mut &out[..]).with_context(|| format!("decoding {method}'s answer"))
    }

    fn dispatch(&self, state: &State, config: BenchmarkConfig) -> Result<Vec<BenchmarkResult>> {
        let name = String::from_utf8_lossy(&config.benchmark).into_owned();
        let batches: Result<Vec<BenchmarkBatch>, String> =
            self.call(state, "Benchmark_dispatch_benchmark", &config)?;
        let batches = batches.map_err(|e| anyhow!("benchmark {name}: {e}"))?;
        Ok(batches.into_iter().flat_map(|b| b.results).collect())
    }

    /// Each component from its lowest to its highest value in `steps`
    /// values, the others at their highest, as frame-benchmarking-cli
    /// selects them; each selection checked once, counted once and timed
    /// `repeat` times.
    fn run(&self, list: &BenchmarkList, benchmark: usize, args: &Args) -> Result<Measured> {
        let meta = &list.benchmarks[benchmark];
        let name = String::from_utf8_lossy(&meta.name).into_owned();
        let mut selections = Vec::new();
        for (param, low, high) in &meta.components {
            for step in 0..args.steps {
                let value =
                    low + ((high - low) as u64 * step as u64 / (args.steps - 1) as u64) as u32;
                selections.push(
                    meta.components
                        .iter()
                        .map(|(p, _, h)| (*p, if p == param { value } else { *h }))
                        .collect::<Vec<_>>(),
                );
            }
        }
        if selections.is_empty() {
            selections.push(Vec::new());
        }
        let config = |selected: &Vec<_>, verify, internal_repeats| BenchmarkConfig {
            pallet: list.pallet.clone(),
            instance: list.instance.clone(),
            benchmark: meta.name.clone(),
            selected_components: selected.clone(),
            verify,
            internal_repeats,
        };
        let mut measured = Measured {
            name,
            components: meta.components.clone(),
            time: Vec::new(),
            db: Vec::new(),
        };
        for selected in &selections {
            self.dispatch(&self.timing, config(selected, true, 1))?;
            measured
                .db
                .extend(self.dispatch(&self.tracking, config(selected, false, 1))?);
            measured
                .time
                .extend(self.dispatch(&self.timing, config(selected, false, args.repeat))?);
        }
        Ok(measured)
    }
}

fn runtime_code<'a>(code: &'a WrappedRuntimeCode<'static>, hash: &[u8]) -> RuntimeCode<'a> {
    RuntimeCode {
        code_fetcher: code,
        heap_pages: None,
        hash: hash.to_vec(),
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.steps < 2 {
        bail!("--steps must be at least 2: a slope needs two points");
    }
    let wasm = std::fs::read(&args.runtime)
        .with_context(|| format!("reading {}", args.runtime.display()))?;
    let bench = Bench::new(wasm)?;
    let (lists, storage): (Vec<BenchmarkList>, Vec<StorageInfo>) =
        bench.call(&bench.timing, "Benchmark_benchmark_metadata", &false)?;
    let list = lists
        .iter()
        .find(|l| l.pallet == b"pallet_ligerito")
        .ok_or_else(|| anyhow!("the runtime does not benchmark pallet_ligerito"))?;
    let mut measured = Vec::new();
    for i in 0..list.benchmarks.len() {
        let m = bench.run(list, i, &args)?;
        eprintln!("bench: {} ({} timed runs)", m.name, m.time.len());
        measured.push(m);
    }
    let layout = if args.impl_only {
        weights::Layout::ImplOnly
    } else {
        weights::Layout::WithTrait
    };
    let file = weights::render(&measured, &storage, &args.header, &args.name, layout)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, file).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{file}"),
    }
    Ok(())
}
