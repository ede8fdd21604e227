//! Additive totals of samples, and the live statistics of one assistant built from them.

use serde::{Deserialize, Serialize};

use protocol::live::{StatsView, TotalsView};

use crate::units::{ms_to_minutes, nanos_to_usd};
use crate::Sample;

/// Sums of samples in storage units. Adding is exact and order-independent within `i64`;
/// beyond it a sum sticks at `i64::MAX` instead of wrapping, which storage refuses (every day
/// row is capped at 2^59, see the `storable_limits` migration), so no wrong total is ever kept.
///
/// Between hub nodes (the live bus) totals travel as the array of their seven counters in
/// [`Totals::COUNTERS`] order: the one compact form, used by serde and by the rollup writers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[i64; 7]", into = "[i64; 7]")]
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
    /// The counters' names in [`Totals::to_array`] order; also the rollup tables' columns.
    pub const COUNTERS: [&'static str; 7] = [
        "samples",
        "calls",
        "errors",
        "duration_ms",
        "cost_nanos",
        "tokens_in",
        "tokens_out",
    ];

    /// The seven counters in [`Totals::COUNTERS`] order.
    pub fn to_array(&self) -> [i64; 7] {
        [
            self.samples,
            self.calls,
            self.errors,
            self.duration_ms,
            self.cost_nanos,
            self.tokens_in,
            self.tokens_out,
        ]
    }

    /// Totals from their seven counters in [`Totals::COUNTERS`] order.
    pub fn from_array(counters: [i64; 7]) -> Self {
        let [samples, calls, errors, duration_ms, cost_nanos, tokens_in, tokens_out] = counters;
        Self {
            samples,
            calls,
            errors,
            duration_ms,
            cost_nanos,
            tokens_in,
            tokens_out,
        }
    }

    /// Adds one sample.
    pub fn add_sample(&mut self, sample: &Sample) {
        self.add(&Totals {
            samples: 1,
            calls: sample.calls,
            errors: sample.errors,
            duration_ms: sample.duration_ms,
            cost_nanos: sample.cost_nanos,
            tokens_in: sample.tokens_in,
            tokens_out: sample.tokens_out,
        });
    }

    /// Adds other totals (saturating: see the type's documentation).
    pub fn add(&mut self, other: &Totals) {
        let mut sums = self.to_array();
        for (sum, value) in sums.iter_mut().zip(other.to_array()) {
            *sum = sum.saturating_add(value);
        }
        *self = Self::from_array(sums);
    }

    /// Whether a sum stuck at `i64::MAX`, so these totals are not exact. Stored totals never
    /// get there (each day row is capped at 2^59), so only a sum over many rows can.
    pub fn is_saturated(&self) -> bool {
        self.to_array().contains(&i64::MAX)
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

/// What a live tile shows for one assistant (serialised as carried between nodes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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

impl From<[i64; 7]> for Totals {
    fn from(counters: [i64; 7]) -> Self {
        Self::from_array(counters)
    }
}

impl From<Totals> for [i64; 7] {
    fn from(totals: Totals) -> Self {
        totals.to_array()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_past_i64_sticks_at_the_maximum_and_says_so() {
        let mut sum = Totals {
            cost_nanos: i64::MAX - 1,
            ..Totals::default()
        };
        assert!(!sum.is_saturated());
        sum.add(&Totals {
            cost_nanos: 5,
            ..Totals::default()
        });
        assert_eq!(sum.cost_nanos, i64::MAX);
        assert!(sum.is_saturated());
    }
}
