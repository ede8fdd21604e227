//! The dashboard payload, assembled from rollup cells: KPIs, series per bucket, breakdowns by
//! model, status code, country and domain, trend, projection and anomalies. Pure assembly; the
//! web layer fetches the inputs and caches the result.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
pub use protocol::analytics::{
    Comparison, CostPoint, Dashboard, LabelUsage, LatencyPoint, ModelUsage, RequestsPoint,
    SeriesPoint, StatusCodeCount, TokensPoint,
};

use super::anomaly::{find_anomalies, Anomaly, TRAILING_DAYS};
use super::kpis::{self, KpiInput};
use super::projection::{self, SpendInput};
use super::window::{GranularityExt, Window, WindowExt};
use crate::sample::CallFilter;
use crate::units::nanos_to_usd;
use crate::Totals;

/// How many entries a "top" list keeps.
pub const TOP: usize = 10;

/// The sums of one rollup bucket of one model and status (over any set of assistants).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub bucket: DateTime<Utc>,
    /// `""` when the samples named none.
    pub model: String,
    /// `success`, `error`, or `""` (daily records).
    pub status: String,
    pub sums: KpiInput,
}

/// Calls per value of one label (status code, country or domain).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelCount {
    /// `status_code`, `country` or `domain`.
    pub dimension: String,
    pub label: String,
    pub calls: i64,
    pub errors: i64,
    pub cost_nanos: i64,
}

/// One day of totals, for anomaly detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayPoint {
    pub day: NaiveDate,
    pub totals: Totals,
}

/// The series point of `sums` at `bucket`.
fn series_point(bucket: DateTime<Utc>, sums: &KpiInput) -> SeriesPoint {
    let k = kpis::of(sums);
    SeriesPoint {
        bucket,
        calls: k.calls,
        successes: k.successes,
        errors: k.errors,
        cost: k.total_cost,
        tokens_in: k.tokens_in,
        tokens_out: k.tokens_out,
        avg_duration_ms: k.avg_duration_ms,
        avg_latency_ms: k.avg_latency_ms,
        latency: k.latency,
    }
}

/// Every bucket of `window` (empty ones as zeros), summed from `cells`.
pub fn series(window: &Window, cells: &[Cell]) -> Vec<SeriesPoint> {
    let mut sums: BTreeMap<DateTime<Utc>, KpiInput> = window
        .buckets()
        .into_iter()
        .map(|b| (b, KpiInput::default()))
        .collect();
    for cell in cells {
        let bucket = window.granularity.bucket_of(cell.bucket);
        if let Some(s) = sums.get_mut(&bucket) {
            s.add(&cell.sums);
        }
    }
    sums.iter().map(|(b, s)| series_point(*b, s)).collect()
}

/// Whether every sum over `cells` fits in `i64`. Every other sum of a payload (a series point,
/// a model, a label) covers part of the same cells, so this one check covers them all.
pub fn fits(cells: &[Cell]) -> bool {
    !overall(cells).is_saturated()
}

/// The sum of all cells.
pub fn overall(cells: &[Cell]) -> KpiInput {
    let mut sums = KpiInput::default();
    cells.iter().for_each(|c| sums.add(&c.sums));
    sums
}

/// Models by calls (then name), at most [`TOP`].
pub fn top_models(cells: &[Cell]) -> Vec<ModelUsage> {
    let mut per_model: BTreeMap<&str, KpiInput> = BTreeMap::new();
    for cell in cells {
        per_model.entry(&cell.model).or_default().add(&cell.sums);
    }
    let mut models: Vec<ModelUsage> = per_model
        .into_iter()
        .map(|(model, s)| ModelUsage {
            model: model.to_owned(),
            calls: s.totals.calls,
            errors: s.totals.errors,
            cost: nanos_to_usd(s.totals.cost_nanos),
            tokens_in: s.totals.tokens_in,
            tokens_out: s.totals.tokens_out,
            latency: s.latency.percentiles(),
        })
        .collect();
    models.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.model.cmp(&b.model)));
    models.truncate(TOP);
    models
}

