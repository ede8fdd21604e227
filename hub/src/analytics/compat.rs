//! The seed documents' dashboard payloads (seed 002's dashboard, seed 004's telemetry), mapped
//! from the native [`Dashboard`] so both come from the same analytics and can never disagree
//! with `GET /dashboard`. Pure mapping; the web layer fetches the inputs.
//!
//! The seeds' frontends expect numbers where the native payload may hold `null` (nothing to
//! average, no previous period): the mapping writes 0 there. docs/compat.md lists every field.

use chrono::{DateTime, Utc};
use protocol::analytics::Dashboard;
use protocol::compat::{
    CountryRequests, LabelValue, NamedRequests, RequestSeries, SeedDashboard, Telemetry,
    TelemetryCost, TelemetryDomain, TelemetryHour, TelemetryLive, TelemetryModel,
    TelemetryOverview, TelemetryPerformance, TelemetryTokens, ValueSeries,
};
use protocol::sessions::LiveSessions;

use super::dashboard::{series, Cell};
use super::window::{Window, WindowExt};
use crate::units::nanos_to_usd;

/// The seed-002 dashboard of `range` (echoed) from the native dashboard.
pub fn seed_dashboard(range: &str, d: &Dashboard) -> SeedDashboard {
    SeedDashboard {
        range: range.to_owned(),
        generated_at: d.generated_at,
        requests: RequestSeries {
            timestamps: d.requests_over_time.iter().map(|p| p.bucket).collect(),
            success: d.requests_over_time.iter().map(|p| p.success).collect(),
            error: d.requests_over_time.iter().map(|p| p.error).collect(),
        },
        errors_breakdown: d
            .errors_by_status_code
            .iter()
            .map(|c| LabelValue {
                label: c.status_code.clone(),
                value: c.count,
            })
            .collect(),
        top_models: d
            .top_models
            .iter()
            .map(|m| NamedRequests {
                name: m.model.clone(),
                requests: m.calls,
            })
            .collect(),
        costs: ValueSeries {
            timestamps: d.costs_over_time.iter().map(|p| p.bucket).collect(),
            value: d.costs_over_time.iter().map(|p| p.cost).collect(),
        },
        top_countries: d
            .top_countries
            .iter()
            .map(|c| CountryRequests {
                country_code: c.label.clone(),
                requests: c.calls,
            })
            .collect(),
        latency: ValueSeries {
            timestamps: d.latency_over_time.iter().map(|p| p.bucket).collect(),
            value: d
                .latency_over_time
                .iter()
                .map(|p| p.p95.map_or(0.0, |v| v as f64))
                .collect(),
        },
    }
}

/// Calls, errors and cost of one label value in one rollup bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelBucket {
    pub bucket: DateTime<Utc>,
    pub calls: i64,
    pub errors: i64,
    pub cost_nanos: i64,
}

/// Every hour of `window` (the last 24 hours) with the calls and cost of `cells`.
pub fn hourly_trend(window: &Window, cells: &[Cell]) -> Vec<TelemetryHour> {
    series(window, cells)
        .into_iter()
        .map(|p| TelemetryHour {
            hour: p.bucket,
            requests: p.calls,
            cost: p.cost,
        })
        .collect()
}

/// Every hour of `window` with the calls and cost of one label's hourly `buckets`.
pub fn hourly_trend_of_label(window: &Window, buckets: &[LabelBucket]) -> Vec<TelemetryHour> {
    window
        .buckets()
        .into_iter()
        .map(|hour| {
            let (calls, cost_nanos) = buckets
                .iter()
                .filter(|b| b.bucket == hour)
                .fold((0_i64, 0_i64), |(c, n), b| {
                    (c.saturating_add(b.calls), n.saturating_add(b.cost_nanos))
                });
            TelemetryHour {
                hour,
                requests: calls,
                cost: nanos_to_usd(cost_nanos),
            }
        })
        .collect()
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 * 100.0 / whole as f64
    } else {
        0.0
    }
}

