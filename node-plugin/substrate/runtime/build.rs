//! Builds this runtime for wasm32 and writes `wasm_binary.rs`, which
//! declares `WASM_BINARY`: what substrate-wasm-builder does, but with Debian's
//! toolchain (`scripts/debian-rust.sh`), the one here that has the standard
//! library's source for `-Zbuild-std`; rustup's has none on these machines.
//! `SKIP_WASM_BUILD=1` skips it and leaves `WASM_BINARY` `None`.
use std::{env, fs, path::PathBuf, process::Command};

const TARGET: &str = "wasm32v1-none";
const WASM: &str = "ligerito_substrate_runtime.wasm";
/// What the wasm build inherits of this build's environment; the rest
/// (`CARGO_*`, `RUSTC*`, `RUSTFLAGS`) describes the native build.
const PASSED: &[&str] = &[
    "PATH",
    "HOME",
    "CARGO_HOME",
    "CARGO_NET_OFFLINE",
    "TMPDIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
];

fn main() {
    println!("cargo:rerun-if-env-changed=SKIP_WASM_BUILD");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    // The wasm build compiles this crate without `std`, and runs this script again.
    if env::var_os("CARGO_FEATURE_STD").is_none() {
        return;
    }
    let binary = if env::var_os("SKIP_WASM_BUILD").is_some() {
        "None".to_string()
    } else {
        format!("Some(include_bytes!({:?}))", build_wasm(&out))
    };
    fs::write(
        out.join("wasm_binary.rs"),
        format!(
            "/// This runtime built for wasm32; `None` when built with `SKIP_WASM_BUILD`.\n\
             pub const WASM_BINARY: Option<&[u8]> = {binary};\n"
        ),
    )
    .unwrap();
}

/// Runs Debian's cargo on this crate for wasm32 in `<target>/<profile>/wbuild`
/// and returns the runtime's path; reruns when a file it was built from changes.
fn build_wasm(out: &std::path::Path) -> PathBuf {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.toml");
    // OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out.
    let target_dir = out.ancestors().nth(3).unwrap().join("wbuild");
    for tool in ["/usr/bin/cargo", "/usr/bin/rustc"] {
        assert!(
            fs::metadata(tool).is_ok(),
            "{tool} is missing: scripts/debian-rust.sh installs Debian's Rust toolchain, \
             which builds the wasm runtime (or set SKIP_WASM_BUILD=1)"
        );
    }
    let mut cargo = Command::new("/usr/bin/cargo");
    cargo.env_clear();
    for name in PASSED {
        if let Some(value) = env::var_os(name) {
            cargo.env(name, value);
        }
    }
    let status = cargo
        .env("RUSTC", "/usr/bin/rustc")
        .env("RUSTC_BOOTSTRAP", "1")
        .env(
            "RUSTFLAGS",
            "--cfg substrate_runtime -C link-arg=--export-table",
        )
        .env("CARGO_TARGET_DIR", &target_dir)
        .args(["build", "--locked", "--release", "--no-default-features"])
        .args(["--config", "profile.release.panic=\"abort\""])
        .args([
            "-Zbuild-std=core,alloc",
            "--target",
            TARGET,
            "--manifest-path",
        ])
        .arg(&manifest)
        .status()
        .expect("running /usr/bin/cargo");
    assert!(status.success(), "the wasm runtime's build failed");

    let built = target_dir.join(TARGET).join("release");
    let dep_info = fs::read_to_string(built.join(WASM.replace(".wasm", ".d"))).unwrap();
    let (_, deps) = dep_info.split_once(": ").unwrap();
    for dep in deps.split_whitespace() {
        println!("cargo:rerun-if-changed={dep}");
    }
    built.join(WASM)
}
