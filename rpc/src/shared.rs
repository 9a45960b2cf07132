//! The verdict cache shared by every instance: Redis, each entry with a TTL.
//!
//! Every failure here (no connection, a timeout, an error reply) is logged
//! at debug, counted in `ligerito_rpc_shared_cache_errors_total` and taken
//! as a miss, so the proof is verified: the shared cache never fails a
//! request and never changes a verdict. Each operation is bounded by the
//! cache timeout; values are read with `GETRANGE`, so Redis never sends more
//! than [`MAX_VALUE`] bytes.
//!
//! Whoever can write to Redis can compute any entry's key, so a value is
//! only believed if it carries an HMAC-SHA-256 tag, under a secret only the
//! instances hold, of its key and its content. A value whose tag or content
//! is wrong (forged, moved from another key, written under another secret,
//! cut short or malformed) is counted in
//! `ligerito_rpc_shared_cache_rejected_total` and is a miss too.
//!
//! The value stored under `ligerito:verdict:v2:<hex key>`:
//!
//! | bytes | what |
//! |---|---|
//! | 32 | HMAC-SHA-256, under the secret, of the 32-byte cache key followed by the rest |
//! | rest | [`Entry`], SCALE: the format byte `2`, then the [`Outcome`] (verdict index, exit code, gas as u64 LE, message as compact length and UTF-8) |
//!
//! The rest is decoded whole: a byte left over rejects the value.

use crate::cache::Key;
use crate::metrics::{Metrics, SharedErrorLabels};
use codec::{Decode, DecodeAll, Encode};
use hmac::{Hmac, Mac};
use ligerito_executor::Outcome;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::Sha256;
use std::future::Future;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Longest `--cache-url` accepted.
pub const MAX_URL: usize = 2048;
/// Longest message kept in a shared entry; a longer one is not shared.
const MAX_MESSAGE: usize = 1024;
/// HMAC-SHA-256's output.
const TAG: usize = 32;
/// The tag, then the format, verdict, exit code, gas, message length (a
/// compact integer: 2 bytes up to 16,383) and the message.
pub const MAX_VALUE: usize = TAG + 1 + 1 + 1 + 8 + 2 + MAX_MESSAGE;
/// Goes with the `v2` in [`PREFIX`]: a new layout takes a new prefix, so
/// instances never read values of another layout, which simply expire.
const FORMAT: u8 = 2;
/// Keys are this prefix and the hex of the cache key.
const PREFIX: &str = "ligerito:verdict:v2:";
/// After a failed connection attempt, lookups miss at once for this long.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);
/// The fewest bytes a secret may have: HMAC-SHA-256's output.
pub const MIN_SECRET: usize = 32;
/// The most bytes read from a secret file.
pub const MAX_SECRET: usize = 4096;

/// What a value holds after its tag.
#[derive(Encode, Decode)]
struct Entry {
    format: u8,
    outcome: Outcome,
}

/// The key that tags shared-cache values; every instance sharing a Redis
/// needs the same one.
#[derive(Clone)]
pub struct CacheSecret(Hmac<Sha256>);

impl CacheSecret {
    /// At least [`MIN_SECRET`] and at most [`MAX_SECRET`] bytes, used as
    /// they are.
    pub fn new(secret: &[u8]) -> Result<Self, SharedCacheError> {
        if secret.len() < MIN_SECRET {
            return Err(SharedCacheError::ShortSecret(secret.len()));
        }
        if secret.len() > MAX_SECRET {
            return Err(SharedCacheError::LongSecret);
        }
        let mac = Hmac::new_from_slice(secret).expect("HMAC takes a key of any length");
        Ok(Self(mac))
    }

