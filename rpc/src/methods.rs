//! The `ligerito_*` methods.

use crate::api::{BatchItem, LigeritoApiServer, ServerInfo, VerifyResult};
use crate::body::Proof;
use crate::cache::Key;
use crate::digits::decode_hex;
use crate::error;
use crate::metrics::{MethodLabels, RequestLabels, TenantLabels};
use crate::rate::client_bucket;
use crate::tenants::{KeyDigest, Refusal, Tenant};
use crate::workers::{Busy, Done, Job};
use crate::LigeritoRpc;
use jsonrpsee::core::{async_trait, RpcResult};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::Extensions;
use ligerito_executor::{sizes, Outcome, Verdict};
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

const VERIFY: &str = "ligerito_verify";
const VERIFY_BATCH: &str = "ligerito_verifyBatch";
const CONFIG: &str = "ligerito_config";
/// The REST route's label in the metrics.
pub(crate) const REST_VERIFY: &str = "POST /verify";

/// The client's address, put in each request's extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// The caller's key, put in the request's extensions once it is checked; a
/// WebSocket's calls all carry the key it connected with.
#[derive(Clone, Copy)]
pub struct Caller(pub KeyDigest);

#[async_trait]
impl LigeritoApiServer for LigeritoRpc {
    async fn verify(
        &self,
        ext: &Extensions,
        proof: String,
        log_size: u32,
    ) -> RpcResult<VerifyResult> {
        let start = Instant::now();
        let tenant = self.tenant(ext)?;
        let result = async {
            self.check_rate(client(ext), tenant.as_deref(), 1)?;
            let job = decode(&proof, log_size)?;
            self.verify_one(job, tenant.as_deref()).await
        }
        .instrument(request_span(VERIFY, tenant.as_deref()))
        .await;
        self.finish(VERIFY, tenant.as_deref(), start, result)
    }

    async fn verify_batch(
        &self,
        ext: &Extensions,
        proofs: Vec<BatchItem>,
    ) -> RpcResult<Vec<VerifyResult>> {
        let start = Instant::now();
        let tenant = self.tenant(ext)?;
        let max = self.shared.config.max_batch;
        let result = async {
            if proofs.len() > max {
                return Err(error::invalid_params(format!(
                    "batch: {} proofs exceeds the maximum {max}",
                    proofs.len()
                )));
            }
            self.check_rate(client(ext), tenant.as_deref(), proofs.len())?;
            let jobs = proofs
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    decode(&item.proof, item.log_size)
                        .map_err(|e| error::invalid_params(format!("proofs[{i}]: {}", e.message())))
                })
                .collect::<Result<Vec<_>, _>>()?;
            drop(proofs);
            self.run(jobs, tenant.as_deref()).await
        }
        .instrument(request_span(VERIFY_BATCH, tenant.as_deref()))
        .await;
        self.finish(VERIFY_BATCH, tenant.as_deref(), start, result)
    }

    fn config(&self) -> RpcResult<ServerInfo> {
        self.count(CONFIG, None, "ok");
        Ok(self.server_info())
    }
}

fn client(ext: &Extensions) -> Option<IpAddr> {
    ext.get::<ClientIp>().map(|ClientIp(ip)| *ip)
}

/// The span of one call, parent of its `queue` and `guest` spans (exported
/// with `serve --otlp-endpoint`).
fn request_span(method: &'static str, tenant: Option<&Tenant>) -> tracing::Span {
    tracing::info_span!("request", method, tenant = tenant.map(|t| t.name.as_str()))
}

impl LigeritoRpc {
    /// The caller's tenant as the tenants file says now: a key a reload has
    /// removed is refused on a connection opened before it, as on a new one.
    pub(crate) fn tenant(&self, ext: &Extensions) -> RpcResult<Option<Arc<Tenant>>> {
        let Some(Caller(key)) = ext.get::<Caller>() else {
            return Ok(None);
        };
        match self.shared.tenants.tenant(key) {
            Some(tenant) => Ok(Some(tenant)),
            None => {
                self.shared.metrics.unauthorized.inc();
                Err(error::unauthorized())
            }
        }
    }

