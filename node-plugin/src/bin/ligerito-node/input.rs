//! Input files that may be standard input, read no further than needed.

use anyhow::Context;
use std::io::Read;
use std::path::PathBuf;

/// Reads at most `limit` bytes of a file or standard input (`-`).
pub fn read_bounded(path: &PathBuf, limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        file.take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(bytes)
}
