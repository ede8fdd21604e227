//! The analytics KPI cards: calls, success and error rate, duration, latency percentiles, cost
//! and its ratios, tokens, and the agent metrics (LLM and tool calls per run, cache hit rate:
//! "not reported" when no run of the range reported them); each with its change against the previous period (the payload's
//! `comparison`: the window's complete buckets against the same length just before, so a
//! half-finished hour or day is not compared with a whole one). [`kpi_cards`] is pure and
//! tested; [`KpiCards`] draws them, with each raw value in `data-value` for the tests.

use protocol::analytics::{Dashboard, Kpis};
use yew::prelude::*;

use crate::format;

/// Whether a rise is good news, bad news, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

/// How a KPI moved: relative (`+12%`) or, for rates, in percentage points (`+1.5 pts`).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub text: String,
    pub rising: bool,
    /// `good`, `bad` or `neutral` (the CSS class).
    pub tone: &'static str,
}

/// One card.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiCard {
    /// `data-testid` suffix, the payload's field name (`calls`, `latencyP95` …).
    pub key: &'static str,
    pub label: &'static str,
    /// The raw value (`None`: nothing to show, e.g. a ratio without calls).
    pub value: Option<f64>,
    pub text: String,
    pub change: Option<Change>,
}

fn tone(rising: bool, better: Better) -> &'static str {
    match (better, rising) {
        (Better::Neither, _) => "neutral",
        (Better::Higher, true) | (Better::Lower, false) => "good",
        _ => "bad",
    }
}

/// The change from `previous` to `current`; `points` for rates (0..1) shown in points.
fn change(
    current: Option<f64>,
    previous: Option<f64>,
    points: bool,
    better: Better,
) -> Option<Change> {
    let (now, before) = (current?, previous?);
    let delta = if points {
        (now - before) * 100.0
    } else if before != 0.0 {
        (now - before) * 100.0 / before.abs()
    } else {
        return None;
    };
    let rising = delta > 0.0;
    let arrow = if delta.abs() < 0.05 {
        "→"
    } else if rising {
        "▲"
    } else {
        "▼"
    };
    let unit = if points { " pts" } else { "%" };
    Some(Change {
        text: format!("{arrow} {:+.1}{unit}", delta),
        rising,
        tone: if delta.abs() < 0.05 {
            "neutral"
        } else {
            tone(rising, better)
        },
    })
}

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 10_000.0 => format!("{:.1} s", v / 1000.0),
        Some(v) => format!("{} ms", format::count(v.round() as i64)),
        None => "–".to_owned(),
    }
}

fn usd(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), format::usd)
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), format::percent)
}

fn tokens_per_call(k: &Kpis) -> Option<f64> {
    (k.calls > 0).then(|| (k.tokens_in + k.tokens_out) as f64 / k.calls as f64)
}

fn error_rate(k: &Kpis) -> Option<f64> {
    k.success_rate.map(|s| 1.0 - s)
}

/// How a card reads its value from a block of KPIs.
type Pick = fn(&Kpis) -> Option<f64>;
/// How a card shows its value.
type Show = fn(Option<f64>) -> String;
/// A card: key, label, value, display, whether its change is in points, and which way is good.
type Row = (&'static str, &'static str, Pick, Show, bool, Better);

/// The cards of a payload, in display order.
pub fn kpi_cards(d: &Dashboard) -> Vec<KpiCard> {
    let (s, cur, prev) = (&d.summary, &d.comparison.current, &d.comparison.previous);
    let rows: [Row; 20] = [
        (
            "calls",
            "Calls",
            |k| Some(k.calls as f64),
            |v| v.map_or("–".into(), |v| format::count(v as i64)),
            false,
            Better::Neither,
        ),
        (
            "successRate",
            "Success rate",
            |k| k.success_rate,
            rate,
            true,
            Better::Higher,
        ),
        (
            "errorRate",
            "Error rate",
            error_rate,
            rate,
            true,
            Better::Lower,
        ),
        (
            "avgDurationMs",
            "Avg duration",
            |k| k.avg_duration_ms,
            ms,
            false,
            Better::Lower,
        ),
        (
            "latencyP50",
            "Latency p50",
            |k| k.latency.p50.map(|v| v as f64),
            ms,
            false,
            Better::Lower,
        ),
        (
            "latencyP95",
            "Latency p95",
            |k| k.latency.p95.map(|v| v as f64),
            ms,
            false,
            Better::Lower,
        ),
        (
            "latencyP99",
            "Latency p99",
            |k| k.latency.p99.map(|v| v as f64),
            ms,
            false,
            Better::Lower,
        ),
        (
            "totalCost",
            "Total cost",
            |k| Some(k.total_cost),
            usd,
            false,
            Better::Lower,
        ),
        (
            "costPerRun",
            "Cost per run",
            |k| k.cost_per_run,
            usd,
            false,
            Better::Lower,
        ),
        (
            "costPerSuccess",
            "Cost per success",
            |k| k.cost_per_success,
            usd,
            false,
            Better::Lower,
        ),
        (
            "costPerFailure",
            "Cost per failure",
            |k| k.cost_per_failure,
            usd,
            false,
            Better::Lower,
        ),
        (
            "errors",
            "Failed calls",
            |k| Some(k.errors as f64),
            |v| v.map_or("–".into(), |v| format::count(v as i64)),
            false,
            Better::Lower,
        ),
        (
            "tokensIn",
            "Tokens in",
            |k| Some(k.tokens_in as f64),
            compact,
            false,
            Better::Neither,
        ),
        (
            "tokensOut",
            "Tokens out",
            |k| Some(k.tokens_out as f64),
            compact,
            false,
            Better::Neither,
        ),
        (
            "tokensTotal",
            "Tokens total",
            |k| Some((k.tokens_in + k.tokens_out) as f64),
            compact,
            false,
            Better::Neither,
        ),
        (
            "tokensPerCall",
            "Tokens per call",
            tokens_per_call,
            |v| v.map_or("–".into(), |v| format!("{v:.0}")),
            false,
            Better::Neither,
        ),
        (
            "avgLatencyMs",
            "Avg latency",
            |k| k.avg_latency_ms,
            ms,
            false,
            Better::Lower,
        ),
        (
            "avgLlmCalls",
            "LLM calls per run",
            |k| k.avg_llm_calls,
            per_run,
            false,
            Better::Neither,
        ),
        (
            "avgToolCalls",
            "Tool calls per run",
            |k| k.avg_tool_calls,
            per_run,
            false,
            Better::Neither,
        ),
        (
            "cacheHitRate",
            "Cache hit rate",
            |k| k.cache_hit_rate,
            |v| v.map_or_else(|| NOT_REPORTED.to_owned(), format::percent),
            true,
            Better::Higher,
        ),
    ];
    rows.iter()
        .map(|(key, label, pick, show, points, better)| KpiCard {
            key,
            label,
            value: pick(s),
            text: show(pick(s)),
            change: change(pick(cur), pick(prev), *points, *better),
        })
        .collect()
}

