//! The headline numbers of a set of samples (KPIs), and how they moved against the previous
//! period. Built from rollup sums, so they cost the same whatever the number of samples.

use serde::Serialize;

use crate::latency::{Histogram, Percentiles};
use crate::units::nanos_to_usd;
use crate::Totals;

/// Rollup sums a KPI block is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KpiInput {
    pub totals: Totals,
    /// Cost of the calls that failed (status `error`).
    pub error_cost_nanos: i64,
    /// Calls that reported a latency, and the sum of their latencies.
    pub latency_calls: i64,
    pub latency_sum_ms: i64,
    pub latency: Histogram,
}

impl KpiInput {
    /// Adds another block of sums (another bucket, model or assistant).
    /// Sums saturate like [`Totals::add`]; see [`KpiInput::is_saturated`].
    pub fn add(&mut self, other: &KpiInput) {
        self.totals.add(&other.totals);
        self.error_cost_nanos = self.error_cost_nanos.saturating_add(other.error_cost_nanos);
        self.latency_calls = self.latency_calls.saturating_add(other.latency_calls);
        self.latency_sum_ms = self.latency_sum_ms.saturating_add(other.latency_sum_ms);
        self.latency.merge(&other.latency);
    }

    /// Whether a sum passed `i64` (these sums must then not be shown: they are not exact).
    pub fn is_saturated(&self) -> bool {
        self.totals.is_saturated()
            || [
                self.error_cost_nanos,
                self.latency_calls,
                self.latency_sum_ms,
            ]
            .contains(&i64::MAX)
    }
}

/// Summary KPIs. Money in US dollars, times in milliseconds; ratios are `null` when their
/// denominator is zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Kpis {
    /// Samples stored (one per call, one per daily record).
    pub runs: i64,
    pub calls: i64,
    pub successes: i64,
    pub errors: i64,
    /// Successes / calls, 0..1.
    pub success_rate: Option<f64>,
    /// Average duration of a call.
    pub avg_duration_ms: Option<f64>,
    pub total_cost: f64,
    pub cost_per_run: Option<f64>,
    pub cost_per_success: Option<f64>,
    pub cost_per_failure: Option<f64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// Average latency of the calls that reported one.
    pub avg_latency_ms: Option<f64>,
    pub latency: Percentiles,
}

fn ratio(numerator: f64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator / denominator as f64)
}

impl Kpis {
    /// The KPIs of `input`.
    pub fn of(input: &KpiInput) -> Self {
        let t = &input.totals;
        let successes = t.calls - t.errors;
        let cost = nanos_to_usd(t.cost_nanos);
        Self {
            runs: t.samples,
            calls: t.calls,
            successes,
            errors: t.errors,
            success_rate: ratio(successes as f64, t.calls),
            avg_duration_ms: ratio(t.duration_ms as f64, t.calls),
            total_cost: cost,
            cost_per_run: ratio(cost, t.samples),
            cost_per_success: ratio(
                nanos_to_usd(t.cost_nanos - input.error_cost_nanos),
                successes,
            ),
            cost_per_failure: ratio(nanos_to_usd(input.error_cost_nanos), t.errors),
            tokens_in: t.tokens_in,
            tokens_out: t.tokens_out,
            avg_latency_ms: ratio(input.latency_sum_ms as f64, input.latency_calls),
            latency: input.latency.percentiles(),
        }
    }
}

/// How the current period compares with the one before it (same length, just before).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    pub previous_calls: i64,
    pub previous_cost: f64,
    /// Change in percent (`null` when the previous period had none).
    pub calls_change_pct: Option<f64>,
    pub cost_change_pct: Option<f64>,
    /// Change of the error rate in percentage points (`null` without calls in either period).
    pub error_rate_change_pts: Option<f64>,
}

impl Trend {
    /// The trend from `previous` to `current`.
    pub fn between(previous: &Totals, current: &Totals) -> Self {
        let change = |before: i64, now: i64| {
            (before > 0).then(|| (now - before) as f64 * 100.0 / before as f64)
        };
        let error_rate = |t: &Totals| ratio(t.errors as f64 * 100.0, t.calls);
        Self {
            previous_calls: previous.calls,
            previous_cost: nanos_to_usd(previous.cost_nanos),
            calls_change_pct: change(previous.calls, current.calls),
            cost_change_pct: change(previous.cost_nanos, current.cost_nanos),
            error_rate_change_pts: error_rate(current)
                .zip(error_rate(previous))
                .map(|(now, before)| now - before),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(calls: i64, errors: i64, cost_nanos: i64) -> Totals {
        Totals {
            samples: calls,
            calls,
            errors,
            duration_ms: calls * 1_000,
            cost_nanos,
            tokens_in: calls * 10,
            tokens_out: calls * 20,
        }
    }

    #[test]
    fn costs_split_between_successes_and_failures() {
        let mut input = KpiInput {
            totals: totals(8, 2, 10_000_000_000),
            error_cost_nanos: 1_000_000_000,
            ..KpiInput::default()
        };
        input.add(&KpiInput {
            totals: totals(2, 0, 0),
            ..KpiInput::default()
        });
        let k = Kpis::of(&input);
        assert_eq!((k.calls, k.successes, k.errors), (10, 8, 2));
        assert_eq!(k.success_rate, Some(0.8));
        assert_eq!(k.total_cost, 10.0);
        assert_eq!(k.cost_per_run, Some(1.0));
        assert_eq!(k.cost_per_success, Some(9.0 / 8.0));
        assert_eq!(k.cost_per_failure, Some(0.5));
        assert_eq!(k.avg_duration_ms, Some(1_000.0));
        assert_eq!(k.avg_latency_ms, None);
    }

    #[test]
    fn empty_input_has_no_ratios() {
        let k = Kpis::of(&KpiInput::default());
        assert_eq!(k.success_rate, None);
        assert_eq!(k.cost_per_success, None);
        assert_eq!(k.latency.p50, None);
    }

    #[test]
    fn trends_compare_with_the_previous_period() {
        let t = Trend::between(&totals(100, 10, 2_000), &totals(150, 30, 1_000));
        assert_eq!(t.calls_change_pct, Some(50.0));
        assert_eq!(t.cost_change_pct, Some(-50.0));
        assert_eq!(t.error_rate_change_pts, Some(10.0));
        let t = Trend::between(&Totals::default(), &totals(1, 0, 1));
        assert_eq!(t.calls_change_pct, None);
        assert_eq!(t.error_rate_change_pts, None);
    }
}
