//! The analytics page's chart specs, built from the dashboard payload: requests (success and
//! error stacked), cost with cost per call on a second axis, latency percentiles, tokens in and
//! out stacked, and calls per model. Anomalous days are shaded on the chart of their metric with
//! the reason. Pure, unit-tested natively.

use std::rc::Rc;

use protocol::analytics::{Anomaly, Dashboard, Granularity};

use crate::charts::{palette, ChartSpec, Mark, SeriesKind, SeriesSpec, Unit};
use crate::format;

/// Every chart of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyticsSpecs {
    pub requests: Rc<ChartSpec>,
    pub cost: Rc<ChartSpec>,
    pub latency: Rc<ChartSpec>,
    pub tokens: Rc<ChartSpec>,
    pub models: Rc<ChartSpec>,
}

/// How a bucket is labelled on the x axis (the chart shows `MM-DD[ HH:00]`).
fn category(d: &Dashboard, bucket: chrono::DateTime<chrono::Utc>) -> String {
    match d.window.granularity {
        Granularity::Hour => bucket.format("%Y-%m-%d %H:00").to_string(),
        Granularity::Day | Granularity::Week => bucket.format("%Y-%m-%d").to_string(),
    }
}

/// `calls / hour` and the like.
fn per_bucket(d: &Dashboard, what: &str) -> String {
    let unit = match d.window.granularity {
        Granularity::Hour => "hour",
        Granularity::Day => "day",
        Granularity::Week => "week",
    };
    format!("{what} / {unit}")
}

/// Why a day is flagged, in words.
pub fn anomaly_reason(a: &Anomaly) -> String {
    let value = |v: f64| match a.metric.as_str() {
        "cost" => format::usd(v),
        _ => format!("{v:.0}"),
    };
    let sigmas = if a.trailing_stddev > 0.0 {
        format!(
            "{:.1}σ",
            (a.value - a.trailing_mean).abs() / a.trailing_stddev
        )
    } else {
        "unlike the flat".to_owned()
    };
    format!(
        "{} {}: {} {} the 7-day mean of {}",
        a.metric,
        value(a.value),
        sigmas,
        if a.direction == "high" {
            "above"
        } else {
            "below"
        },
        value(a.trailing_mean)
    )
}

/// The marks of `metrics` (daily windows only: anomalies are days), one per day (two metrics
/// flagged on the same day share its band: `calls high, errors high`).
fn marks(d: &Dashboard, metrics: &[&str]) -> Vec<Mark> {
    if d.window.granularity != Granularity::Day {
        return Vec::new();
    }
    let mut out: Vec<Mark> = Vec::new();
    for a in d
        .anomalies
        .iter()
        .filter(|a| metrics.contains(&a.metric.as_str()))
    {
        let (category, label) = (a.day.to_string(), format!("{} {}", a.metric, a.direction));
        match out.iter_mut().find(|m| m.category == category) {
            Some(mark) => {
                mark.label.push_str(", ");
                mark.label.push_str(&label);
            }
            None => out.push(Mark { category, label }),
        }
    }
    out
}

fn series(
    name: &str,
    kind: SeriesKind,
    values: Vec<Option<f64>>,
    color: &'static str,
) -> SeriesSpec {
    SeriesSpec {
        name: name.to_owned(),
        kind,
        values,
        color,
        ..SeriesSpec::default()
    }
}

fn stacked(mut s: SeriesSpec, stack: &'static str) -> SeriesSpec {
    s.stack = Some(stack);
    s
}

