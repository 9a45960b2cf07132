//! Who may call a port and how often: the same flags for `serve` and the
//! node, whose ports are assembled the same way (`ligerito_rpc::serve_port`).

use anyhow::Context;
use clap::Args;
use ligerito_rpc::RpcConfig;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct GateArgs {
    /// Require `Authorization: Bearer KEY` on JSON-RPC requests; repeat for more keys.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Read API keys from a file, one a line (blank lines and # comments ignored).
    #[arg(long, value_name = "FILE")]
    api_keys_file: Option<PathBuf>,
    /// Tenants with their own API keys, rate limits and quotas (TOML, docs/RPC.md);
    /// reloaded on SIGHUP and when the file changes.
    #[arg(long, value_name = "FILE")]
    tenants: Option<PathBuf>,
    /// Seconds between looks for a changed tenants file; 0: only on SIGHUP.
    #[arg(long, value_name = "SECS", default_value_t = 5, requires = "tenants")]
    tenants_poll_secs: u64,
    /// Proofs per second each client IP may submit, e.g. 10 or 10/s.
    #[arg(long, value_name = "N/s", value_parser = parse_rate)]
    rate_limit: Option<NonZeroU32>,
}

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

fn parse_rate(s: &str) -> Result<NonZeroU32, String> {
    s.strip_suffix("/s").unwrap_or(s).parse().map_err(|_| {
        format!("expected a positive number of proofs per second such as 10/s, got '{s}'")
    })
}
