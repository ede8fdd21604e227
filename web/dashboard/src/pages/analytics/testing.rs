//! A small dashboard payload for the analytics page's unit tests: two days, one anomaly, a
//! previous period to compare with.

use chrono::{DateTime, NaiveDate, Utc};
use protocol::analytics::{
    Anomaly, Comparison, CostPoint, Dashboard, Granularity, Kpis, LatencyPoint, ModelUsage,
    RequestsPoint, TokensPoint, Window,
};

fn at(day: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// Two days: none on the first, two calls (one failed, $0.50) on the second.
pub fn payload() -> Dashboard {
    let summary = Kpis {
        runs: 2,
        calls: 2,
        successes: 1,
        errors: 1,
        success_rate: Some(0.5),
        total_cost: 0.5,
        cost_per_run: Some(0.25),
        tokens_in: 10,
        tokens_out: 30,
        ..Kpis::default()
    };
    let previous = Kpis {
        calls: 4,
        successes: 3,
        errors: 1,
        success_rate: Some(0.75),
        ..Kpis::default()
    };
    Dashboard {
        window: Window {
            start: at(1),
            end: at(3),
            granularity: Granularity::Day,
        },
        assistants: vec![1],
        status: None,
        model: None,
        domain: None,
        summary,
        trend: Default::default(),
        comparison: Comparison {
            current: summary,
            previous,
        },
        projection: Default::default(),
        requests_over_time: vec![
            RequestsPoint {
                bucket: at(1),
                success: 0,
                error: 0,
            },
            RequestsPoint {
                bucket: at(2),
                success: 1,
                error: 1,
            },
        ],
        costs_over_time: vec![
            CostPoint {
                bucket: at(1),
                cost: 0.0,
            },
            CostPoint {
                bucket: at(2),
                cost: 0.5,
            },
        ],
        latency_over_time: [1, 2]
            .map(|d| LatencyPoint {
                bucket: at(d),
                avg: None,
                p50: None,
                p95: None,
                p99: None,
            })
            .to_vec(),
        tokens_over_time: vec![
            TokensPoint {
                bucket: at(1),
                tokens_in: 0,
                tokens_out: 0,
            },
            TokensPoint {
                bucket: at(2),
                tokens_in: 10,
                tokens_out: 30,
            },
        ],
        errors_by_status_code: Vec::new(),
        top_models: vec![
            ModelUsage {
                model: "gpt-4o".into(),
                calls: 2,
                errors: 1,
                cost: 0.5,
                tokens_in: 10,
                tokens_out: 30,
                latency: Default::default(),
            },
            ModelUsage {
                model: String::new(),
                calls: 0,
                errors: 0,
                cost: 0.0,
                tokens_in: 0,
                tokens_out: 0,
                latency: Default::default(),
            },
        ],
        top_countries: Vec::new(),
        top_domains: Vec::new(),
        anomalies: vec![Anomaly {
            day: at(2).date_naive(),
            metric: "calls".into(),
            value: 2.0,
            trailing_mean: 1.0,
            trailing_stddev: 0.5,
            direction: "high".into(),
        }],
        generated_at: at(3),
    }
}
