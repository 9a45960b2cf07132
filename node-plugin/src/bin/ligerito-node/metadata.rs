//! `ligerito-node metadata`: the runtime module's calls, events, errors and storage.

/// Prints the metadata as a listing, or with `json` in full.
pub fn run(json: bool) -> anyhow::Result<()> {
    let metadata = ligerito_runtime::metadata::metadata();
    if json {
        println!("{}", serde_json::to_string_pretty(&metadata)?);
    } else {
        print!("{}", metadata.summary());
    }
    Ok(())
}