    /// The whole content of the file at `path` (a trailing newline included).
    pub fn read(path: &Path) -> Result<Self, SharedCacheError> {
        let unreadable = |e: std::io::Error| SharedCacheError::SecretFile {
            path: path.display().to_string(),
            error: e.to_string(),
        };
        let mut secret = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SECRET as u64 + 1).read_to_end(&mut secret))
            .map_err(unreadable)?;
        Self::new(&secret)
    }

    /// The value stored for `outcome` under `key`; `None` for a message too
    /// long to share.
    fn seal(&self, key: &Key, outcome: &Outcome) -> Option<Vec<u8>> {
        if outcome.message.len() > MAX_MESSAGE {
            return None;
        }
        let entry = Entry {
            format: FORMAT,
            outcome: outcome.clone(),
        }
        .encode();
        let mut value = self.mac(key, &entry).finalize().into_bytes().to_vec();
        value.extend_from_slice(&entry);
        Some(value)
    }

    /// The outcome in `value` if its tag is this secret's for `key` and
    /// what follows is one whole entry of this format.
    fn open(&self, key: &Key, value: &[u8]) -> Option<Outcome> {
        let (tag, entry) = value.split_at_checked(TAG)?;
        self.mac(key, entry).verify_slice(tag).ok()?;
        let entry = Entry::decode_all(&mut &entry[..]).ok()?;
        (entry.format == FORMAT).then_some(entry.outcome)
    }

    fn mac(&self, key: &Key, entry: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(key);
        mac.update(entry);
        mac
    }
}

/// Never shows the secret.
impl std::fmt::Debug for CacheSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheSecret(..)")
    }
}

#[derive(Clone, Debug)]
pub struct SharedCacheConfig {
    /// `redis://[:password@]host[:port][/db]` or `redis+unix:///path`.
    pub url: String,
    /// How long an entry lives in Redis.
    pub ttl: Duration,
    /// The most a lookup or a store may take (connecting included).
    pub timeout: Duration,
    /// Tags every value written and checks every value read.
    pub secret: CacheSecret,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SharedCacheError {
    #[error("cache url: longer than {MAX_URL} bytes")]
    UrlTooLong,
    #[error("cache url: {0}")]
    Url(String),
    #[error("cache ttl must be at least 1 second")]
    NoTtl,
    #[error("cache timeout must be more than 0")]
    NoTimeout,
    #[error("cache secret: {0} bytes, fewer than {MIN_SECRET}; make one with `head -c 32 /dev/urandom > FILE`")]
    ShortSecret(usize),
    #[error("cache secret: more than {MAX_SECRET} bytes")]
    LongSecret,
    #[error("cache secret file {path}: {error}")]
    SecretFile { path: String, error: String },
}

pub struct SharedCache {
    client: redis::Client,
    ttl_secs: u64,
    timeout: Duration,
    secret: CacheSecret,
    connection: Mutex<Connection>,
    metrics: Metrics,
}

enum Connection {
    Ready(ConnectionManager),
    /// Not connected; the next attempt is not before this.
    Down(Instant),
}

impl SharedCache {
    /// Checks the settings; connects on first use, never here.
    pub fn new(config: &SharedCacheConfig, metrics: Metrics) -> Result<Self, SharedCacheError> {
        if config.url.len() > MAX_URL {
            return Err(SharedCacheError::UrlTooLong);
        }
        if config.ttl.as_secs() == 0 {
            return Err(SharedCacheError::NoTtl);
        }
        if config.timeout.is_zero() {
            return Err(SharedCacheError::NoTimeout);
        }
        let client = redis::Client::open(config.url.as_str())
            .map_err(|e| SharedCacheError::Url(e.to_string()))?;
        Ok(Self {
            client,
            ttl_secs: config.ttl.as_secs(),
            timeout: config.timeout,
            secret: config.secret.clone(),
            connection: Mutex::new(Connection::Down(Instant::now())),
            metrics,
        })
    }

    /// The outcome stored under each key, `None` where there is none or it
    /// could not be had.
    pub async fn get(&self, keys: &[Key]) -> Vec<Option<Outcome>> {
        if keys.is_empty() {
            return Vec::new();
        }
        let mut pipe = redis::pipe();
        for key in keys {
            pipe.cmd("GETRANGE")
                .arg(redis_key(key))
                .arg(0)
                .arg(MAX_VALUE as i64 - 1);
        }
        let values: Vec<Vec<u8>> = match self.run("get", pipe).await {
            Some(values) => values,
            None => return vec![None; keys.len()],
        };
        keys.iter()
            .zip(values.into_iter().chain(std::iter::repeat(Vec::new())))
            .map(|(key, value)| {
                if value.is_empty() {
                    return None;
                }
                let outcome = self.secret.open(key, &value);
                if outcome.is_none() {
                    tracing::debug!(
                        "shared verdict cache: rejected the value of {}",
                        redis_key(key)
                    );
                    self.metrics.shared_cache_rejected.inc();
                }
                outcome
            })
            .collect()
    }

