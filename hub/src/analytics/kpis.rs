//! The headline numbers of a set of samples (KPIs), and how they moved against the previous
//! period. Built from rollup sums, so they cost the same whatever the number of samples.

pub use protocol::analytics::{Kpis, Trend};

use crate::latency::Histogram;
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

fn ratio(numerator: f64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator / denominator as f64)
}

/// The KPIs of `input`. Money in US dollars, times in milliseconds; ratios are `None` when
/// their denominator is zero.
pub fn of(input: &KpiInput) -> Kpis {
    let t = &input.totals;
    let successes = t.calls - t.errors;
    let cost = nanos_to_usd(t.cost_nanos);
    Kpis {
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
        avg_llm_calls: t.avg_llm_calls(),
        avg_tool_calls: t.avg_tool_calls(),
        cache_read_tokens: t.cache_read_tokens,
        cache_hit_rate: t.cache_hit_rate(),
    }
}

/// How `current` moved against `previous` (the period of the same length just before it).
pub fn trend(previous: &Totals, current: &Totals) -> Trend {
    let change =
        |before: i64, now: i64| (before > 0).then(|| (now - before) as f64 * 100.0 / before as f64);
    let error_rate = |t: &Totals| ratio(t.errors as f64 * 100.0, t.calls);
    Trend {
        previous_calls: previous.calls,
        previous_cost: nanos_to_usd(previous.cost_nanos),
        calls_change_pct: change(previous.calls, current.calls),
        cost_change_pct: change(previous.cost_nanos, current.cost_nanos),
        error_rate_change_pts: error_rate(current)
            .zip(error_rate(previous))
            .map(|(now, before)| now - before),
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
            ..Totals::default()
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
        let k = of(&input);
        assert_eq!((k.calls, k.successes, k.errors), (10, 8, 2));
        assert_eq!(k.success_rate, Some(0.8));
        assert_eq!(k.total_cost, 10.0);
        assert_eq!(k.cost_per_run, Some(1.0));
        assert_eq!(k.cost_per_success, Some(9.0 / 8.0));
        assert_eq!(k.cost_per_failure, Some(0.5));
        assert_eq!(k.avg_duration_ms, Some(1_000.0));
        assert_eq!(k.avg_latency_ms, None);
        // No run reported agent metrics: they are "not reported", not zero.
        assert_eq!((k.avg_llm_calls, k.cache_hit_rate), (None, None));
    }

    #[test]
    fn agent_kpis_average_over_the_reporting_runs() {
        let k = of(&KpiInput {
            totals: Totals {
                llm_calls: 9,
                llm_call_runs: 3,
                tool_call_runs: 3,
                cache_read_tokens: 250,
                cache_read_tokens_in: 1_000,
                ..totals(10, 0, 0)
            },
            ..KpiInput::default()
        });
        assert_eq!(k.avg_llm_calls, Some(3.0));
        assert_eq!(k.avg_tool_calls, Some(0.0));
        assert_eq!(k.cache_read_tokens, 250);
        assert_eq!(k.cache_hit_rate, Some(0.25));
    }

    #[test]
    fn empty_input_has_no_ratios() {
        let k = of(&KpiInput::default());
        assert_eq!(k.success_rate, None);
        assert_eq!(k.cost_per_success, None);
        assert_eq!(k.latency.p50, None);
    }

    #[test]
    fn trends_compare_with_the_previous_period() {
        let t = trend(&totals(100, 10, 2_000), &totals(150, 30, 1_000));
        assert_eq!(t.calls_change_pct, Some(50.0));
        assert_eq!(t.cost_change_pct, Some(-50.0));
        assert_eq!(t.error_rate_change_pts, Some(10.0));
        let t = trend(&Totals::default(), &totals(1, 0, 1));
        assert_eq!(t.calls_change_pct, None);
        assert_eq!(t.error_rate_change_pts, None);
    }
}
