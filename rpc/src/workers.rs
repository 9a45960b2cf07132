//! A bounded pool for verifications: `workers` run at once on blocking
//! threads, `queue` more wait, and anything beyond is refused at once.

use crate::metrics::Metrics;
use ligerito_executor::{Backend, Executor, ExecutorError, Outcome};
use prometheus_client::metrics::gauge::Gauge;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

pub struct Job {
    pub log_size: u32,
    pub proof: Vec<u8>,
}

pub struct Done {
    pub outcome: Outcome,
    /// Time in the executor, not counting time queued.
    pub elapsed: Duration,
}

/// Every worker and queue slot is taken.
#[derive(Debug)]
pub struct Busy;

pub struct Workers {
    executor: Arc<Executor>,
    backend: Backend,
    gas_limit: u64,
    /// Admitted verifications, running or queued: `workers + queue` permits.
    slots: Arc<Semaphore>,
    /// Running verifications: `workers` permits.
    running: Arc<Semaphore>,
    metrics: Metrics,
}

impl Workers {
    pub fn new(
        executor: Arc<Executor>,
        backend: Backend,
        gas_limit: u64,
        workers: usize,
        queue: usize,
        metrics: Metrics,
    ) -> Self {
        Self {
            executor,
            backend,
            gas_limit,
            slots: Arc::new(Semaphore::new(workers + queue)),
            running: Arc::new(Semaphore::new(workers)),
            metrics,
        }
    }

    /// Verifies every job, in parallel up to the number of workers; the
    /// results are in the jobs' order. All jobs are admitted or none is.
    ///
    /// A job that has started finishes and frees its worker even if the
    /// caller goes away, so the pool never runs more than its workers.
    /// `quota` (a tenant's slots, one per job) is held by each job until it ends.
    pub async fn verify(
        &self,
        jobs: Vec<Job>,
        mut quota: Option<OwnedSemaphorePermit>,
    ) -> Result<Vec<Result<Done, ExecutorError>>, Busy> {
        let Ok(n) = u32::try_from(jobs.len()) else {
            return Err(Busy);
        };
        if n == 0 {
            return Ok(Vec::new());
        }
        let Ok(mut slots) = self.slots.clone().try_acquire_many_owned(n) else {
            self.metrics.busy.inc();
            return Err(Busy);
        };
        let mut queued = Counted::new(&self.metrics.queued, jobs.len());
        let mut handles = Vec::with_capacity(jobs.len());
        for job in jobs {
            let worker = self
                .running
                .clone()
                .acquire_owned()
                .instrument(tracing::info_span!("queue", log_size = job.log_size))
                .await
                .expect("the semaphore is never closed");
            // Both children of the caller's request span: waiting, then running.
            let guest = tracing::info_span!(
                "guest",
                log_size = job.log_size,
                verdict = tracing::field::Empty,
                gas_used = tracing::field::Empty,
            );
            let slot = slots.split(1).expect("one slot per job");
            let tenant_slot = quota.as_mut().and_then(|q| q.split(1));
            queued.release(1);
            let in_flight = Counted::new(&self.metrics.in_flight, 1);
            let executor = self.executor.clone();
            let (gas_limit, backend) = (self.gas_limit, self.backend);
            handles.push(tokio::task::spawn_blocking(move || {
                let _held = (slot, worker, in_flight, tenant_slot);
                let _running = guest.enter();
                let start = Instant::now();
                let outcome = executor.verify(job.log_size, &job.proof, gas_limit, backend)?;
                guest.record("verdict", tracing::field::debug(outcome.verdict));
                // As i64: OpenTelemetry has no unsigned integers.
                guest.record(
                    "gas_used",
                    i64::try_from(outcome.gas_used).unwrap_or(i64::MAX),
                );
                Ok(Done {
                    outcome,
                    elapsed: start.elapsed(),
                })
            }));
        }
        let mut results = Vec::with_capacity(handles.len());
        for handle in handles {
            results.push(handle.await.unwrap_or_else(|e| {
                Err(ExecutorError::Vm(format!("verification task failed: {e}")))
            }));
        }
        Ok(results)
    }

    pub fn in_flight(&self) -> usize {
        self.metrics.in_flight.get().max(0) as usize
    }

    pub fn queued(&self) -> usize {
        self.metrics.queued.get().max(0) as usize
    }
}

/// Adds to a gauge and takes back whatever is left when dropped, so a
/// cancelled request never leaves the gauge high.
struct Counted {
    gauge: Gauge,
    left: i64,
}

impl Counted {
    fn new(gauge: &Gauge, n: usize) -> Self {
        let left = n as i64;
        gauge.inc_by(left);
        Self {
            gauge: gauge.clone(),
            left,
        }
    }

    fn release(&mut self, n: i64) {
        self.gauge.dec_by(n);
        self.left -= n;
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.gauge.dec_by(self.left);
    }
}
