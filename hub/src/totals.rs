//! Additive totals of samples, and the live statistics of one assistant built from them.

use serde::{Deserialize, Serialize};

use protocol::live::{StatsView, TotalsView};

use crate::units::{ms_to_minutes, nanos_to_usd};
use crate::Sample;

/// Sums of samples in storage units. Adding is exact and order-independent within `i64`;
/// beyond it a sum sticks at `i64::MAX` instead of wrapping, which storage refuses (every day
/// row is capped at 2^59, see the `storable_limits` migration), so no wrong total is ever kept.
///
/// Between hub nodes (the live bus) totals travel as the array of their counters in
/// [`Totals::COUNTERS`] order: the one compact form, used by serde and by the rollup writers.
/// Totals without agent metrics travel as the first seven only ([`BASE_COUNTERS`]), the format
/// of nodes older than the agent metrics, so those nodes keep reading every such delta during
/// a rolling upgrade; either length is read back.
///
/// The agent metrics (LLM calls, tool calls, cache-read tokens) are optional per call, so each
/// sum comes with the number of runs that reported it: averages are over those runs only (see
/// [`Totals::avg_llm_calls`], [`Totals::cache_hit_rate`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<i64>", into = "Vec<i64>")]
pub struct Totals {
    pub samples: i64,
    pub calls: i64,
    pub errors: i64,
    pub duration_ms: i64,
    pub cost_nanos: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// LLM calls made by the runs that reported `llmCalls`, and how many runs did.
    pub llm_calls: i64,
    pub llm_call_runs: i64,
    /// Tool calls made by the runs that reported `toolCalls`, and how many runs did.
    pub tool_calls: i64,
    pub tool_call_runs: i64,
    /// Input tokens read from the prompt cache, and all input tokens of the runs that reported
    /// `cacheReadTokens` (the cache hit rate's denominator).
    pub cache_read_tokens: i64,
    pub cache_read_tokens_in: i64,
}

/// How many counters [`Totals`] has.
pub const COUNTERS: usize = 13;
/// The counters before the agent metrics (samples to tokens out).
pub const BASE_COUNTERS: usize = 7;

impl Totals {
    /// The counters' names in [`Totals::to_array`] order; also the rollup tables' columns.
    pub const COUNTERS: [&'static str; COUNTERS] = [
        "samples",
        "calls",
        "errors",
        "duration_ms",
        "cost_nanos",
        "tokens_in",
        "tokens_out",
        "llm_calls",
        "llm_call_runs",
        "tool_calls",
        "tool_call_runs",
        "cache_read_tokens",
        "cache_read_tokens_in",
    ];

    /// The counters in [`Totals::COUNTERS`] order.
    pub fn to_array(&self) -> [i64; COUNTERS] {
        [
            self.samples,
            self.calls,
            self.errors,
            self.duration_ms,
            self.cost_nanos,
            self.tokens_in,
            self.tokens_out,
            self.llm_calls,
            self.llm_call_runs,
            self.tool_calls,
            self.tool_call_runs,
            self.cache_read_tokens,
            self.cache_read_tokens_in,
        ]
    }

    /// Totals from their counters in [`Totals::COUNTERS`] order.
    pub fn from_array(counters: [i64; COUNTERS]) -> Self {
        let [samples, calls, errors, duration_ms, cost_nanos, tokens_in, tokens_out, llm_calls, llm_call_runs, tool_calls, tool_call_runs, cache_read_tokens, cache_read_tokens_in] =
            counters;
        Self {
            samples,
            calls,
            errors,
            duration_ms,
            cost_nanos,
            tokens_in,
            tokens_out,
            llm_calls,
            llm_call_runs,
            tool_calls,
            tool_call_runs,
            cache_read_tokens,
            cache_read_tokens_in,
        }
    }

