//! Rate limits per client IP (a keyed limiter) or for a tenant (a direct
//! one), on governor's GCRA: a proof costs one token; a limiter holds `burst`
//! tokens and earns them back at `per_second`, to the nanosecond.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::DefaultClock;
use governor::nanos::Nanos;
use governor::state::keyed::{HashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{InsufficientCapacity, Quota, RateLimiter};

/// Clients tracked at once; past this, idle clients (whose tokens are all
/// back) are forgotten, and if every one is still in use a new client is
/// refused.
const MAX_CLIENTS: usize = 65_536;

/// A limit for each client, by [`client_bucket`].
pub struct ClientLimiter {
    per_second: NonZeroU32,
    clients: Clients,
    limiter: RateLimiter<IpAddr, Clients, DefaultClock>,
}

/// One limit that all of a tenant's calls share.
pub struct TenantLimiter {
    per_second: NonZeroU32,
    limiter: RateLimiter<NotKeyed, InMemoryState, DefaultClock>,
}

impl ClientLimiter {
    /// `per_second` tokens a second, up to `max(burst, per_second)` at once.
    pub fn new(per_second: NonZeroU32, burst: u32) -> Self {
        let clients = Clients::default();
        let limiter = RateLimiter::new(
            quota(per_second, burst),
            clients.clone(),
            DefaultClock::default(),
        );
        Self {
            per_second,
            clients,
            limiter,
        }
    }

    /// The rate, for the refusal's message.
    pub fn per_second(&self) -> u32 {
        self.per_second.get()
    }

    /// Takes `cost` tokens from `client`'s if it has them all.
    pub fn try_take(&self, client: IpAddr, cost: usize) -> bool {
        // Checked apart from the take, so calls racing in from new clients
        // can pass the bound by one each.
        if self.limiter.len() >= MAX_CLIENTS && !self.clients.knows(&client) {
            self.limiter.retain_recent();
            if self.limiter.len() >= MAX_CLIENTS {
                return false;
            }
        }
        taken(cost, |n| self.limiter.check_key_n(&client, n))
    }
}

impl TenantLimiter {
    /// `per_second` tokens a second, up to `max(burst, per_second)` at once.
    pub fn new(per_second: NonZeroU32, burst: u32) -> Self {
        Self {
            per_second,
            limiter: RateLimiter::direct(quota(per_second, burst)),
        }
    }

    /// The rate, for the refusal's message.
    pub fn per_second(&self) -> u32 {
        self.per_second.get()
    }

    /// Takes `cost` tokens if they are all there.
    pub fn try_take(&self, cost: usize) -> bool {
        taken(cost, |n| self.limiter.check_n(n))
    }
}

fn quota(per_second: NonZeroU32, burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst).map_or(per_second, |b| b.max(per_second));
    Quota::per_second(per_second).allow_burst(burst)
}

/// Whether a check of `cost` tokens let them through; a cost above the burst
/// never can be, and a cost of none always is.
fn taken<E>(
    cost: usize,
    check: impl FnOnce(NonZeroU32) -> Result<Result<(), E>, InsufficientCapacity>,
) -> bool {
    match u32::try_from(cost).map(NonZeroU32::new) {
        Ok(Some(n)) => matches!(check(n), Ok(Ok(()))),
        Ok(None) => true,
        Err(_) => false,
    }
}

/// governor's HashMap store, shared so that a new client can be told from a
/// known one without the limiter adding it.
#[derive(Clone, Default)]
struct Clients(Arc<HashMapStateStore<IpAddr>>);

impl Clients {
    fn knows(&self, client: &IpAddr) -> bool {
        self.0.lock().contains_key(client)
    }
}

impl StateStore for Clients {
    type Key = IpAddr;

    fn measure_and_replace<T, F, E>(&self, key: &IpAddr, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        self.0.measure_and_replace(key, f)
    }
}

impl ShrinkableKeyedStateStore<IpAddr> for Clients {
    fn retain_recent(&self, drop_below: Nanos) {
        self.0.retain_recent(drop_below)
    }

    fn len(&self) -> usize {
        ShrinkableKeyedStateStore::len(&*self.0)
    }

    fn is_empty(&self) -> bool {
        ShrinkableKeyedStateStore::is_empty(&*self.0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn rate(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_unaffected() {
        let limiter = ClientLimiter::new(rate(2), 4);
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
    fn a_call_takes_all_its_tokens_or_none_and_never_more_than_the_burst() {
        let client = ClientLimiter::new(rate(1), 4);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(client.try_take(a, 3));
        assert!(!client.try_take(a, 2));
        assert!(client.try_take(a, 1));
        assert!(!client.try_take(b, 5));
        assert!(!client.try_take(b, usize::MAX));
        assert!(client.try_take(b, 4));
        assert!(client.try_take(b, 0));

        let tenant = TenantLimiter::new(rate(1), 3);
        assert!(!tenant.try_take(4));
        assert!(tenant.try_take(2));
        assert!(!tenant.try_take(2));
        assert!(tenant.try_take(1));
        assert!(!tenant.try_take(1));
    }

    #[test]
    fn the_burst_is_at_least_one_seconds_worth() {
        let tenant = TenantLimiter::new(rate(8), 2);
        assert!(tenant.try_take(8));
        assert!(!tenant.try_take(1));
        assert_eq!(tenant.per_second(), 8);
    }

    #[test]
    fn past_max_clients_idle_ones_are_forgotten_and_busy_ones_keep_new_ones_out() {
        let ip = |i: u32| IpAddr::V4(Ipv4Addr::from(i));
        let newcomer = ip(u32::MAX);

        // One token of two spent, at one a second: not idle for a while.
        let busy = ClientLimiter::new(rate(1), 2);
        for i in 0..MAX_CLIENTS as u32 {
            assert!(busy.try_take(ip(i), 1));
        }
        assert!(!busy.try_take(newcomer, 1));
        assert!(busy.try_take(ip(7), 1));
        assert_eq!(busy.limiter.len(), MAX_CLIENTS);

        // The token back within a millisecond: idle after the sleep.
        let idle = ClientLimiter::new(rate(1000), 1);
        for i in 0..MAX_CLIENTS as u32 {
            assert!(idle.try_take(ip(i), 1));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        assert!(idle.try_take(newcomer, 1));
        assert_eq!(idle.limiter.len(), 1);
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

        let limiter = ClientLimiter::new(rate(1), 2);
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
