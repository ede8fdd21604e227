//! The hub's own telemetry: the instruments the ingestion and live paths record into, for the
//! Prometheus endpoint (`GET /metrics` in the web crate, which owns the registry and renders
//! it). They record through decorators of the storage traits ([`metered`]) and the live hub,
//! so the actors themselves carry no measuring code.
//!
//! Every label has a small fixed set of values (a cause, an operation): nothing is labelled
//! by assistant, user or model, so the number of series does not grow with the data.

pub mod metered;

use std::fmt::Write;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

use crate::store::StoreError;

/// Why a storage operation failed, as a label (see [`StoreError`]).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Cause {
    Unavailable,
    Refused,
    Failed,
}

impl From<&StoreError> for Cause {
    fn from(error: &StoreError) -> Self {
        match error {
            StoreError::Unavailable { .. } => Self::Unavailable,
            StoreError::Refused { .. } => Self::Refused,
            StoreError::Failed { .. } => Self::Failed,
        }
    }
}

/// Label values in Prometheus' lower snake case.
macro_rules! label_values {
    ($type:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl EncodeLabelValue for $type {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
                encoder.write_str(match self {
                    $(Self::$variant => $text),+
                })
            }
        }
    };
}

label_values!(Cause { Unavailable => "unavailable", Refused => "refused", Failed => "failed" });
label_values!(Outcome { Stored => "stored", Duplicate => "duplicate" });
label_values!(BusOp { Publish => "publish", RaiseFloor => "raise_floor", Latest => "latest" });

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CauseLabel {
    pub cause: Cause,
}

/// What a sample written became.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Outcome {
    /// Stored now.
    Stored,
    /// Its client id was stored before: not stored again.
    Duplicate,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: Outcome,
}

/// A live-bus (Redis) operation, as a label.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum BusOp {
    Publish,
    RaiseFloor,
    Latest,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BusLabel {
    pub op: BusOp,
    pub cause: Cause,
}

/// The instruments (cheap to clone: each is a shared handle).
#[derive(Clone, Debug)]
pub struct Instruments {
    /// Samples written, by outcome.
    pub samples: Family<OutcomeLabel, Counter>,
    /// Samples per batch write that committed.
    pub batch_size: Histogram,
    /// Time of a batch write that committed (the transaction, rollups included).
    pub commit_seconds: Histogram,
    /// Batch writes that failed, by cause (nothing of them was stored or acknowledged).
    pub batch_failures: Family<CauseLabel, Counter>,
    /// Live-bus operations that failed, by operation and cause.
    pub bus_errors: Family<BusLabel, Counter>,
    /// Time of publishing one delta on the live bus (Redis), successful or not.
    pub bus_publish_seconds: Histogram,
    /// Live subscriptions (one per WebSocket and assistant followed).
    pub live_subscriptions: Gauge,
    /// From a delta's commit to its hand-over to this node's subscribers.
    pub fanout_seconds: Histogram,
}

fn seconds_histogram() -> Histogram {
    // 0.5 ms to about 16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

impl Default for Instruments {
    /// Instruments not registered anywhere (what tests and tools without a registry use).
    fn default() -> Self {
        Self {
            samples: Family::default(),
            batch_size: Histogram::new(exponential_buckets(1.0, 4.0, 9)),
            commit_seconds: seconds_histogram(),
            batch_failures: Family::default(),
            bus_errors: Family::default(),
            bus_publish_seconds: seconds_histogram(),
            live_subscriptions: Gauge::default(),
            fanout_seconds: seconds_histogram(),
        }
    }
}

impl Instruments {
    /// New instruments, registered in `registry` under the `metrics_hub` prefix.
    pub fn register(registry: &mut Registry) -> Self {
        let made = Self::default();
        let hub = registry.sub_registry_with_prefix("metrics_hub");
        hub.register(
            "samples",
            "Samples written, by outcome",
            made.samples.clone(),
        );
        hub.register(
            "batch_size",
            "Samples per committed batch write",
            made.batch_size.clone(),
        );
        hub.register_with_unit(
            "commit",
            "Time of a committed batch write (transaction and rollups)",
            Unit::Seconds,
            made.commit_seconds.clone(),
        );
        hub.register(
            "batch_failures",
            "Batch writes that failed (nothing stored or acknowledged), by cause",
            made.batch_failures.clone(),
        );
        hub.register(
            "live_bus_errors",
            "Live-bus (Redis) operations that failed, by operation and cause",
            made.bus_errors.clone(),
        );
        hub.register_with_unit(
            "live_bus_publish",
            "Time of publishing one live delta on the bus",
            Unit::Seconds,
            made.bus_publish_seconds.clone(),
        );
        hub.register(
            "live_subscriptions",
            "Live subscriptions on this node (WebSocket x assistant)",
            made.live_subscriptions.clone(),
        );
        hub.register_with_unit(
            "live_fanout",
            "From a delta's commit to its hand-over to this node's subscribers",
            Unit::Seconds,
            made.fanout_seconds.clone(),
        );
        made
    }
}
