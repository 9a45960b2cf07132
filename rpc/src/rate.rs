//! Token buckets per client IP, or one for a tenant: a proof costs one
//! token; a bucket holds `burst` tokens and refills at `per_second`.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
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

/// The bucket `ip` draws from: an IPv4 address, or the /64 network of an
/// IPv6 one, since a single host is usually given a whole /64 and could
/// otherwise take a fresh bucket with every address in it. An IPv4-mapped
/// IPv6 address (`::ffff:a.b.c.d`, a dual-stack socket's IPv4 client) is
/// its IPv4 address.
pub fn client_bucket(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !(u128::MAX >> 64))),
        v4 => v4,
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

    #[test]
    fn ipv6_clients_share_the_bucket_of_their_64() {
        let bucket = |ip: &str| client_bucket(ip.parse().unwrap()).to_string();
        assert_eq!(bucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(bucket("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::");
        assert_eq!(bucket("2001:db8:1:3::1"), "2001:db8:1:3::");
        assert_eq!(bucket("::1"), "::");
        assert_eq!(bucket("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(bucket("192.0.2.7"), "192.0.2.7");
        assert_eq!(bucket("192.0.2.8"), "192.0.2.8");

        let limiter = RateLimiter::new(1, 2);
        let take = |ip: &str| limiter.try_take(client_bucket(ip.parse().unwrap()), 1);
        assert!(take("2001:db8::1"));
        assert!(take("2001:db8::ffff:2"));
        assert!(!take("2001:db8::3"));
        assert!(take("2001:db8:0:1::1"));
        assert!(take("::ffff:10.0.0.1"));
        assert!(take("10.0.0.1"));
        assert!(!take("::ffff:10.0.0.1"));
    }
}
