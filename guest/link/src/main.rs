//! `ligerito-guest-link [--debug-info] ELF OUT`: links the guest ELF into a
//! PolkaVM blob.
//!
//! Stripped, so the blob carries no symbol names or paths of the machine
//! that built it; the build is compared byte for byte in CI. `--debug-info`
//! keeps them, for profiling (`guest/build.sh --profile`), never for
//! committing.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let strip = match args.first().map(String::as_str) {
        Some("--debug-info") => {
            args.remove(0);
            false
        }
        _ => true,
    };
    let [elf, out] = args.as_slice() else {
        eprintln!("usage: ligerito-guest-link [--debug-info] ELF OUT");
        return ExitCode::from(2);
    };
    match link(elf, out, strip) {
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

fn link(elf: &str, out: &str, strip: bool) -> Result<usize, String> {
    let data = std::fs::read(elf).map_err(|e| format!("{elf}: {e}"))?;
    let mut config = polkavm_linker::Config::default();
    config.set_strip(strip);
    let blob = polkavm_linker::program_from_elf(
        config,
        polkavm_linker::TargetInstructionSet::Latest,
        &data,
    )
    .map_err(|e| format!("{elf}: {e}"))?;
    std::fs::write(out, &blob).map_err(|e| format!("{out}: {e}"))?;
    Ok(blob.len())
}
