//! The verdict cache shared by every instance: Redis, each entry with a TTL.
//!
//! Every failure here (no connection, a timeout, an error reply, a value
//! that does not decode) is logged at debug, counted in
//! `ligerito_rpc_shared_cache_errors_total` and taken as a miss, so the proof
//! is verified: the shared cache never fails a request and never changes a
//! verdict. Each operation is bounded by the cache timeout; values are read
//! with `GETRANGE`, so Redis never sends more than [`MAX_VALUE`] bytes.

use crate::cache::Key;
use crate::metrics::{Metrics, SharedErrorLabels};
use ligerito_executor::{Outcome, Verdict};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Longest `--cache-url` accepted.
pub const MAX_URL: usize = 2048;
/// Longest message kept in a shared entry; a longer one is not shared.
const MAX_MESSAGE: usize = 1024;
/// Format tag, the key, exit code, verdict, gas, message length, message.
const HEADER: usize = 1 + 32 + 1 + 1 + 8 + 2;
pub const MAX_VALUE: usize = HEADER + MAX_MESSAGE;
const FORMAT: u8 = 1;
/// Keys are this prefix and the hex of the cache key.
const PREFIX: &str = "ligerito:verdict:";
/// After a failed connection attempt, lookups miss at once for this long.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Clone, Debug)]
pub struct SharedCacheConfig {
    /// `redis://[:password@]host[:port][/db]` or `redis+unix:///path`.
    pub url: String,
    /// How long an entry lives in Redis.
    pub ttl: Duration,
    /// The most a lookup or a store may take (connecting included).
    pub timeout: Duration,
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
}

pub struct SharedCache {
    client: redis::Client,
    ttl_secs: u64,
    timeout: Duration,
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
                let decoded = decode(key, &value);
                if decoded.is_none() {
                    self.failed("get", "garbage", "a value that does not decode");
                }
                decoded
            })
            .collect()
    }

    /// Stores each outcome with the TTL.
    pub async fn set(&self, entries: &[(Key, Outcome)]) {
        let mut pipe = redis::pipe();
        for (key, outcome) in entries {
            if let Some(value) = encode(key, outcome) {
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

/// The value stored for `outcome` under `key`; `None` for a message too
/// long to share. The key is in the value so that a value stored under
/// another key is never taken for this one.
fn encode(key: &Key, outcome: &Outcome) -> Option<Vec<u8>> {
    let message = outcome.message.as_bytes();
    if message.len() > MAX_MESSAGE {
        return None;
    }
    let mut value = Vec::with_capacity(HEADER + message.len());
    value.push(FORMAT);
    value.extend_from_slice(key);
    value.push(outcome.exit_code);
    value.push(verdict_byte(outcome.verdict));
    value.extend_from_slice(&outcome.gas_used.to_le_bytes());
    value.extend_from_slice(&(message.len() as u16).to_le_bytes());
    value.extend_from_slice(message);
    Some(value)
}

/// The outcome in `value` if it is exactly what [`encode`] writes for `key`.
fn decode(key: &Key, value: &[u8]) -> Option<Outcome> {
    let (header, message) = value.split_at_checked(HEADER)?;
    let (&format, rest) = header.split_first()?;
    let (stored_key, rest) = rest.split_at(32);
    let (exit_code, verdict) = (rest[0], verdict_from(rest[1])?);
    let gas_used = u64::from_le_bytes(rest[2..10].try_into().ok()?);
    let len = u16::from_le_bytes(rest[10..12].try_into().ok()?) as usize;
    if format != FORMAT
        || stored_key != key
        || exit_code != verdict.exit_code()
        || message.len() != len
        || len > MAX_MESSAGE
    {
        return None;
    }
    Some(Outcome {
        verdict,
        exit_code,
        gas_used,
        message: String::from_utf8(message.to_vec()).ok()?,
    })
}

fn verdict_byte(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Valid => 0,
        Verdict::Invalid => 1,
        Verdict::Error => 2,
        Verdict::OutOfGas => 3,
    }
}

fn verdict_from(byte: u8) -> Option<Verdict> {
    Some(match byte {
        0 => Verdict::Valid,
        1 => Verdict::Invalid,
        2 => Verdict::Error,
        3 => Verdict::OutOfGas,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> Outcome {
        Outcome {
            verdict: Verdict::OutOfGas,
            exit_code: 2,
            gas_used: 1_000_000,
            message: "out of gas: limit 1000000 reached".to_owned(),
        }
    }

    #[test]
    fn a_value_decodes_only_under_its_own_key_and_whole() {
        let key = [7; 32];
        let value = encode(&key, &outcome()).unwrap();
        assert_eq!(decode(&key, &value), Some(outcome()));
        assert_eq!(decode(&[8; 32], &value), None);
        for cut in 0..value.len() {
            assert_eq!(decode(&key, &value[..cut]), None, "cut at {cut}");
        }
        let mut longer = value.clone();
        longer.push(b'x');
        assert_eq!(decode(&key, &longer), None);
        for (at, byte) in [(0, 2), (33, 0), (34, 9)] {
            let mut changed = value.clone();
            changed[at] = byte;
            assert_eq!(decode(&key, &changed), None, "byte {at} = {byte}");
        }
    }

    #[test]
    fn a_message_too_long_to_share_is_not_stored() {
        let mut long = outcome();
        long.message = "m".repeat(MAX_MESSAGE + 1);
        assert_eq!(encode(&[0; 32], &long), None);
        long.message.pop();
        assert_eq!(encode(&[0; 32], &long).unwrap().len(), MAX_VALUE);
    }

    #[test]
    fn bad_settings_are_refused() {
        let config = SharedCacheConfig {
            url: "redis://127.0.0.1:6379".to_owned(),
            ttl: Duration::from_secs(60),
            timeout: Duration::from_millis(50),
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
