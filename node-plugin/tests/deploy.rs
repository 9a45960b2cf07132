//! deploy/ must build and run what this crate is: the Dockerfile copies
//! every workspace member and builds this binary with a new enough Rust,
//! and the image's and the systemd unit's commands parse with this CLI.

// The binary's own command-line definition, compiled into this test: it
// names only other crates, so it builds here as it does in the binary, and
// `Cli::try_parse_from` checks a command exactly as the binary parses it
// (conflicts and requirements included) without running it. Running the
// binary instead would start the node or the server these files describe.
// It only parses, reading no field: hence dead_code is allowed.
#[allow(dead_code)]
#[path = "../src/bin/ligerito-node/cli.rs"]
mod cli;

use clap::Parser;
use cli::Cli;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// Parses a command line as `ligerito-node` would.
fn parses(args: &[&str]) {
    let argv = std::iter::once(env!("CARGO_PKG_NAME")).chain(args.iter().copied());
    if let Err(e) = Cli::try_parse_from(argv) {
        panic!("{args:?} does not parse: {e}");
    }
}

/// `(major, minor)` of a version such as `1.87` or `1.95-bookworm`.
fn version(text: &str) -> (u32, u32) {
    let mut parts = text.split(|c: char| !c.is_ascii_digit());
    let mut next = || parts.next().and_then(|p| p.parse().ok()).unwrap();
    (next(), next())
}

#[test]
fn the_dockerfile_copies_the_workspace_and_builds_this_binary() {
    let dockerfile = read("deploy/Dockerfile");
    let copied: Vec<&str> = dockerfile
        .lines()
        .filter_map(|line| line.strip_prefix("COPY "))
        .filter(|args| !args.starts_with("--from"))
        .flat_map(|args| {
            let words: Vec<&str> = args.split_whitespace().collect();
            words[..words.len() - 1].to_vec()
        })
        .collect();
    for source in &copied {
        assert!(root().join(source).exists(), "COPY {source}: no such path");
    }
    let manifest = read("Cargo.toml");
    let members = manifest
        .split_once("members = [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .unwrap()
        .0;
    for member in members.split(',').map(|m| m.trim().trim_matches('"')) {
        if member.is_empty() {
            continue;
        }
        assert!(
            copied.iter().any(|c| Path::new(member).starts_with(c)),
            "the workspace member {member} is not copied"
        );
    }
    assert!(copied.contains(&"Cargo.lock"), "--locked needs Cargo.lock");
    let package = env!("CARGO_PKG_NAME");
    assert!(dockerfile.contains(&format!("cargo build --release --locked -p {package}")));
    assert!(dockerfile.contains(&format!("target/release/{package} ")));
    assert!(
        read(".dockerignore").lines().any(|l| l == "target"),
        "the build context leaves out target/"
    );

    let image = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("FROM rust:"))
        .unwrap();
    let wanted = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .unwrap();
    assert!(
        version(image) >= version(wanted),
        "rust:{image} is older than rust-version {wanted}"
    );

    assert!(dockerfile.contains(&format!("ENTRYPOINT [\"{package}\"]")));
    let cmd = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("CMD "))
        .unwrap();
    let cmd: Vec<String> = serde_json::from_str(cmd).unwrap();
    parses(&cmd.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(dockerfile.contains("\nUSER "), "runs as a non-root user");
}

#[test]
fn the_systemd_unit_runs_a_command_this_binary_takes() {
    let unit = read("deploy/ligerito-node.service");
    let setting = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {key}="))
    };
    let exec: Vec<&str> = setting("ExecStart").split_whitespace().collect();
    assert_eq!(
        exec[0],
        format!("/usr/local/bin/{}", env!("CARGO_PKG_NAME"))
    );
    parses(&exec[1..]);
    let base = exec.iter().skip_while(|a| **a != "--base-path").nth(1);
    assert_eq!(
        base.copied(),
        Some(format!("/var/lib/{}", setting("StateDirectory")).as_str()),
        "the chain lives in the state directory"
    );
    assert_eq!(setting("Restart"), "on-failure");
}

#[test]
fn the_docs_deploy_with_these_files() {
    let guide = read("docs/OPERATING.md");
    for command in [
        "docker build -f deploy/Dockerfile -t ligerito-node .",
        "sudo install -m 755 target/release/ligerito-node /usr/local/bin/",
        "sudo install -m 644 deploy/ligerito-node.service /etc/systemd/system/",
    ] {
        assert!(
            guide.contains(command),
            "docs/OPERATING.md lacks `{command}`"
        );
    }
}

#[test]
fn the_kubernetes_manifests_fit_this_binary() {
    let serve = read("deploy/k8s/serve.yaml");
    let args = serve
        .lines()
        .skip_while(|l| !l.contains(&format!("image: {}:", env!("CARGO_PKG_NAME"))))
        .find_map(|l| l.trim().strip_prefix("args: "))
        .expect("the container's args, as a one-line JSON list");
    let args: Vec<String> = serde_json::from_str(args).unwrap();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    parses(&args);
    let value = |flag: &str| {
        let at = args.iter().position(|a| *a == flag);
        at.map(|i| args[i + 1])
            .unwrap_or_else(|| panic!("no {flag}"))
    };
    // The probes ask routes that need no API key.
    for path in ["path: /health", "path: /config"] {
        assert!(serve.contains(path), "no probe on {path}");
    }
    for (flag, file) in [
        ("--tenants", "tenants"),
        ("--cache-secret-file", "cache secret"),
    ] {
        let path = Path::new(value(flag));
        let mount = format!("mountPath: {},", path.parent().unwrap().display());
        assert!(serve.contains(&mount), "the {file} file is not mounted");
    }
    let redis = read("deploy/k8s/redis.yaml");
    let host = value("--cache-url").rsplit('@').next().unwrap();
    let service = host.split(':').next().unwrap();
    assert!(redis.contains(&format!("kind: Service\nmetadata:\n  name: {service}\n")));

    let example = root().join("deploy/k8s/tenants.example.toml");
    let config = ligerito_rpc::RpcConfig {
        tenants_file: Some(example),
        ..ligerito_rpc::RpcConfig::default()
    };
    let executor = std::sync::Arc::new(ligerito_executor::Executor::new());
    if let Err(e) = ligerito_rpc::LigeritoRpc::new(executor, config) {
        panic!("deploy/k8s/tenants.example.toml: {e}");
    }
    let guide = read("docs/OPERATING.md");
    for command in [
        "kubectl apply -f deploy/k8s/",
        "deploy/k8s/validate.sh",
        "--from-file=tenants.toml=deploy/k8s/tenants.example.toml",
    ] {
        assert!(
            guide.contains(command),
            "docs/OPERATING.md lacks `{command}`"
        );
    }
}
