//! What the analytics page says about its own numbers: a subtitle naming the view, warnings
//! where a filter misleads (seed 003's filter awareness), and correlation hints between
//! tokens, cost and latency. Pure, unit-tested natively.

use protocol::analytics::{Dashboard, Granularity};

use super::query::AnalyticsQuery;
use crate::filters::{RangeChoice, StatusFilter};

/// "All assistants · last 7 days, daily buckets · errors only · model gpt-4o".
pub fn subtitle(q: &AnalyticsQuery, assistant: Option<&str>, d: &Dashboard) -> String {
    let who = assistant.map_or_else(|| "All assistants".to_owned(), |a| a.to_owned());
    let range = match q.filters.range {
        RangeChoice::Day => "last 24 hours".to_owned(),
        RangeChoice::Week => "last 7 days".to_owned(),
        RangeChoice::Month => "last 30 days".to_owned(),
        RangeChoice::Quarter => "last 90 days".to_owned(),
        RangeChoice::Custom { start, end } => format!("{start} to {end}"),
    };
    let buckets = match d.window.granularity {
        Granularity::Hour => "hourly buckets",
        Granularity::Day => "daily buckets",
        Granularity::Week => "weekly buckets",
    };
    let mut parts = vec![who, format!("{range}, {buckets} (UTC)")];
    match q.filters.status {
        Some(StatusFilter::Success) => parts.push("successful calls only".to_owned()),
        Some(StatusFilter::Error) => parts.push("failed calls only".to_owned()),
        None => {}
    }
    if let Some(model) = &q.filters.model {
        parts.push(format!("model {model}"));
    }
    if let Some(domain) = &q.domain {
        parts.push(format!("domain {domain}"));
    }
    parts.join(" · ")
}

/// Warnings about what the current filters hide.
pub fn warnings(q: &AnalyticsQuery) -> Vec<String> {
    let mut out = Vec::new();
    match q.filters.status {
        Some(StatusFilter::Success) => out.push(
            "Status = success hides the cost of failed runs: total cost and cost per run count successful calls only."
                .to_owned(),
        ),
        Some(StatusFilter::Error) => out.push(
            "Status = error: the success rate is 0% by construction, and costs are those of failed calls only."
                .to_owned(),
        ),
        None => {}
    }
    if q.filters.narrows_calls() {
        out.push(
            "Daily records (POST …/metrics) carry no status or model, so this filter leaves them out of every number."
                .to_owned(),
        );
        out.push(
            "Status codes, countries, domains, anomalies and the projection count every call: the filter does not apply to them."
                .to_owned(),
        );
    }
    if q.domain.is_some() {
        out.push(
            "Domain: computed from the stored calls (the rollups are not split by domain); daily records have no domain, and periods older than the raw-data retention count only what is left."
                .to_owned(),
        );
    }
    if q.filters.range == RangeChoice::Day {
        out.push(
            "Anomalies are whole days: they are shaded on the 7-day and longer ranges.".to_owned(),
        );
    }
    out
}

/// Pearson's r of two series (`None` below three points or without variance).
pub fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return None;
    }
    let (xs, ys) = (&xs[..n], &ys[..n]);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// How `what` moves with tokens, given Pearson's r.
fn relation(what: &str, r: f64) -> String {
    let how = match r {
        r if r >= 0.8 => "follows tokens closely",
        r if r >= 0.5 => "loosely follows tokens",
        r if r <= -0.8 => "moves against tokens closely",
        r if r <= -0.5 => "loosely moves against tokens",
        _ => "hardly follows tokens",
    };
    format!("{what} {how} (r = {r:.2}).")
}

/// Hints for the cost and latency charts: how well they follow tokens, over the buckets with
/// calls.
pub fn correlation_hints(d: &Dashboard) -> (Option<String>, Option<String>) {
    let mut tokens = Vec::new();
    let mut cost = Vec::new();
    let mut lat_tokens = Vec::new();
    let mut latency = Vec::new();
    for ((t, c), (r, l)) in d
        .tokens_over_time
        .iter()
        .zip(&d.costs_over_time)
        .zip(d.requests_over_time.iter().zip(&d.latency_over_time))
    {
        let calls = r.success + r.error;
        if calls == 0 {
            continue;
        }
        let per_call = (t.tokens_in + t.tokens_out) as f64 / calls as f64;
        tokens.push((t.tokens_in + t.tokens_out) as f64);
        cost.push(c.cost);
        if let Some(avg) = l.avg {
            lat_tokens.push(per_call);
            latency.push(avg);
        }
    }
    let cost_hint = correlation(&tokens, &cost).map(|r| {
        let mut text = relation("Cost", r);
        if r < 0.5 {
            text.push_str(
                " Volume does not explain the cost: check the prices and the daily records.",
            );
        }
        text
    });
    let latency_hint = correlation(&lat_tokens, &latency)
        .map(|r| relation("Average latency (against tokens per call)", r));
    (cost_hint, latency_hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::analytics::testing::payload;

    #[test]
    fn the_subtitle_names_the_view() {
        let q = AnalyticsQuery::parse("status=error&model=gpt-4o");
        assert_eq!(
            subtitle(&q, Some("Support bot"), &payload()),
            "Support bot · last 7 days, daily buckets (UTC) · failed calls only · model gpt-4o"
        );
    }

    #[test]
    fn misleading_filters_are_called_out() {
        let w = warnings(&AnalyticsQuery::parse("status=success"));
        assert!(w[0].contains("hides the cost of failed runs"));
        assert!(w.iter().any(|w| w.contains("Daily records")));
        assert!(warnings(&AnalyticsQuery::parse("")).is_empty());
    }

    #[test]
    fn hints_say_which_way_cost_moves() {
        assert_eq!(
            relation("Cost", 0.93),
            "Cost follows tokens closely (r = 0.93)."
        );
        assert_eq!(
            relation("Cost", -0.95),
            "Cost moves against tokens closely (r = -0.95)."
        );
        assert_eq!(
            relation("Cost", 0.1),
            "Cost hardly follows tokens (r = 0.10)."
        );
    }

    #[test]
    fn correlation_is_pearson() {
        let r = correlation(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 6.0, 8.0]);
        assert!(r.is_some_and(|r| (r - 1.0).abs() < 1e-12));
        let r = correlation(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]);
        assert!(r.is_some_and(|r| (r + 1.0).abs() < 1e-12));
        assert_eq!(correlation(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(correlation(&[1.0, 2.0], &[1.0, 2.0]), None);
    }
}