/// The seed-004 telemetry from the native dashboard of its window, the hourly trend of the
/// last 24 hours and the active sessions. With a domain filter, `domain` holds that domain's
/// buckets of the window: the overview's requests, rates and cost and `cost.total` count only
/// them (the hourly trend must then be [`hourly_trend_of_label`]); every other field covers all
/// domains, because its rollups are not split by domain.
pub fn telemetry(
    d: &Dashboard,
    domain: Option<&[LabelBucket]>,
    hourly_trend: Vec<TelemetryHour>,
    live: LiveSessions,
) -> Telemetry {
    let s = &d.summary;
    let (calls, errors, cost) = match domain {
        Some(buckets) => {
            let (calls, errors, nanos) = buckets.iter().fold((0_i64, 0_i64, 0_i64), |acc, b| {
                (
                    acc.0.saturating_add(b.calls),
                    acc.1.saturating_add(b.errors),
                    acc.2.saturating_add(b.cost_nanos),
                )
            });
            (calls, errors, nanos_to_usd(nanos))
        }
        None => (s.calls, s.errors, s.total_cost),
    };
    let trend = match d.trend.cost_change_pct {
        Some(change) if change > 0.0 => "up",
        Some(change) if change < 0.0 => "down",
        _ => "flat",
    };
    let tokens = s.tokens_in.saturating_add(s.tokens_out);
    Telemetry {
        overview: TelemetryOverview {
            total_requests: calls,
            successful_requests: calls - errors,
            failed_requests: errors,
            success_rate: percent(calls - errors, calls),
            error_rate: percent(errors, calls),
            total_cost: cost,
            avg_latency_ms: s.avg_latency_ms.unwrap_or(0.0),
        },
        cost: TelemetryCost {
            total: cost,
            projected_daily: d.projection.projected_today,
            projected_monthly: d.projection.projected_month,
            per_hour: d.projection.daily_run_rate / 24.0,
            trend: trend.to_owned(),
        },
        tokens: TelemetryTokens {
            input: s.tokens_in,
            output: s.tokens_out,
            total: tokens,
            per_request: if s.calls > 0 {
                tokens as f64 / s.calls as f64
            } else {
                0.0
            },
        },
        performance: TelemetryPerformance {
            avg_latency_ms: s.avg_latency_ms.unwrap_or(0.0),
            p50: s.latency.p50.unwrap_or(0),
            p95: s.latency.p95.unwrap_or(0),
            p99: s.latency.p99.unwrap_or(0),
        },
        model_usage: d
            .top_models
            .iter()
            .map(|m| TelemetryModel {
                model: m.model.clone(),
                requests: m.calls,
                cost: m.cost,
                percentage: percent(m.calls, s.calls),
            })
            .collect(),
        domain_breakdown: d
            .top_domains
            .iter()
            .map(|l| TelemetryDomain {
                domain: l.label.clone(),
                requests: l.calls,
                cost: l.cost,
                percentage: percent(l.calls, s.calls),
            })
            .collect(),
        hourly_trend,
        live: TelemetryLive {
            active_sessions: live.count,
            sessions_data: live.sessions,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::dashboard::{build, DashboardInput};
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 11, 14, 30, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_seed_dashboard_has_parallel_arrays_and_zero_for_missing_latency() {
        let window = Window::dashboard("24h", None, None, now()).unwrap_or_else(|e| panic!("{e}"));
        let d = build(window, DashboardInput::default(), now());
        let seed = seed_dashboard("24h", &d);
        assert_eq!(seed.requests.timestamps.len(), 24);
        assert_eq!(seed.requests.success.len(), 24);
        assert_eq!(seed.costs.value.len(), 24);
        assert_eq!(seed.latency.value, vec![0.0; 24]);
        assert_eq!(seed.range, "24h");
    }

    #[test]
    fn a_domain_filter_narrows_the_overview_and_the_hourly_trend() {
        let window = Window::dashboard("24h", None, None, now()).unwrap_or_else(|e| panic!("{e}"));
        let d = build(window, DashboardInput::default(), now());
        let hour = window.buckets()[23];
        let buckets = [
            LabelBucket {
                bucket: hour,
                calls: 4,
                errors: 1,
                cost_nanos: 2_000_000_000,
            },
            LabelBucket {
                bucket: window.buckets()[0],
                calls: 0,
                errors: 0,
                cost_nanos: 0,
            },
        ];
        let trend = hourly_trend_of_label(&window, &buckets);
        assert_eq!(trend.len(), 24);
        assert_eq!((trend[23].requests, trend[23].cost), (4, 2.0));
        let t = telemetry(
            &d,
            Some(&buckets),
            trend,
            LiveSessions {
                count: 0,
                sessions: Vec::new(),
            },
        );
        assert_eq!(t.overview.total_requests, 4);
        assert_eq!(t.overview.error_rate, 25.0);
        assert_eq!(t.cost.total, 2.0);
        assert_eq!(t.cost.trend, "flat");
        assert_eq!(t.tokens.per_request, 0.0);
    }
}