/// What an agent metric card says when no run of the range reported it.
pub const NOT_REPORTED: &str = "not reported";

fn per_run(v: Option<f64>) -> String {
    v.map_or_else(|| NOT_REPORTED.to_owned(), |v| format!("{v:.2}"))
}

fn compact(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), format::compact)
}

#[derive(Properties, PartialEq)]
pub struct KpiCardsProps {
    pub cards: Vec<KpiCard>,
    /// Test-id prefix of the cards (`kpi-calls` …).
    #[prop_or(AttrValue::Static("kpi"))]
    pub prefix: AttrValue,
    /// What the comparison is against, e.g. "vs the previous 7 days".
    pub against: AttrValue,
}

/// The KPI grid.
#[component]
pub fn KpiCards(props: &KpiCardsProps) -> Html {
    let cards = props.cards.iter().map(|c| {
        let value = c.value.map(|v| v.to_string()).unwrap_or_default();
        html! {
            <div class="kpi" data-testid={format!("{}-{}", props.prefix, c.key)} data-value={value}>
                <dt>{ c.label }</dt>
                <dd>{ c.text.clone() }</dd>
                if let Some(change) = &c.change {
                    <span class={classes!("kpi-change", change.tone)} title={props.against.clone()}>{ change.text.clone() }</span>
                }
            </div>
        }
    });
    html! { <dl class="kpis kpis-grid" data-testid={format!("{}s", props.prefix)}>{ for cards }</dl> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::analytics::testing::payload;

    #[test]
    fn cards_show_the_summary_and_compare_complete_periods() {
        let cards = kpi_cards(&payload());
        let card = |key: &str| cards.iter().find(|c| c.key == key).cloned();
        let calls = card("calls").unwrap_or_else(|| panic!("no calls card"));
        assert_eq!(calls.value, Some(2.0));
        // 2 complete-period calls against 4 before: -50%, neither good nor bad.
        assert_eq!(
            calls.change.as_ref().map(|c| c.text.as_str()),
            Some("▼ -50.0%")
        );
        assert_eq!(calls.change.map(|c| c.tone), Some("neutral"));
        // Error rate 0.5 against 0.25: +25 points, bad news.
        let errors = card("errorRate").and_then(|c| c.change);
        assert_eq!(
            errors.as_ref().map(|c| c.text.as_str()),
            Some("▲ +25.0 pts")
        );
        assert_eq!(errors.map(|c| c.tone), Some("bad"));
        // No latencies: no value, no change.
        let p95 = card("latencyP95").unwrap_or_else(|| panic!("no p95 card"));
        assert_eq!(
            (p95.value, p95.text.as_str(), p95.change),
            (None, "–", None)
        );
        assert_eq!(cards.len(), 20);
        // No run reported agent metrics: said so, not shown as zero.
        let cache = card("cacheHitRate").unwrap_or_else(|| panic!("no cache card"));
        assert_eq!((cache.value, cache.text.as_str()), (None, NOT_REPORTED));
    }

    #[test]
    fn agent_cards_show_averages_and_the_cache_hit_rate() {
        let mut d = payload();
        d.summary.avg_llm_calls = Some(2.5);
        d.summary.cache_hit_rate = Some(0.4);
        d.comparison.current.cache_hit_rate = Some(0.4);
        d.comparison.previous.cache_hit_rate = Some(0.3);
        let cards = kpi_cards(&d);
        let card = |key: &str| cards.iter().find(|c| c.key == key).cloned();
        assert_eq!(card("avgLlmCalls").map(|c| c.text), Some("2.50".to_owned()));
        let cache = card("cacheHitRate").unwrap_or_else(|| panic!("no cache card"));
        assert_eq!(cache.value, Some(0.4));
        // A higher hit rate is good news, in points.
        assert_eq!(
            cache.change.map(|c| (c.text, c.tone)),
            Some(("▲ +10.0 pts".to_owned(), "good"))
        );
    }

    #[test]
    fn a_previous_period_without_data_shows_no_change() {
        assert_eq!(change(Some(3.0), Some(0.0), false, Better::Higher), None);
        assert_eq!(change(Some(0.5), None, true, Better::Lower), None);
    }
}
