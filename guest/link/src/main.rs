//! `ligerito-guest-link ELF OUT`: links the guest ELF into a PolkaVM blob.
//!
//! Stripped, so the blob carries no symbol names or paths of the machine
//! that built it; the build is compared byte for byte in CI.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [elf, out] = args.as_slice() else {
        eprintln!("usage: ligerito-guest-link ELF OUT");
        return ExitCode::from(2);
    };
    match link(elf, out) {
        Ok(len) => {
            eprintln!("linked {out}: {len} bytes");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ligerito-guest-link: {e}");
            ExitCode::FAILURE
        }
    }
}

fn link(elf: &str, out: &str) -> Result<usize, String> {
    let data = std::fs::read(elf).map_err(|e| format!("{elf}: {e}"))?;
    let mut config = polkavm_linker::Config::default();
    config.set_strip(true);
    let blob = polkavm_linker::program_from_elf(
        config,
        polkavm_linker::TargetInstructionSet::Latest,
        &data,
    )
    .map_err(|e| format!("{elf}: {e}"))?;
    std::fs::write(out, &blob).map_err(|e| format!("{out}: {e}"))?;
    Ok(blob.len())
}