    /// `POST /verify`: what `ligerito_verify` does, counted under its own
    /// label; `request` is the outcome of reading and parsing the body.
    pub(crate) async fn verify_rest(
        &self,
        client: Option<IpAddr>,
        tenant: Option<Arc<Tenant>>,
        start: Instant,
        request: Result<(Proof, u32), ErrorObjectOwned>,
    ) -> Result<VerifyResult, ErrorObjectOwned> {
        let tenant = tenant.as_deref();
        let result = async {
            let (proof, log_size) = request?;
            self.check_rate(client, tenant, 1)?;
            let job = match proof {
                Proof::Hex(hex) => {
                    let digits = hex.strip_prefix("0x").unwrap_or(&hex);
                    decode_digits(digits, log_size)?
                }
                Proof::Raw(bytes) => {
                    check_size(log_size, bytes.len())?;
                    Job {
                        log_size,
                        proof: bytes.into(),
                    }
                }
            };
            self.verify_one(job, tenant).await
        }
        .instrument(request_span(REST_VERIFY, tenant))
        .await;
        self.finish(REST_VERIFY, tenant, start, result)
    }

    async fn verify_one(
        &self,
        job: Job,
        tenant: Option<&Tenant>,
    ) -> Result<VerifyResult, ErrorObjectOwned> {
        let mut results = self.run(vec![job], tenant).await?;
        Ok(results.pop().expect("one result per job"))
    }

    /// The tenant's rate first, then the client IP's.
    fn check_rate(
        &self,
        client: Option<IpAddr>,
        tenant: Option<&Tenant>,
        cost: usize,
    ) -> Result<(), ErrorObjectOwned> {
        if let Some(tenant) = tenant {
            tenant.check_rate(cost).map_err(|r| refusal(tenant, r))?;
        }
        let (Some(limiter), Some(ip)) = (&self.shared.rate, client) else {
            return Ok(());
        };
        if limiter.try_take(client_bucket(ip), cost) {
            Ok(())
        } else {
            Err(error::rate_limited(limiter.per_second()))
        }
    }

    /// Answers each job from the verdict cache or, for the rest, on the
    /// worker pool; a host failure fails the call.
    async fn run(
        &self,
        jobs: Vec<Job>,
        tenant: Option<&Tenant>,
    ) -> Result<Vec<VerifyResult>, ErrorObjectOwned> {
        let shared = &self.shared;
        let name = tenant.map_or("", |t| t.name.as_str());
        let keys: Vec<Key> = match &shared.cache {
            Some(cache) => jobs
                .iter()
                .map(|j| cache.key(name, j.log_size, &j.proof))
                .collect(),
            None => Vec::new(),
        };
        let found = match &shared.cache {
            Some(cache) => cache.get(&keys).await,
            None => vec![None; jobs.len()],
        };
        let mut reports: Vec<Option<VerifyResult>> = Vec::with_capacity(jobs.len());
        let mut misses = Vec::new();
        let mut miss_keys = Vec::new();
        for (i, (job, hit)) in jobs.into_iter().zip(found).enumerate() {
            match hit {
                Some(outcome) => reports.push(Some(self.result(outcome, job.log_size, 0.0, true))),
                None => {
                    reports.push(None);
                    miss_keys.extend(keys.get(i).copied());
                    misses.push(job);
                }
            }
        }
        let log_sizes: Vec<u32> = misses.iter().map(|j| j.log_size).collect();
        let config = &shared.config;
        let results = if misses.is_empty() {
            Vec::new()
        } else {
            let quota = match tenant {
                Some(t) => t.admit(misses.len()).map_err(|r| refusal(t, r))?,
                None => None,
            };
            shared
                .workers
                .verify(misses, quota)
                .await
                .map_err(|Busy| error::busy(config.workers + config.queue))?
        };
        let mut fresh = Vec::with_capacity(results.len());
        let mut outcomes = Vec::with_capacity(results.len());
        for (result, log_size) in results.into_iter().zip(log_sizes) {
            let done = result.map_err(|e| {
                tracing::error!("verification failed on the host: {e}");
                error::internal(e)
            })?;
            outcomes.push(done.outcome.clone());
            fresh.push(self.report(done, log_size));
        }
        if let Some(cache) = &shared.cache {
            cache
                .insert(miss_keys.into_iter().zip(outcomes).collect())
                .await;
        }
        let mut fresh = fresh.into_iter();
        let reports = reports
            .into_iter()
            .map(|r| r.or_else(|| fresh.next()).expect("one result per job"))
            .collect();
        shared.ready.store(true, Ordering::Release);
        Ok(reports)
    }

    fn report(&self, done: Done, log_size: u32) -> VerifyResult {
        let Done { outcome, elapsed } = done;
        let metrics = &self.shared.metrics;
        metrics.verify_duration.observe(elapsed.as_secs_f64());
        metrics.gas_used.observe(outcome.gas_used as f64);
        tracing::debug!(
            log_size,
            verdict = verdict_name(outcome.verdict),
            gas_used = outcome.gas_used,
            elapsed_ms = elapsed.as_secs_f64() * 1e3,
            "verified"
        );
        self.result(outcome, log_size, elapsed.as_secs_f64() * 1e3, false)
    }

