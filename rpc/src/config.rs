//! What an operator can tune, and the limits that follow from it.

use crate::shared::{SharedCacheConfig, SharedCacheError};
use crate::tenants::TenantsError;
use ligerito_executor::{sizes, Backend, DEFAULT_GAS_LIMIT};
use std::collections::HashSet;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

/// JSON around one hex proof: `{"proof":"0x…","log_size":30}` and the
/// request envelope (`jsonrpc`, `id`, `method`, whitespace) with room to spare.
const JSON_OVERHEAD: usize = 1024;

/// Server settings. [`RpcConfig::default`] is what `ligerito-node serve` uses
/// without flags.
#[derive(Clone, Debug)]
pub struct RpcConfig {
    /// Gas each verification may use; also what `ligerito_config` reports.
    pub gas_limit: u64,
    pub backend: Backend,
    /// Verifications running at once.
    pub workers: usize,
    /// Verifications admitted beyond `workers` that wait for a worker;
    /// past `workers + queue` callers get the busy error at once.
    pub queue: usize,
    /// Most proofs in one `ligerito_verifyBatch` and most calls in one
    /// JSON-RPC batch request.
    pub max_batch: usize,
    /// Open TCP connections; further ones wait in the kernel's backlog.
    pub max_connections: usize,
    /// Bearer tokens a caller must present (the tenant `default`); with
    /// neither these nor a tenants file there is no authentication.
    pub api_keys: HashSet<String>,
    /// Tenants with their own keys, rate limits and quotas (TOML); read at
    /// start, then again on [`crate::LigeritoRpc::reload_tenants`] or when it changes.
    pub tenants_file: Option<PathBuf>,
    /// How often the standalone server looks for a changed tenants file;
    /// zero: only on `reload_tenants` (SIGHUP in `ligerito-node serve`).
    pub tenants_poll: Duration,
    /// Proofs per second per client IP; `None` means no limit.
    pub rate_limit: Option<NonZeroU32>,
    /// Verdicts kept for repeated proofs (least recently used first out);
    /// 0 turns the cache off.
    pub cache_entries: u32,
    /// Bytes the in-process cache may hold (keys, outcomes, messages);
    /// 0 turns it off.
    pub cache_bytes: usize,
    /// A cache shared by every instance (Redis), behind the in-process one.
    pub shared_cache: Option<SharedCacheConfig>,
}

impl Default for RpcConfig {
    /// [`RpcConfig::for_backend`] of the preferred backend.
    fn default() -> Self {
        Self::for_backend(Backend::preferred())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("workers must be at least 1")]
    NoWorkers,
    #[error("max batch must be at least 1")]
    NoBatch,
    #[error("max connections must be at least 1")]
    NoConnections,
    #[error("max batch {max_batch} exceeds workers + queue = {capacity}, so no batch that long could ever be admitted")]
    BatchOverCapacity { max_batch: usize, capacity: usize },
    #[error(
        "an API key is 1 to {} visible ASCII characters",
        crate::tenants::MAX_KEY
    )]
    ApiKey,
    #[error(transparent)]
    SharedCache(#[from] SharedCacheError),
    #[error("tenants: {0}")]
    Tenants(#[from] TenantsError),
}

impl RpcConfig {
    /// The defaults on `backend`: as many workers as its runs fit the cores
    /// ([`Backend::parallel_runs`]: half of them on the compiler).
    pub fn for_backend(backend: Backend) -> Self {
        Self {
            gas_limit: DEFAULT_GAS_LIMIT,
            backend,
            workers: backend.parallel_runs().get(),
            queue: 32,
            max_batch: 16,
            max_connections: 64,
            api_keys: HashSet::new(),
            tenants_file: None,
            tenants_poll: Duration::from_secs(5),
            rate_limit: None,
            cache_entries: 10_000,
            cache_bytes: 16 << 20,
            shared_cache: None,
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.workers == 0 {
            return Err(ConfigError::NoWorkers);
        }
        if self.max_batch == 0 {
            return Err(ConfigError::NoBatch);
        }
        if self.max_connections == 0 {
            return Err(ConfigError::NoConnections);
        }
        if !self
            .api_keys
            .iter()
            .all(|k| crate::tenants::key_is_valid(k))
        {
            return Err(ConfigError::ApiKey);
        }
        let capacity = self.workers + self.queue;
        if self.max_batch > capacity {
            return Err(ConfigError::BatchOverCapacity {
                max_batch: self.max_batch,
                capacity,
            });
        }
        Ok(())
    }

    /// The largest request body accepted: a batch of `max_batch` proofs of
    /// the largest size, hex-encoded (two characters a byte).
    pub fn max_request_body(&self) -> u32 {
        u32::try_from(MAX_VERIFY_BODY * self.max_batch + JSON_OVERHEAD).unwrap_or(u32::MAX)
    }
}

/// The largest `POST /verify` body accepted: one proof of the largest size
/// in hex, and its JSON.
pub const MAX_VERIFY_BODY: usize = 2 + 2 * sizes::MAX_PROOF_LEN + JSON_OVERHEAD;

/// The largest raw `POST /verify` body accepted (`application/octet-stream`):
/// the longest proof any size admits.
pub const MAX_VERIFY_RAW_BODY: usize = sizes::MAX_PROOF_LEN;

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures in docs/RPC.md and openapi.json; change them together.
    #[test]
    fn the_default_body_limits_are_the_documented_ones() {
        assert_eq!(RpcConfig::default().max_request_body(), 15_018_400);
        assert_eq!(MAX_VERIFY_BODY, 938_586);
        assert_eq!(MAX_VERIFY_RAW_BODY, 468_780);
    }

    #[test]
    fn a_batch_longer_than_the_pool_is_a_configuration_error() {
        let config = RpcConfig {
            workers: 2,
            queue: 1,
            max_batch: 4,
            ..RpcConfig::default()
        };
        assert_eq!(
            config.validate(),
            Err(ConfigError::BatchOverCapacity {
                max_batch: 4,
                capacity: 3
            })
        );
        let no_workers = RpcConfig {
            workers: 0,
            ..RpcConfig::default()
        };
        assert_eq!(no_workers.validate(), Err(ConfigError::NoWorkers));
        assert_eq!(RpcConfig::default().validate(), Ok(()));
    }

    /// A key no `Authorization` header could carry is refused at start,
    /// not answered with 401 forever.
    #[test]
    fn rejects_an_api_key_no_caller_could_present() {
        use crate::tenants::MAX_KEY;
        let with_key = |key: String| RpcConfig {
            api_keys: [key].into(),
            ..RpcConfig::default()
        };
        assert_eq!(with_key("k".repeat(MAX_KEY)).validate(), Ok(()));
        for bad in ["k".repeat(MAX_KEY + 1), String::new(), "a key".into()] {
            assert_eq!(with_key(bad).validate(), Err(ConfigError::ApiKey));
        }
    }
}
