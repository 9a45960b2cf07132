//! Verify time per size in one run, as ratios: upstream's verifier natively
//! (one thread; built with and without the CPU's carry-less multiply, which
//! upstream only uses when compiled for it) beside our guest on both PolkaVM
//! backends, our own verifier natively with the same kernels (the sandbox's
//! floor: what the guest would take without PolkaVM), and the reference guest
//! (upstream's verifier in PolkaVM) for gas. Prints a Markdown table.
//!
//!   cargo bench -p ligerito-tests --bench ratios                   # 12, 16, 20, 22, 24
//!   LIGERITO_BENCH_SIZES=20 cargo bench -p ligerito-tests --bench ratios
//!   LIGERITO_BENCH_QUICK=1 cargo bench -p ligerito-tests --bench ratios   # 12, 16, 20; fewer runs
//!
//! Also draws docs/verify-time.svg (the temp dir in quick mode).

mod common;

use ligerito_executor::{Backend, Code, Executor, DEFAULT_GAS_LIMIT};
use ligerito_tests::{committed_proof, valid_proof, COMMITTED_SIZES};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Builds bench/native with `rustflags` into its own directory under the
/// workspace's target directory (`CARGO_TARGET_DIR` when set, as for cargo).
fn build_native(root: &Path, name: &str, rustflags: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("native-bench")
        .join(name);
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--release",
            "--locked",
            "--manifest-path",
        ])
        .arg(root.join("bench/native/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", rustflags)
        .status()
        .expect("run cargo");
    assert!(status.success(), "building bench/native ({name}) failed");
    target.join("release/ligerito-native-bench")
}

fn native(binary: &Path, log_size: u32, proof: &Path, runs: usize) -> Duration {
    let out = Command::new(binary)
        .arg(log_size.to_string())
        .arg(proof)
        .arg(runs.to_string())
        .output()
        .expect("run ligerito-native-bench");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nanos: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("nanoseconds");
    Duration::from_nanos(nanos)
}

/// Median time of our verifier run natively, as the guest runs it: decode
/// the bytes (the guest's decoder, rows left in the bytes), then verify
/// with the kernels the host runs for it.
fn floor(log_size: u32, proof: &[u8], runs: usize) -> Duration {
    let config = ligerito_sizes::get(log_size)
        .expect("a supported size")
        .verifier_config();
    let run = || {
        let proof = ligerito_pvm_verifier::decode::view(proof).expect("decodes");
        ligerito_pvm_verifier::verify_view(&config, &proof, &ligerito_pvm_verifier::Local)
    };
    assert_eq!(
        run(),
        Ok(Ok(())),
        "the native verifier rejects a valid proof"
    );
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let _ = std::hint::black_box(run());
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

/// Median time of a warm verify (module compiled, instance reused) and its gas.
fn guest(
    executor: &Executor,
    log_size: u32,
    proof: &[u8],
    backend: Backend,
    runs: usize,
) -> (Duration, u64) {
    let run = || {
        executor
            .verify(log_size, proof, DEFAULT_GAS_LIMIT, backend)
            .expect("executor")
    };
    let outcome = run();
    assert!(outcome.is_valid(), "{}", outcome.message);
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    (times[times.len() / 2], outcome.gas_used)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.1}x", a.as_secs_f64() / b.as_secs_f64())
}

fn main() {
    // `cargo bench` passes `--bench`; a filter is not meaningful here.
    let quick = common::quick();
    let runs = if quick { 3 } else { 15 };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let clmul = std::is_x86_feature_detected!("pclmulqdq")
        .then(|| build_native(&root, "clmul", "-C target-feature=+pclmulqdq,+sse4.1"));
    let soft = build_native(&root, "soft", "");
    let ours = Executor::new();
    let reference = Executor::with_code(Code::reference());
    let dir = std::env::temp_dir().join(format!("ligerito-ratios-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let mut plot = Plot::default();
    println!("| size | gas | reference gas | native CLMUL | native soft | ours native | compiler | interpreter | compiler / CLMUL | interpreter / CLMUL | compiler / soft | compiler / ours native |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for log_size in common::sizes(&[12, 16, 20], &[12, 16, 20, 22, 24]) {
        // sizes above 24 only when asked (LIGERITO_BENCH_SIZES): committed proofs
        let proof = if COMMITTED_SIZES.contains(&log_size) {
            committed_proof(log_size)
        } else {
            valid_proof(log_size)
        };
        let file = dir.join(format!("proof_{log_size}.bin"));
        std::fs::write(&file, &proof).unwrap();
        let native_clmul = clmul.as_ref().map(|b| native(b, log_size, &file, runs * 2));
        let native_soft = native(&soft, log_size, &file, runs);
        let ours_native = floor(log_size, &proof, runs * 2);
        let (compiler, gas) = guest(&ours, log_size, &proof, Backend::Compiler, runs);
        let (interpreter, _) = guest(&ours, log_size, &proof, Backend::Interpreter, runs.min(5));
        let (_, reference_gas) = guest(&reference, log_size, &proof, Backend::Compiler, 1);
        plot.add(log_size, native_clmul, compiler, interpreter);
        let or_none = |d: Option<String>| d.unwrap_or_else(|| "n/a".into());
        println!(
            "| 2^{log_size} | {gas} | {reference_gas} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            or_none(native_clmul.map(ms)),
            ms(native_soft),
            ms(ours_native),
            ms(compiler),
            ms(interpreter),
            or_none(native_clmul.map(|n| ratio(compiler, n))),
            or_none(native_clmul.map(|n| ratio(interpreter, n))),
            ratio(compiler, native_soft),
            ratio(compiler, ours_native),
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
    plot.chart().write("verify-time.svg");
}

/// Verify time per size, in milliseconds, for the plot.
#[derive(Default)]
struct Plot {
    sizes: Vec<u32>,
    clmul: Vec<(f64, f64)>,
    compiler: Vec<(f64, f64)>,
    interpreter: Vec<(f64, f64)>,
}

impl Plot {
    fn add(
        &mut self,
        log_size: u32,
        clmul: Option<Duration>,
        compiler: Duration,
        interpreter: Duration,
    ) {
        let x = f64::from(log_size);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        self.sizes.push(log_size);
        self.clmul.extend(clmul.map(|d| (x, ms(d))));
        self.compiler.push((x, ms(compiler)));
        self.interpreter.push((x, ms(interpreter)));
    }

    fn chart(self) -> common::Chart<'static> {
        let series = |name: &str, points| common::Series {
            name: name.into(),
            points,
        };
        common::Chart {
            title: "Verify time per size (one thread, median)",
            x_label: "polynomial size",
            y_label: "milliseconds (log scale)",
            x_ticks: self
                .sizes
                .iter()
                .map(|&s| (f64::from(s), format!("2^{s}")))
                .collect(),
            log_y: true,
            series: vec![
                series("native CLMUL", self.clmul),
                series("PolkaVM compiler", self.compiler),
                series("PolkaVM interpreter", self.interpreter),
            ],
        }
    }
}
