//! The node's Prometheus metrics: chain height, extrinsics by outcome, gas
//! and sealing time. Served beside the verifier's `ligerito_rpc_*` metrics
//! by the rpc crate's exporter (`ligerito_rpc::serve_metrics`).

use crate::chain::SealedBlock;
use crate::pool::PoolError;
use ligerito_runtime::InvalidTransaction;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HeightLabels {
    /// `best` or `finalized` (the same block: finality is instant).
    pub status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `success` or `failed`.
    pub outcome: &'static str,
    /// The module error's name (e.g. `InvalidProof`), empty on success.
    /// The error enum is closed, so the series are few.
    pub error: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RefusalLabels {
    /// `pool` (refused at submission) or `block` (left out when sealing).
    pub stage: &'static str,
    pub reason: &'static str,
}

/// Cheap to clone: every clone updates the same series.
#[derive(Clone)]
pub struct NodeMetrics {
    pub height: Family<HeightLabels, Gauge<u64, AtomicU64>>,
    pub extrinsics: Family<OutcomeLabels, Counter>,
    pub refused: Family<RefusalLabels, Counter>,
    pub block_gas: Histogram,
    pub last_block_gas: Gauge<u64, AtomicU64>,
    pub block_extrinsics: Histogram,
    pub seal_duration: Histogram,
    pub open_duration: Gauge<f64, AtomicU64>,
    pub pool_pending: Gauge,
}

impl Default for NodeMetrics {
    fn default() -> Self {
        Self {
            height: Family::default(),
            extrinsics: Family::default(),
            refused: Family::default(),
            // A 2^12 proof costs ~1e8 gas, a block of the largest many 1e11.
            block_gas: Histogram::new(exponential_buckets(1e6, 4.0, 14)),
            last_block_gas: Gauge::default(),
            block_extrinsics: Histogram::new(exponential_buckets(1.0, 2.0, 11)),
            seal_duration: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
            open_duration: Gauge::default(),
            pool_pending: Gauge::default(),
        }
    }
}

impl NodeMetrics {
    /// Adds the node's metrics to `registry` (call once per registry).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "ligerito_node_block_height",
            "Number of the best and of the finalized block",
            self.height.clone(),
        );
        registry.register(
            "ligerito_node_extrinsics",
            "Extrinsics included in blocks, by outcome and module error",
            self.extrinsics.clone(),
        );
        registry.register(
            "ligerito_node_extrinsics_refused",
            "Extrinsics refused at submission or left out of a block, by reason",
            self.refused.clone(),
        );
        registry.register(
            "ligerito_node_block_gas_used",
            "Gas the verifier used in one block",
            self.block_gas.clone(),
        );
        registry.register(
            "ligerito_node_last_block_gas_used",
            "Gas the verifier used in the last sealed block",
            self.last_block_gas.clone(),
        );
        registry.register(
            "ligerito_node_block_extrinsics",
            "Extrinsics in one sealed block",
            self.block_extrinsics.clone(),
        );
        registry.register_with_unit(
            "ligerito_node_block_seal_duration",
            "Time to execute, seal and commit one block",
            Unit::Seconds,
            self.seal_duration.clone(),
        );
        registry.register_with_unit(
            "ligerito_node_chain_open_duration",
            "Time the node took to open its chain at start (re-executing stored blocks)",
            Unit::Seconds,
            self.open_duration.clone(),
        );
        registry.register(
            "ligerito_node_pool_extrinsics",
            "Extrinsics waiting in the transaction pool",
            self.pool_pending.clone(),
        );
    }

    /// Sets the chain height; finality is instant, so best = finalized.
    pub(crate) fn set_height(&self, number: u64) {
        for status in ["best", "finalized"] {
            self.height
                .get_or_create(&HeightLabels { status })
                .set(number);
        }
    }

    pub(crate) fn sealed(&self, sealed: &SealedBlock, took: Duration) {
        self.set_height(sealed.block.header.number);
        let mut gas = 0u64;
        for outcome in &sealed.receipt.outcomes {
            gas = gas.saturating_add(outcome.gas_used);
            let labels = match outcome.result {
                Ok(()) => OutcomeLabels {
                    outcome: "success",
                    error: String::new(),
                },
                Err(error) => OutcomeLabels {
                    outcome: "failed",
                    error: format!("{error:?}"),
                },
            };
            self.extrinsics.get_or_create(&labels).inc();
        }
        for (_, reason) in &sealed.refused {
            self.refuse("block", invalid_reason(*reason));
        }
        self.block_gas.observe(gas as f64);
        self.last_block_gas.set(gas);
        self.block_extrinsics
            .observe(sealed.block.extrinsics.len() as f64);
        self.seal_duration.observe(took.as_secs_f64());
    }

    pub(crate) fn refused_at_submission(&self, error: &PoolError) {
        let reason = match error {
            PoolError::Invalid(reason) => invalid_reason(*reason),
            PoolError::AlreadyPending => "already_imported",
            PoolError::Full => "pool_full",
        };
        self.refuse("pool", reason);
    }

    /// An extrinsic refused before it reached the pool (not hex, too long).
    pub fn refused_malformed(&self) {
        self.refuse("pool", "malformed");
    }

    fn refuse(&self, stage: &'static str, reason: &'static str) {
        self.refused
            .get_or_create(&RefusalLabels { stage, reason })
            .inc();
    }
}

fn invalid_reason(reason: InvalidTransaction) -> &'static str {
    match reason {
        InvalidTransaction::Malformed => "malformed",
        InvalidTransaction::BadSignature => "bad_signature",
        InvalidTransaction::Stale => "stale_nonce",
        InvalidTransaction::Future => "future_nonce",
        InvalidTransaction::BadOrigin => "bad_origin",
        InvalidTransaction::ExhaustsResources => "exhausts_resources",
    }
}