/// The values of `dimension` by calls (then label), at most [`TOP`]; with `errors_only`, by
/// failed calls and only those with failures.
fn top_labels(labels: &[LabelCount], dimension: &str, errors_only: bool) -> Vec<LabelUsage> {
    let key = |l: &LabelCount| if errors_only { l.errors } else { l.calls };
    let mut out: Vec<&LabelCount> = labels
        .iter()
        .filter(|l| l.dimension == dimension && key(l) > 0)
        .collect();
    out.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.label.cmp(&b.label)));
    out.into_iter()
        .take(TOP)
        .map(|l| LabelUsage {
            label: l.label.clone(),
            calls: l.calls,
            errors: l.errors,
            cost: nanos_to_usd(l.cost_nanos),
        })
        .collect()
}

/// Everything the dashboard is computed from.
#[derive(Debug, Clone, Default)]
pub struct DashboardInput {
    pub assistants: Vec<i64>,
    /// The status and model filter `cells` and `previous` were read with.
    pub filter: CallFilter,
    /// The domain every input was read for, if any.
    pub domain: Option<String>,
    pub cells: Vec<Cell>,
    pub labels: Vec<LabelCount>,
    /// Cells of the window just before the completed part of this one, of the same length
    /// (see [`WindowExt::completed`]).
    pub previous: Vec<Cell>,
    /// Daily totals from [`anomaly_days_start`] to the window's last day (missing days: zero).
    pub days: Vec<DayPoint>,
    pub spend: SpendInput,
}

/// The first day whose totals the anomaly check of `window` needs.
pub fn anomaly_days_start(window: &Window) -> NaiveDate {
    window.first_day() - chrono::Duration::days(TRAILING_DAYS as i64)
}

/// Assembles the dashboard of `window` at `now`.
pub fn build(window: Window, input: DashboardInput, now: DateTime<Utc>) -> Dashboard {
    let points = series(&window, &input.cells);
    let all = overall(&input.cells);
    let completed_end = window.completed(now).end;
    let mut completed = KpiInput::default();
    for cell in input.cells.iter().filter(|c| c.bucket < completed_end) {
        completed.add(&cell.sums);
    }
    let previous = overall(&input.previous);
    Dashboard {
        window,
        assistants: input.assistants,
        status: input.filter.status,
        model: input.filter.model,
        domain: input.domain,
        summary: kpis::of(&all),
        trend: kpis::trend(&previous.totals, &completed.totals),
        comparison: Comparison {
            current: kpis::of(&completed),
            previous: kpis::of(&previous),
        },
        projection: projection::at(now, input.spend),
        requests_over_time: points
            .iter()
            .map(|p| RequestsPoint {
                bucket: p.bucket,
                success: p.successes,
                error: p.errors,
            })
            .collect(),
        costs_over_time: points
            .iter()
            .map(|p| CostPoint {
                bucket: p.bucket,
                cost: p.cost,
            })
            .collect(),
        latency_over_time: points
            .iter()
            .map(|p| LatencyPoint {
                bucket: p.bucket,
                avg: p.avg_latency_ms,
                p50: p.latency.p50,
                p95: p.latency.p95,
                p99: p.latency.p99,
            })
            .collect(),
        tokens_over_time: points
            .iter()
            .map(|p| TokensPoint {
                bucket: p.bucket,
                tokens_in: p.tokens_in,
                tokens_out: p.tokens_out,
            })
            .collect(),
        errors_by_status_code: top_labels(&input.labels, "status_code", true)
            .into_iter()
            .map(|l| StatusCodeCount {
                status_code: l.label,
                count: l.errors,
            })
            .collect(),
        top_models: top_models(&input.cells),
        top_countries: top_labels(&input.labels, "country", false),
        top_domains: top_labels(&input.labels, "domain", false),
        anomalies: anomalies(&window, &input.days, now.date_naive()),
        generated_at: now,
    }
}