    /// Adds one sample.
    pub fn add_sample(&mut self, sample: &Sample) {
        let reported = |value: Option<i64>| i64::from(value.is_some());
        self.add(&Totals {
            samples: 1,
            calls: sample.calls,
            errors: sample.errors,
            duration_ms: sample.duration_ms,
            cost_nanos: sample.cost_nanos,
            tokens_in: sample.tokens_in,
            tokens_out: sample.tokens_out,
            llm_calls: sample.llm_calls.unwrap_or(0),
            llm_call_runs: reported(sample.llm_calls),
            tool_calls: sample.tool_calls.unwrap_or(0),
            tool_call_runs: reported(sample.tool_calls),
            cache_read_tokens: sample.cache_read_tokens.unwrap_or(0),
            cache_read_tokens_in: sample.cache_read_tokens.map_or(0, |_| sample.tokens_in),
        });
    }

    /// LLM calls per run, over the runs that reported them (`None`: none did).
    pub fn avg_llm_calls(&self) -> Option<f64> {
        (self.llm_call_runs > 0).then(|| self.llm_calls as f64 / self.llm_call_runs as f64)
    }

    /// Tool calls per run, over the runs that reported them (`None`: none did).
    pub fn avg_tool_calls(&self) -> Option<f64> {
        (self.tool_call_runs > 0).then(|| self.tool_calls as f64 / self.tool_call_runs as f64)
    }

    /// Cache-read input tokens over the input tokens of the runs that reported cache reads
    /// (`None`: none did, or they had no input tokens).
    pub fn cache_hit_rate(&self) -> Option<f64> {
        (self.cache_read_tokens_in > 0)
            .then(|| self.cache_read_tokens as f64 / self.cache_read_tokens_in as f64)
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

impl TryFrom<Vec<i64>> for Totals {
    type Error = String;

    /// Totals from [`BASE_COUNTERS`] counters (no agent metrics) or all [`COUNTERS`].
    fn try_from(mut counters: Vec<i64>) -> Result<Self, Self::Error> {
        if counters.len() == BASE_COUNTERS {
            counters.resize(COUNTERS, 0);
        }
        <[i64; COUNTERS]>::try_from(counters)
            .map(Self::from_array)
            .map_err(|c| {
                format!(
                    "totals have {BASE_COUNTERS} or {COUNTERS} counters, not {}",
                    c.len()
                )
            })
    }
}

impl From<Totals> for Vec<i64> {
    fn from(totals: Totals) -> Self {
        let mut counters = totals.to_array().to_vec();
        if counters[BASE_COUNTERS..].iter().all(|&c| c == 0) {
            counters.truncate(BASE_COUNTERS);
        }
        counters
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

    #[test]
    fn totals_without_agent_metrics_keep_the_seven_counter_format() {
        let plain = Totals::from_array(std::array::from_fn(|i| if i < 7 { 1 } else { 0 }));
        let agent = Totals {
            llm_calls: 4,
            llm_call_runs: 1,
            ..plain
        };
        let plain_json = serde_json::to_string(&plain).unwrap_or_default();
        let agent_json = serde_json::to_string(&agent).unwrap_or_default();
        assert_eq!(plain_json, "[1,1,1,1,1,1,1]");
        assert_eq!(agent_json, "[1,1,1,1,1,1,1,4,1,0,0,0,0]");
        let back = |json: &str| serde_json::from_str::<Totals>(json).ok();
        assert_eq!(back(&plain_json), Some(plain));
        assert_eq!(back(&agent_json), Some(agent));
        assert_eq!(back("[1,2,3]"), None);
    }

    #[test]
    fn agent_averages_count_only_the_runs_that_reported_them() {
        let mut totals = Totals::default();
        assert_eq!(totals.avg_llm_calls(), None);
        assert_eq!(totals.cache_hit_rate(), None);
        // Two runs reported LLM calls (3 and 5), one reported cache reads: 300 of 1000 input
        // tokens; a third run reported nothing and changes no average.
        totals.add(&Totals {
            samples: 3,
            tokens_in: 5_000,
            llm_calls: 8,
            llm_call_runs: 2,
            tool_calls: 0,
            tool_call_runs: 1,
            cache_read_tokens: 300,
            cache_read_tokens_in: 1_000,
            ..Totals::default()
        });
        assert_eq!(totals.avg_llm_calls(), Some(4.0));
        assert_eq!(totals.avg_tool_calls(), Some(0.0));
        assert_eq!(totals.cache_hit_rate(), Some(0.3));
    }
}