/// The specs of a payload (`dark` for the dark theme).
pub fn analytics_specs(d: &Dashboard, dark: bool) -> AnalyticsSpecs {
    let chart =
        |unit, y_name: Option<String>, categories: Vec<String>, series, description: &str| {
            Rc::new(ChartSpec {
                unit,
                y_name,
                categories,
                series,
                dark,
                description: description.to_owned(),
                ..ChartSpec::default()
            })
        };
    let time = |points: Vec<chrono::DateTime<chrono::Utc>>| -> Vec<String> {
        points.into_iter().map(|b| category(d, b)).collect()
    };
    let requests = &d.requests_over_time;
    let mut requests_chart = (*chart(
        Unit::Calls,
        Some(per_bucket(d, "calls")),
        time(requests.iter().map(|p| p.bucket).collect()),
        vec![
            stacked(
                series(
                    "Success",
                    SeriesKind::Bar,
                    requests.iter().map(|p| Some(p.success as f64)).collect(),
                    palette::SUCCESS,
                ),
                "calls",
            ),
            stacked(
                series(
                    "Errors",
                    SeriesKind::Bar,
                    requests.iter().map(|p| Some(p.error as f64)).collect(),
                    palette::ERROR,
                ),
                "calls",
            ),
        ],
        "Calls per bucket, successes and errors stacked",
    ))
    .clone();
    requests_chart.marks = marks(d, &["calls", "errors"]);

    let per_call: Vec<Option<f64>> = d
        .costs_over_time
        .iter()
        .zip(requests)
        .map(|(c, r)| {
            let calls = r.success + r.error;
            (calls > 0).then(|| c.cost / calls as f64)
        })
        .collect();
    let mut cost_line = series(
        "Cost per call",
        SeriesKind::Line,
        per_call,
        palette::ROLLING,
    );
    cost_line.secondary = true;
    let mut cost_chart = (*chart(
        Unit::Usd,
        Some(per_bucket(d, "USD")),
        time(d.costs_over_time.iter().map(|p| p.bucket).collect()),
        vec![
            series(
                "Cost",
                SeriesKind::Bar,
                d.costs_over_time.iter().map(|p| Some(p.cost)).collect(),
                palette::COST,
            ),
            cost_line,
        ],
        "Total cost per bucket, with the cost per call on the right axis",
    ))
    .clone();
    cost_chart.secondary = Some(Unit::Usd);
    cost_chart.marks = marks(d, &["cost"]);

    let lat = &d.latency_over_time;
    let pct = |f: fn(&protocol::analytics::LatencyPoint) -> Option<i64>| -> Vec<Option<f64>> {
        lat.iter().map(|p| f(p).map(|v| v as f64)).collect()
    };
    let latency = chart(
        Unit::Ms,
        Some("latency, ms".to_owned()),
        time(lat.iter().map(|p| p.bucket).collect()),
        vec![
            series("p50", SeriesKind::Line, pct(|p| p.p50), palette::P50),
            series("p95", SeriesKind::Line, pct(|p| p.p95), palette::P95),
            series("p99", SeriesKind::Line, pct(|p| p.p99), palette::P99),
        ],
        "Latency percentiles per bucket",
    );
    let tok = &d.tokens_over_time;
    let tokens = chart(
        Unit::Tokens,
        Some(per_bucket(d, "tokens")),
        time(tok.iter().map(|p| p.bucket).collect()),
        vec![
            stacked(
                series(
                    "Tokens in",
                    SeriesKind::Bar,
                    tok.iter().map(|p| Some(p.tokens_in as f64)).collect(),
                    palette::TOKENS_IN,
                ),
                "tokens",
            ),
            stacked(
                series(
                    "Tokens out",
                    SeriesKind::Bar,
                    tok.iter().map(|p| Some(p.tokens_out as f64)).collect(),
                    palette::TOKENS_OUT,
                ),
                "tokens",
            ),
        ],
        "Tokens in and out per bucket, stacked",
    );
    let mut models_chart = (*chart(
        Unit::Calls,
        Some("calls".to_owned()),
        d.top_models.iter().map(|m| model_name(&m.model)).collect(),
        vec![series(
            "Calls",
            SeriesKind::Bar,
            d.top_models.iter().map(|m| Some(m.calls as f64)).collect(),
            palette::CALLS,
        )],
        "Calls per model",
    ))
    .clone();
    models_chart.labels = true;
    AnalyticsSpecs {
        requests: Rc::new(requests_chart),
        cost: Rc::new(cost_chart),
        latency,
        tokens,
        models: Rc::new(models_chart),
    }
}

/// A model's name as shown (daily records have none).
pub fn model_name(model: &str) -> String {
    if model.is_empty() {
        "(daily records)".to_owned()
    } else {
        model.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::analytics::testing::payload;

    #[test]
    fn every_chart_has_one_point_per_bucket() {
        let d = payload();
        let s = analytics_specs(&d, false);
        for spec in [&s.requests, &s.cost, &s.latency, &s.tokens] {
            assert_eq!(spec.categories.len(), d.requests_over_time.len());
        }
        assert_eq!(s.requests.series[0].stack, Some("calls"));
        assert_eq!(s.requests.y_name.as_deref(), Some("calls / day"));
        assert_eq!(s.cost.secondary, Some(Unit::Usd));
        assert!(s.cost.series[1].secondary);
        // Two calls cost $0.50 on day two: $0.25 a call; no calls, no ratio.
        assert_eq!(s.cost.series[1].values, vec![None, Some(0.25)]);
        assert_eq!(s.models.categories, vec!["gpt-4o", "(daily records)"]);
    }

    #[test]
    fn anomalies_shade_their_day_on_their_metric_with_the_reason() {
        let d = payload();
        let s = analytics_specs(&d, false);
        assert_eq!(s.requests.marks.len(), 1);
        assert_eq!(s.requests.marks[0].category, "2026-11-02");
        assert!(s.cost.marks.is_empty());
        let reason = anomaly_reason(&d.anomalies[0]);
        assert_eq!(reason, "calls 2: 2.0σ above the 7-day mean of 1");
    }
}
