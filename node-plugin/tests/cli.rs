//! `ligerito-node prove` and `verify` as a user runs them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn node(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ligerito-node");
    // A command that stops reading early closes the pipe; that is its business.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn report(output: &Output) -> serde_json::Value {
    let line = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(line.lines().count(), 1, "one JSON line: {line}");
    serde_json::from_str(&line).unwrap()
}

fn proof(size: &str) -> Vec<u8> {
    let out = node(&["prove", "--size", size, "--random", "--seed", "7"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn verifies_what_it_proves_from_standard_input() {
    for backend in ["compiler", "interpreter"] {
        let out = node(
            &["verify", "--size", "12", "--backend", backend, "-"],
            &proof("12"),
        );
        assert_eq!(out.status.code(), Some(0));
        let json = report(&out);
        assert_eq!(json["valid"], true);
        assert_eq!(json["exit_code"], 0);
        assert_eq!(json["message"], "valid");
        assert_eq!(json["backend"], backend);
        assert!(json["gas_used"].as_u64().unwrap() > 0);
        assert!(json["elapsed_ms"].as_f64().is_some());
        assert_eq!(json["code_hash"].as_str().unwrap().len(), 66);
    }
}

#[test]
fn proves_a_polynomial_file_and_verifies_the_proof_file() {
    let dir = std::env::temp_dir().join(format!("ligerito-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let poly = dir.join("poly.bin");
    let proof = dir.join("proof.bin");
    std::fs::write(
        &poly,
        (0u32..1 << 12)
            .flat_map(|i| i.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let out = node(
        &[
            "prove",
            "--size",
            "12",
            "-o",
            proof.to_str().unwrap(),
            poly.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = node(&["verify", "--size", "12", proof.to_str().unwrap()], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn same_seed_gives_the_same_proof() {
    assert_eq!(proof("12"), proof("12"));
}

#[test]
fn proves_the_same_bytes_with_and_without_the_cpus_carry_less_multiply() {
    let soft = Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
        .args(["prove", "--size", "16", "--random", "--seed", "7"])
        .env("LIGERITO_SOFT_MULTIPLY", "1")
        .output()
        .unwrap();
    assert!(soft.status.success());
    assert_eq!(soft.stdout, proof("16"));
}

#[test]
fn exits_1_for_an_invalid_proof() {
    let mut bytes = proof("12");
    bytes[20] ^= 1; // inside the initial commitment's Merkle root
    let out = node(&["verify", "--size", "12", "-"], &bytes);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&out)["valid"], false);
}

#[test]
fn exits_2_for_trailing_bytes() {
    let mut bytes = proof("12");
    bytes.push(0);
    let out = node(&["verify", "--size", "12", "-"], &bytes);
    assert_eq!(out.status.code(), Some(2));
    assert!(report(&out)["message"]
        .as_str()
        .unwrap()
        .contains("trailing"));
}

#[test]
fn exits_2_when_out_of_gas() {
    let out = node(
        &["verify", "--size", "12", "--gas", "1000", "-"],
        &proof("12"),
    );
    assert_eq!(out.status.code(), Some(2));
    let json = report(&out);
    assert_eq!(json["verdict"], "out_of_gas");
    assert_eq!(json["gas_used"], 1000);
}

#[test]
fn reads_no_more_than_the_largest_proof_from_a_huge_input() {
    let huge = vec![0u8; 8 << 20];
    let out = node(&["verify", "--size", "20", "-"], &huge);
    assert_eq!(out.status.code(), Some(2));
    assert!(report(&out)["message"]
        .as_str()
        .unwrap()
        .contains("exceeds the maximum"));
}

#[test]
fn reads_and_writes_upstreams_hex_format() {
    let out = node(
        &[
            "prove", "--size", "12", "--random", "--seed", "7", "--format", "hex",
        ],
        &[],
    );
    assert!(out.status.success());
    // `ligerito prove --format hex`: the bincode proof's hex on one line.
    assert_eq!(
        out.stdout,
        format!("{}\n", hex::encode(proof("12"))).into_bytes()
    );
    let verified = node(
        &["verify", "--size", "12", "--format", "hex", "-"],
        &out.stdout,
    );
    assert_eq!(verified.status.code(), Some(0));
    assert_eq!(report(&verified)["valid"], true);
}

#[test]
fn malformed_or_overlong_hex_is_a_clear_error() {
    for (input, says) in [
        (b"0x01zz\n".to_vec(), "the proof is not hex"),
        (vec![b'0'; 1 << 20], "the hex proof is longer than"),
    ] {
        let out = node(&["verify", "--size", "20", "--format", "hex", "-"], &input);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn rejects_unsupported_sizes_and_wrong_polynomial_lengths() {
    let out = node(&["prove", "--size", "13", "--random"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2^13 is not supported"));
    let out = node(&["prove", "--size", "12", "-"], &[0; 100]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is 16384 bytes"));
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = node(&["verify", "--size", "12", "/nonexistent/proof.bin"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("opening /nonexistent/proof.bin"));
}

#[test]
fn every_command_explains_itself() {
    for args in [
        &["--help"][..],
        &["verify", "--help"],
        &["prove", "--help"],
        &["metadata", "--help"],
    ] {
        let out = node(args, &[]);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: ligerito-node"));
    }
}

#[test]
fn prints_runtime_metadata_as_json_and_as_a_listing() {
    let out = node(&["metadata", "--json"], &[]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["module"], "Ligerito");
    assert!(json["storage"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Commitments"));
    let out = node(&["metadata"], &[]);
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(listing.contains("AlreadyVerified"), "{listing}");
    // Calls as FRAME names them; events and errors keep their CamelCase.
    for call in [
        "verify(log_size, proof)",
        "set_verifier_code(code)",
        "set_limits(log_size, limits)",
    ] {
        assert!(listing.contains(&format!("\n  {call}: ")), "{listing}");
    }
    let call = json["types"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ty| ty["id"] == json["call"])
        .unwrap();
    let variants: Vec<(&str, u64)> = call["type"]["def"]["variant"]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["index"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        variants,
        [("verify", 0), ("set_verifier_code", 1), ("set_limits", 2)]
    );
}

#[test]
fn replay_without_a_chain_is_a_clear_error() {
    let out = node(&["replay", "--base-path", "/nonexistent/base"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no chain at /nonexistent/base/chain.redb")
    );
}