    /// Stores each outcome with the TTL.
    pub async fn set(&self, entries: &[(Key, Outcome)]) {
        let mut pipe = redis::pipe();
        for (key, outcome) in entries {
            if let Some(value) = self.secret.seal(key, outcome) {
                pipe.cmd("SET")
                    .arg(redis_key(key))
                    .arg(value)
                    .arg("EX")
                    .arg(self.ttl_secs)
                    .ignore();
            }
        }
        if !pipe.is_empty() {
            let _: Option<()> = self.run("set", pipe).await;
        }
    }

    /// Runs `pipe` within the timeout, connecting first if need be.
    async fn run<T: redis::FromRedisValue>(
        &self,
        op: &'static str,
        pipe: redis::Pipeline,
    ) -> Option<T> {
        let attempt = async {
            let Some(mut connection) = self.connection().await else {
                return Err(("unavailable", "not connected".to_owned()));
            };
            pipe.query_async::<T>(&mut connection)
                .await
                .map_err(|e| (kind(&e), e.to_string()))
        };
        match bounded(self.timeout, attempt).await {
            Ok(value) => Some(value),
            Err((error, detail)) => {
                self.failed(op, error, &detail);
                None
            }
        }
    }

    async fn connection(&self) -> Option<ConnectionManager> {
        let mut connection = self.connection.lock().await;
        match &*connection {
            Connection::Ready(manager) => return Some(manager.clone()),
            Connection::Down(retry_at) if Instant::now() < *retry_at => return None,
            Connection::Down(_) => {}
        }
        // Should this attempt time out, the next waits as long as a failed one.
        *connection = Connection::Down(Instant::now() + RECONNECT_AFTER);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(1);
        match ConnectionManager::new_with_config(self.client.clone(), config).await {
            Ok(manager) => {
                tracing::info!("shared verdict cache connected");
                *connection = Connection::Ready(manager.clone());
                Some(manager)
            }
            Err(e) => {
                tracing::warn!("shared verdict cache: cannot connect: {e}");
                None
            }
        }
    }

