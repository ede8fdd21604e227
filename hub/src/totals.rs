//! Additive totals of samples, and the live statistics of one assistant built from them.

use serde::Serialize;

use crate::units::{ms_to_minutes, nanos_to_usd};
use crate::Sample;

/// Sums of samples in storage units. Adding is exact and order-independent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub samples: i64,
    pub calls: i64,
    pub errors: i64,
    pub duration_ms: i64,
    pub cost_nanos: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
}

impl Totals {
    /// Adds one sample.
    pub fn add_sample(&mut self, sample: &Sample) {
        self.samples += 1;
        self.calls += sample.calls;
        self.errors += sample.errors;
        self.duration_ms += sample.duration_ms;
        self.cost_nanos += sample.cost_nanos;
        self.tokens_in += sample.tokens_in;
        self.tokens_out += sample.tokens_out;
    }

    /// Adds other totals.
    pub fn add(&mut self, other: &Totals) {
        self.samples += other.samples;
        self.calls += other.calls;
        self.errors += other.errors;
        self.duration_ms += other.duration_ms;
        self.cost_nanos += other.cost_nanos;
        self.tokens_in += other.tokens_in;
        self.tokens_out += other.tokens_out;
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }

    /// The client-facing view (dollars, minutes).
    pub fn view(&self) -> TotalsView {
        TotalsView {
            calls: self.calls,
            errors: self.errors,
            cost: nanos_to_usd(self.cost_nanos),
            total_minutes: ms_to_minutes(self.duration_ms),
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
        }
    }
}

/// Totals as clients see them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TotalsView {
    pub calls: i64,
    pub errors: i64,
    /// US dollars.
    pub cost: f64,
    pub total_minutes: f64,
    pub tokens_in: i64,
    pub tokens_out: i64,
}

/// What a live tile shows for one assistant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// The current UTC day.
    pub today: Totals,
    /// The 24 hours up to now (minute resolution).
    pub last_24h: Totals,
    /// The 7 UTC days ending today.
    pub last_7_days: Totals,
}

impl Stats {
    /// The client-facing view.
    pub fn view(&self) -> StatsView {
        StatsView {
            today: self.today.view(),
            last_24h: self.last_24h.view(),
            last_7_days: self.last_7_days.view(),
        }
    }
}

/// Stats as clients see them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    pub today: TotalsView,
    #[serde(rename = "last24h")]
    pub last_24h: TotalsView,
    pub last_7_days: TotalsView,
}
