//! Token buckets per client IP, or one for a tenant: a proof costs one
//! token; a bucket holds `burst` tokens and refills at `per_second`.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Clients tracked at once; past this, full (idle) buckets are forgotten,
/// and if every bucket is in use a new client is refused.
const MAX_CLIENTS: usize = 65_536;

pub struct RateLimiter<K = IpAddr> {
    per_second: u32,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second,
            burst: f64::from(burst.max(per_second)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Takes `cost` tokens from `client`'s bucket if it has them.
    pub fn try_take(&self, client: K, cost: usize) -> bool {
        let now = Instant::now();
        let rate = f64::from(self.per_second);
        let mut buckets = self.buckets.lock().expect("rate limiter poisoned");
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, b| b.refill(now, rate, self.burst) < self.burst);
            if buckets.len() >= MAX_CLIENTS {
                return false;
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let tokens = bucket.refill(now, rate, self.burst);
        bucket.at = now;
        bucket.tokens = tokens;
        if tokens >= cost as f64 {
            bucket.tokens -= cost as f64;
            true
        } else {
            false
        }
    }
}

impl Bucket {
    fn refill(&self, now: Instant, rate: f64, burst: f64) -> f64 {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        (self.tokens + elapsed * rate).min(burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_unaffected() {
        let limiter = RateLimiter::new(2, 4);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limiter.try_take(a, 3));
        assert!(limiter.try_take(a, 1));
        assert!(!limiter.try_take(a, 1));
        assert!(limiter.try_take(b, 4));
        std::thread::sleep(std::time::Duration::from_millis(600));
        assert!(limiter.try_take(a, 1));
    }
}