    fn result(
        &self,
        outcome: Outcome,
        log_size: u32,
        elapsed_ms: f64,
        cached: bool,
    ) -> VerifyResult {
        VerifyResult {
            valid: outcome.is_valid(),
            exit_code: outcome.exit_code,
            gas_used: outcome.gas_used,
            message: outcome.message,
            elapsed_ms: (elapsed_ms * 1e3).round() / 1e3,
            code_hash: self.shared.code_hash.clone(),
            verdict: outcome.verdict,
            backend: self.shared.config.backend,
            log_size,
            cached,
        }
    }

    /// Records a call's metrics and passes its result on.
    fn finish<T: Verdicts>(
        &self,
        method: &'static str,
        tenant: Option<&Tenant>,
        start: Instant,
        result: Result<T, ErrorObjectOwned>,
    ) -> RpcResult<T> {
        self.shared
            .metrics
            .request_duration
            .get_or_create(&MethodLabels { method })
            .observe(start.elapsed().as_secs_f64());
        match &result {
            Ok(value) => value.each(|v| self.count(method, tenant, verdict_name(v))),
            Err(e) => {
                tracing::debug!(method, code = e.code(), message = e.message(), "refused");
                self.count(method, tenant, refusal_name(e.code()));
            }
        }
        result
    }

    fn count(&self, method: &'static str, tenant: Option<&Tenant>, verdict: &'static str) {
        let metrics = &self.shared.metrics;
        metrics
            .requests
            .get_or_create(&RequestLabels { method, verdict })
            .inc();
        if let Some(tenant) = tenant {
            metrics
                .tenant_requests
                .get_or_create(&TenantLabels {
                    tenant: tenant.name.clone(),
                    verdict,
                })
                .inc();
        }
    }
}

/// The verdicts in a method's result, for counting.
trait Verdicts {
    fn each(&self, f: impl FnMut(Verdict));
}

impl Verdicts for VerifyResult {
    fn each(&self, mut f: impl FnMut(Verdict)) {
        f(self.verdict)
    }
}

impl Verdicts for Vec<VerifyResult> {
    fn each(&self, f: impl FnMut(Verdict)) {
        self.iter().map(|r| r.verdict).for_each(f)
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Error => "error",
        Verdict::OutOfGas => "out_of_gas",
    }
}

fn refusal_name(code: i32) -> &'static str {
    match code {
        error::BUSY => "busy",
        error::RATE_LIMITED => "rate_limited",
        error::QUOTA => "quota",
        error::INTERNAL => "internal",
        error::TOO_LARGE => "too_large",
        _ => "invalid_params",
    }
}

fn refusal(tenant: &Tenant, refusal: Refusal) -> ErrorObjectOwned {
    match refusal {
        Refusal::RateLimited(n) => error::tenant_rate_limited(&tenant.name, n),
        Refusal::Quota(n) => error::quota(&tenant.name, n),
    }
}

/// Checks the size and the hex, then decodes: `-32602` says what was wrong.
fn decode(proof: &str, log_size: u32) -> Result<Job, ErrorObjectOwned> {
    let digits = proof
        .strip_prefix("0x")
        .ok_or_else(|| error::invalid_params("proof: expected a 0x-prefixed hex string"))?;
    decode_digits(digits, log_size)
}

fn decode_digits(digits: &str, log_size: u32) -> Result<Job, ErrorObjectOwned> {
    check_size(log_size, digits.len() / 2)?;
    let proof = decode_hex(digits)
        .map_err(|e| error::invalid_params(format!("proof: invalid hex: {e}")))?;
    Ok(Job { log_size, proof })
}

/// The size is supported and a proof of `len` bytes within its maximum.
fn check_size(log_size: u32, len: usize) -> Result<(), ErrorObjectOwned> {
    let size = sizes::get(log_size).ok_or_else(|| {
        let supported: Vec<String> = sizes::SIZES
            .iter()
            .map(|s| s.log_size.to_string())
            .collect();
        error::invalid_params(format!(
            "size: 2^{log_size} is not supported (supported: {})",
            supported.join(", ")
        ))
    })?;
    if len > size.max_proof_len() {
        return Err(error::invalid_params(format!(
            "proof: {len} bytes exceeds the maximum {} for 2^{log_size}",
            size.max_proof_len()
        )));
    }
    Ok(())
}
