//! `ligerito-node replay`: re-execute a stored chain, checking every block.

use anyhow::bail;
use ligerito_executor::{Backend, Executor};
use ligerito_node::chain::Chain;
use ligerito_node::store::Store;
use ligerito_runtime::GenesisConfig;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::Arc;

/// Replays the chain under `base_path` and prints where it ends.
pub fn run(
    base_path: &Path,
    backend: Option<Backend>,
    verify_threads: Option<NonZeroUsize>,
) -> anyhow::Result<()> {
    let path = base_path.join(ligerito_node::CHAIN_DB);
    if !path.is_file() {
        bail!("no chain at {}", path.display());
    }
    let backend = backend.unwrap_or_else(Backend::preferred);
    let store = Store::open(&path)?;
    let chain = Chain::replay(
        store,
        GenesisConfig::dev(),
        Arc::new(Executor::new()),
        backend,
        verify_threads.unwrap_or_else(|| backend.parallel_runs()),
    )?;
    let best = chain.best();
    let report = serde_json::json!({
        "blocks": best.number,
        "best": format!("{:?}", best.hash()),
        "state_root": format!("{:?}", best.state_root),
        "backend": backend,
    });
    println!("{report}");
    Ok(())
}