/// Anomalies of calls, errors and cost on the window's complete days (before `today`).
fn anomalies(window: &Window, days: &[DayPoint], today: NaiveDate) -> Vec<Anomaly> {
    let first = anomaly_days_start(window);
    let count = (window.last_day() - first).num_days() + 1;
    let mut per_day = vec![Totals::default(); usize::try_from(count).unwrap_or(0)];
    for point in days {
        let index = usize::try_from((point.day - first).num_days()).ok();
        if let Some(slot) = index.and_then(|i| per_day.get_mut(i)) {
            *slot = point.totals;
        }
    }
    let metric = |f: fn(&Totals) -> f64| per_day.iter().map(f).collect::<Vec<f64>>();
    let mut out = Vec::new();
    out.extend(find_anomalies("calls", first, &metric(|t| t.calls as f64)));
    out.extend(find_anomalies(
        "errors",
        first,
        &metric(|t| t.errors as f64),
    ));
    out.extend(find_anomalies(
        "cost",
        first,
        &metric(|t| nanos_to_usd(t.cost_nanos)),
    ));
    out.retain(|a| a.day < today);
    out.sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.metric.cmp(&b.metric)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Histogram;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 11, 14, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn cell(hours_ago: i64, model: &str, status: &str, calls: i64, latency: i32) -> Cell {
        let mut hist = Histogram::default();
        for _ in 0..calls {
            hist.record(latency);
        }
        let errors = if status == "error" { calls } else { 0 };
        Cell {
            bucket: now() - chrono::Duration::hours(hours_ago),
            model: model.into(),
            status: status.into(),
            sums: KpiInput {
                totals: Totals {
                    samples: calls,
                    calls,
                    errors,
                    duration_ms: calls * 100,
                    cost_nanos: calls * 1_000_000,
                    tokens_in: calls,
                    tokens_out: calls,
                    ..Totals::default()
                },
                error_cost_nanos: errors * 1_000_000,
                latency_calls: calls,
                latency_sum_ms: calls * i64::from(latency),
                latency: hist,
            },
        }
    }

    #[test]
    fn series_fill_every_bucket_and_breakdowns_rank() {
        let window =
            Window::dashboard("24h", None, None, now()).unwrap_or_else(|e| panic!("{e:?}"));
        let cells = vec![
            cell(0, "a", "success", 3, 100),
            cell(0, "b", "error", 1, 1_000),
            cell(5, "b", "success", 4, 200),
            // Outside the window: ignored.
            cell(30, "a", "success", 50, 100),
        ];
        let input = DashboardInput {
            cells: cells[..3].to_vec(),
            labels: vec![
                LabelCount {
                    dimension: "status_code".into(),
                    label: "500".into(),
                    calls: 1,
                    errors: 1,
                    cost_nanos: 0,
                },
                LabelCount {
                    dimension: "status_code".into(),
                    label: "200".into(),
                    calls: 7,
                    errors: 0,
                    cost_nanos: 0,
                },
                LabelCount {
                    dimension: "country".into(),
                    label: "DE".into(),
                    calls: 5,
                    errors: 0,
                    cost_nanos: 0,
                },
                LabelCount {
                    dimension: "country".into(),
                    label: "US".into(),
                    calls: 3,
                    errors: 1,
                    cost_nanos: 0,
                },
            ],
            ..DashboardInput::default()
        };
        let d = build(window, input, now());
        assert_eq!(d.requests_over_time.len(), 24);
        let last = d.requests_over_time.last().map(|p| (p.success, p.error));
        assert_eq!(last, Some((3, 1)));
        assert_eq!(d.summary.calls, 8);
        // 200 ms lies in the bin [181, 215): reported as its middle.
        assert_eq!(d.summary.latency.p50, Some(197));
        let models: Vec<(&str, i64)> = d
            .top_models
            .iter()
            .map(|m| (m.model.as_str(), m.calls))
            .collect();
        assert_eq!(models, [("b", 5), ("a", 3)]);
        let codes: Vec<(&str, i64)> = d
            .errors_by_status_code
            .iter()
            .map(|c| (c.status_code.as_str(), c.count))
            .collect();
        assert_eq!(codes, [("500", 1)]);
        let countries: Vec<&str> = d.top_countries.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(countries, ["DE", "US"]);
        assert_eq!(
            series(&window, &cells).iter().map(|p| p.calls).sum::<i64>(),
            8
        );
    }

    #[test]
    fn anomalies_use_the_days_before_the_window() {
        let window = Window::dashboard("7d", None, None, now()).unwrap_or_else(|e| panic!("{e:?}"));
        let first = anomaly_days_start(&window);
        let days: Vec<DayPoint> = (0..14)
            .map(|i| DayPoint {
                day: first + chrono::Duration::days(i),
                totals: Totals {
                    // Day 13 is today, unfinished: never flagged.
                    calls: if i == 10 || i == 13 { 500 } else { 100 + i % 3 },
                    ..Totals::default()
                },
            })
            .collect();
        let input = DashboardInput {
            days,
            ..DashboardInput::default()
        };
        let d = build(window, input, now());
        let flagged: Vec<(NaiveDate, &str)> = d
            .anomalies
            .iter()
            .map(|a| (a.day, a.metric.as_str()))
            .collect();
        assert_eq!(flagged, [(first + chrono::Duration::days(10), "calls")]);
    }
}
