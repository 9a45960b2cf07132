//! Who may call a port and how often: `--api-key`, `--tenants` and
//! `--rate-limit` into the port's configuration, for `serve` and `run` alike.

use crate::cli::GateArgs;
use anyhow::Context;
use ligerito_rpc::RpcConfig;
use std::time::Duration;

impl GateArgs {
    /// Sets `config`'s API keys, tenants and rate limit from the flags.
    pub fn apply(&self, config: &mut RpcConfig) -> anyhow::Result<()> {
        config.api_keys.extend(self.api_keys.iter().cloned());
        if let Some(path) = &self.api_keys_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            config.api_keys.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_owned),
            );
        }
        config.tenants_file.clone_from(&self.tenants);
        config.tenants_poll = Duration::from_secs(self.tenants_poll_secs);
        config.rate_limit = self.rate_limit;
        Ok(())
    }
}