    fn failed(&self, op: &'static str, error: &'static str, detail: &str) {
        tracing::debug!(op, error, "shared verdict cache: {detail}");
        self.metrics
            .shared_cache_errors
            .get_or_create(&SharedErrorLabels { op, error })
            .inc();
    }
}

async fn bounded<T>(
    limit: Duration,
    attempt: impl Future<Output = Result<T, (&'static str, String)>>,
) -> Result<T, (&'static str, String)> {
    tokio::time::timeout(limit, attempt)
        .await
        .unwrap_or_else(|_| Err(("timeout", format!("no answer within {limit:?}"))))
}

fn kind(e: &redis::RedisError) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() {
        "unavailable"
    } else {
        "redis"
    }
}

fn redis_key(key: &Key) -> String {
    format!("{PREFIX}{}", hex::encode(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ligerito_executor::Verdict;
    use std::io::Write;

    fn outcome() -> Outcome {
        Outcome {
            verdict: Verdict::OutOfGas,
            exit_code: 2,
            gas_used: 1_000_000,
            message: "out of gas: limit 1000000 reached".to_owned(),
        }
    }

    fn secret(byte: u8) -> CacheSecret {
        CacheSecret::new(&[byte; MIN_SECRET]).unwrap()
    }

    #[test]
    fn a_value_opens_only_whole_under_its_own_key_and_secret() {
        let key = [7; 32];
        let value = secret(1).seal(&key, &outcome()).unwrap();
        assert_eq!(secret(1).open(&key, &value), Some(outcome()));
        assert_eq!(secret(1).open(&[8; 32], &value), None);
        assert_eq!(secret(2).open(&key, &value), None);
        for cut in 0..value.len() {
            assert_eq!(secret(1).open(&key, &value[..cut]), None, "cut at {cut}");
        }
        let mut longer = value.clone();
        longer.push(b'x');
        assert_eq!(secret(1).open(&key, &longer), None);
        for at in 0..value.len() {
            let mut changed = value.clone();
            changed[at] ^= 1;
            assert_eq!(secret(1).open(&key, &changed), None, "byte {at} flipped");
        }
    }

    /// What the tag covers must also be exactly one entry of this format.
    #[test]
    fn a_well_tagged_value_of_another_layout_is_refused() {
        let key = [7; 32];
        let sealed = |entry: Vec<u8>| {
            let mut value = secret(1).mac(&key, &entry).finalize().into_bytes().to_vec();
            value.extend_from_slice(&entry);
            value
        };
        let good = Entry {
            format: FORMAT,
            outcome: outcome(),
        }
        .encode();
        assert_eq!(secret(1).open(&key, &sealed(good.clone())), Some(outcome()));
        let mut other_format = good.clone();
        other_format[0] = FORMAT + 1;
        let mut trailing = good.clone();
        trailing.push(0);
        let mut bad_verdict = good.clone();
        bad_verdict[1] = 9;
        for entry in [
            other_format,
            trailing,
            bad_verdict,
            good[..good.len() - 1].to_vec(),
        ] {
            assert_eq!(secret(1).open(&key, &sealed(entry)), None);
        }
    }

    #[test]
    fn a_message_too_long_to_share_is_not_stored() {
        let mut long = outcome();
        long.message = "m".repeat(MAX_MESSAGE + 1);
        assert_eq!(secret(1).seal(&[0; 32], &long), None);
        long.message.pop();
        assert_eq!(secret(1).seal(&[0; 32], &long).unwrap().len(), MAX_VALUE);
    }

    #[test]
    fn a_secret_is_a_file_of_32_to_4096_bytes() {
        let file = |len: usize| {
            let mut file = tempfile::NamedTempFile::new().unwrap();
            file.write_all(&vec![b's'; len]).unwrap();
            file
        };
        for len in [MIN_SECRET, MAX_SECRET] {
            assert!(CacheSecret::read(file(len).path()).is_ok(), "{len} bytes");
        }
        assert!(matches!(
            CacheSecret::read(file(MIN_SECRET - 1).path()),
            Err(SharedCacheError::ShortSecret(31))
        ));
        assert!(matches!(
            CacheSecret::read(file(MAX_SECRET + 1).path()),
            Err(SharedCacheError::LongSecret)
        ));
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("secret");
        let error = CacheSecret::read(&missing).unwrap_err().to_string();
        assert!(error.starts_with(&format!("cache secret file {}: ", missing.display())));
        assert!(CacheSecret::read(dir.path()).is_err(), "a directory");
        assert_eq!(format!("{:?}", secret(1)), "CacheSecret(..)");
    }

    #[test]
    fn bad_settings_are_refused() {
        let config = SharedCacheConfig {
            url: "redis://127.0.0.1:6379".to_owned(),
            ttl: Duration::from_secs(60),
            timeout: Duration::from_millis(50),
            secret: secret(1),
        };
        let metrics = Metrics::default();
        assert!(SharedCache::new(&config, metrics.clone()).is_ok());
        let bad = |c: SharedCacheConfig| SharedCache::new(&c, metrics.clone()).err();
        assert!(matches!(
            bad(SharedCacheConfig {
                url: "http://x".to_owned(),
                ..config.clone()
            }),
            Some(SharedCacheError::Url(_))
        ));
        assert_eq!(
            bad(SharedCacheConfig {
                url: format!("redis://{}", "h".repeat(MAX_URL)),
                ..config.clone()
            }),
            Some(SharedCacheError::UrlTooLong)
        );
        assert_eq!(
            bad(SharedCacheConfig {
                ttl: Duration::ZERO,
                ..config.clone()
            }),
            Some(SharedCacheError::NoTtl)
        );
    }
}
