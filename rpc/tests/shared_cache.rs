//! The shared verdict cache against a real Redis (Debian's `redis-server`,
//! which scripts/test installs; `REDIS_SERVER` names another binary): one
//! instance's verdict answers another's call if they share the secret,
//! entries expire, and no failure of the cache (down, silent, a value that
//! is forged, moved or garbage) fails a call or changes a verdict.

mod common;

use common::*;
use ligerito_rpc::{CacheSecret, LigeritoApiClient, RpcConfig, SharedCacheConfig, VerifyResult};
use redis::AsyncCommands;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` on a free loopback port, killed when dropped.
struct Redis {
    child: Child,
    url: String,
}

impl Redis {
    async fn start() -> Self {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&binary)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {binary}: {e}; these tests need Redis \
                     (apt-get install redis-server, as scripts/test does)"
                )
            });
        let redis = Self {
            child,
            url: format!("redis://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = redis.connection().await {
                if redis::cmd("PING")
                    .query_async::<String>(&mut c)
                    .await
                    .is_ok()
                {
                    return redis;
                }
            }
            assert!(Instant::now() < deadline, "{binary} did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn connection(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        redis::Client::open(self.url.as_str())?
            .get_multiplexed_async_connection()
            .await
    }

    async fn keys(&self) -> Vec<String> {
        self.connection()
            .await
            .unwrap()
            .keys("ligerito:verdict:*")
            .await
            .unwrap()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const REJECTED: &str = "ligerito_rpc_shared_cache_rejected_total";

fn secret(byte: u8) -> CacheSecret {
    CacheSecret::new(&[byte; 32]).unwrap()
}

fn shared(url: &str, ttl: Duration, timeout: Duration, secret: CacheSecret) -> RpcConfig {
    RpcConfig {
        shared_cache: Some(SharedCacheConfig {
            url: url.to_owned(),
            ttl,
            timeout,
            secret,
        }),
        ..config()
    }
}

fn day(url: &str) -> RpcConfig {
    day_under(url, secret(1))
}

fn day_under(url: &str, secret: CacheSecret) -> RpcConfig {
    shared(
        url,
        Duration::from_secs(86_400),
        Duration::from_secs(1),
        secret,
    )
}

/// What a verdict says, without how it was reached.
type Said = (bool, u8, u64, String);

fn verdict(r: &VerifyResult) -> Said {
    (r.valid, r.exit_code, r.gas_used, r.message.clone())
}

#[tokio::test]
async fn one_instance_answers_from_what_another_verified() {
    let redis = Redis::start().await;
    let (a, b) = (
        TestServer::start(day(&redis.url)).await,
        TestServer::start(day(&redis.url)).await,
    );
    for proof in [valid(12), invalid(), truncated()] {
        let first = a.http().verify(proof.clone(), 12).await.unwrap();
        let second = b.http().verify(proof, 12).await.unwrap();
        assert!(!first.cached && second.cached);
        assert_eq!(verdict(&first), verdict(&second));
    }
    assert_eq!(redis.keys().await.len(), 3);
    assert_eq!(metric(&b.rpc, "ligerito_rpc_shared_cache_hits_total"), 3);
    assert_eq!(metric(&b.rpc, "ligerito_rpc_cache_hits_total"), 3);
    assert_eq!(metric(&a.rpc, "ligerito_rpc_cache_misses_total"), 3);
    assert!(!metrics_text(&a.rpc).contains("shared_cache_errors_total{"));
    assert_eq!(metric(&b.rpc, REJECTED), 0);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn entries_expire_after_the_ttl() {
    let redis = Redis::start().await;
    let ttl = Duration::from_secs(60);
    let server =
        TestServer::start(shared(&redis.url, ttl, Duration::from_secs(1), secret(1))).await;
    server.http().verify(valid(12), 12).await.unwrap();
    let keys = redis.keys().await;
    assert_eq!(keys.len(), 1);
    let left: i64 = redis
        .connection()
        .await
        .unwrap()
        .ttl(&keys[0])
        .await
        .unwrap();
    assert!((1..=60).contains(&left), "TTL {left}");
    server.stop().await;
}

/// Verifies each proof on `writer`, and returns each verdict with the
/// Redis key its entry went under.
async fn write(writer: &TestServer, redis: &Redis, proofs: &[String]) -> Vec<(Said, String)> {
    let mut written = Vec::new();
    for proof in proofs {
        let before = redis.keys().await;
        let result = writer.http().verify(proof.clone(), 12).await.unwrap();
        let mut new = redis.keys().await;
        new.retain(|k| !before.contains(k));
        assert_eq!(new.len(), 1);
        written.push((verdict(&result), new.remove(0)));
    }
    written
}

/// Each proof, asked of a fresh `reader` (its in-process cache empty), is
/// verified again and its right verdict given, and one more value counted
/// as rejected.
async fn each_is_rejected(reader: &TestServer, proofs: &[String], truth: &[Said]) {
    for (i, (proof, expected)) in proofs.iter().zip(truth).enumerate() {
        let again = reader.http().verify(proof.clone(), 12).await.unwrap();
        assert!(!again.cached, "proof {i}");
        assert_eq!(&verdict(&again), expected, "proof {i}");
        assert_eq!(metric(&reader.rpc, REJECTED), i as u64 + 1, "proof {i}");
    }
    assert_eq!(
        metric(&reader.rpc, "ligerito_rpc_shared_cache_hits_total"),
        0
    );
}

#[tokio::test]
async fn values_written_under_another_secret_are_rejected() {
    let redis = Redis::start().await;
    let writer = TestServer::start(day_under(&redis.url, secret(1))).await;
    let proofs = [valid(12), invalid(), truncated()];
    let written = write(&writer, &redis, &proofs).await;
    let truth: Vec<_> = written.into_iter().map(|(v, _)| v).collect();
    let reader = TestServer::start(day_under(&redis.url, secret(2))).await;
    each_is_rejected(&reader, &proofs, &truth).await;
    writer.stop().await;
    reader.stop().await;
}

#[tokio::test]
async fn moved_cut_or_garbage_values_are_rejected() {
    let redis = Redis::start().await;
    let writer = TestServer::start(day(&redis.url)).await;
    let proofs = [valid(12), invalid(), truncated()];
    let written = write(&writer, &redis, &proofs).await;
    let mut connection = redis.connection().await.unwrap();
    let valid_value: Vec<u8> = connection.get(&written[0].1).await.unwrap();
    // The valid proof's value (tag and all) under the invalid proof's key,
    // the same value cut short, and a value far over the bound.
    let replaced = [
        (&written[1].1, valid_value.clone()),
        (&written[0].1, valid_value[..valid_value.len() - 1].to_vec()),
        (&written[2].1, vec![b'x'; 1 << 20]),
    ];
    for (key, value) in replaced {
        let () = connection.set(key, value).await.unwrap();
    }
    let order = [invalid(), valid(12), truncated()];
    let truth = [&written[1].0, &written[0].0, &written[2].0].map(Clone::clone);
    let reader = TestServer::start(day(&redis.url)).await;
    each_is_rejected(&reader, &order, &truth).await;
    // Verified again, each verdict was stored anew and is a hit.
    let third = TestServer::start(day(&redis.url)).await;
    for proof in &order {
        assert!(third.http().verify(proof.clone(), 12).await.unwrap().cached);
    }
    assert_eq!(metric(&third.rpc, REJECTED), 0);
    writer.stop().await;
    reader.stop().await;
    third.stop().await;
}

#[tokio::test]
async fn a_cache_that_is_down_or_silent_costs_a_timeout_not_the_call() {
    // Nothing listens here.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("redis://{}", closed.local_addr().unwrap());
    drop(closed);
    // This one accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("redis://{}", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let timeout = Duration::from_millis(200);
    for (url, error) in [(down, "unavailable"), (silent_url, "timeout")] {
        let server = TestServer::start(RpcConfig {
            cache_entries: 0,
            ..shared(&url, Duration::from_secs(60), timeout, secret(1))
        })
        .await;
        let expected = server.http().verify(invalid(), 12).await.unwrap();
        for _ in 0..2 {
            let start = Instant::now();
            let result = server.http().verify(valid(12), 12).await.unwrap();
            assert!(result.valid && !result.cached);
            assert!(start.elapsed() < 2 * timeout + Duration::from_secs(5));
        }
        assert_eq!(
            verdict(&server.http().verify(invalid(), 12).await.unwrap()),
            verdict(&expected)
        );
        let get = format!(r#"ligerito_rpc_shared_cache_errors_total{{op="get",error="{error}"}}"#);
        assert!(
            metric(&server.rpc, &get) >= 1,
            "{}",
            metrics_text(&server.rpc)
        );
        server.stop().await;
    }
    held.abort();
}

#[tokio::test]
async fn the_cache_reconnects_after_redis_restarts() {
    let mut redis = Redis::start().await;
    let server = TestServer::start(RpcConfig {
        cache_entries: 0,
        ..day(&redis.url)
    })
    .await;
    server.http().verify(valid(12), 12).await.unwrap();
    assert!(server.http().verify(valid(12), 12).await.unwrap().cached);
    redis.child.kill().unwrap();
    redis.child.wait().unwrap();
    // Down: every call still gets its verdict.
    let result = server.http().verify(valid(12), 12).await.unwrap();
    assert!(result.valid && !result.cached);
    // Back on the same port, empty.
    let port = redis.url.rsplit(':').next().unwrap().to_owned();
    redis.child = Command::new(std::env::var("REDIS_SERVER").unwrap_or("redis-server".into()))
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port,
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        server.http().verify(invalid(), 12).await.unwrap();
        if server.http().verify(invalid(), 12).await.unwrap().cached {
            break;
        }
        assert!(Instant::now() < deadline, "never reconnected");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.stop().await;
}
