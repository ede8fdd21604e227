//! Widget settings parsed into their kinds, and a widget's [`ChartView`] built from what the
//! chart queries (`persistence::postgres::queries::charts`) computed in SQL.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use hub::ValidationErrors;
use persistence::postgres::models::{Source, Widget};
use persistence::postgres::queries::charts::{self, Aggregate, Bucket, Row};
use protocol::sources::{ChartView, KpiView, SeriesConfig};
use serde_json::{Map, Value};

/// Most raw points a chart without aggregation shows (the newest).
pub const MAX_RAW_POINTS: i64 = 5_000;
/// Most dimensions one widget plots.
pub const MAX_DIMENSIONS: usize = 10;

const COLORS: [&str; 8] = [
    "#4f46e5", "#10b981", "#f59e0b", "#ef4444", "#06b6d4", "#8b5cf6", "#ec4899", "#84cc16",
];

pub const CHART_TYPES: [&str; 5] = ["line", "bar", "area", "pie", "kpi"];
pub const DATE_RANGES: [&str; 4] = ["7d", "30d", "90d", "all"];
pub const AGGREGATIONS: [&str; 4] = ["none", "sum", "avg", "max"];
pub const BUCKETS: [&str; 3] = ["day", "week", "month"];

/// Records an error on `field` unless `value` is one of `allowed`.
pub fn check_one_of(errors: &mut ValidationErrors, field: &str, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        errors.add(field, format!("must be one of {}", allowed.join(", ")));
    }
}

/// Records errors on `dimensions` unless they are at most ten distinct keys of 1–100 chars.
pub fn check_dimensions(errors: &mut ValidationErrors, keys: &[String]) {
    let distinct: std::collections::BTreeSet<&String> = keys.iter().collect();
    if keys.len() > MAX_DIMENSIONS || distinct.len() != keys.len() {
        errors.add(
            "dimensions",
            format!("at most {MAX_DIMENSIONS} distinct dimension keys"),
        );
    }
    for key in keys {
        errors.check_text("dimensions", key, 100);
        // A chart row holds `date` and `value` itself; a dimension must not overwrite them.
        if matches!(key.as_str(), "date" | "value") {
            errors.add(
                "dimensions",
                format!("`{key}` names the chart's own column"),
            );
        }
    }
}

fn start_of(range: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let days = match range {
        "7d" => 7,
        "30d" => 30,
        "90d" => 90,
        _ => return None,
    };
    Some(now - Duration::days(days))
}

fn aggregate_of(name: &str) -> Option<Aggregate> {
    match name {
        "sum" => Some(Aggregate::Sum),
        "avg" => Some(Aggregate::Avg),
        "max" => Some(Aggregate::Max),
        _ => None,
    }
}

/// The start of the bucket holding `at` (UTC; weeks start on Monday, as PostgreSQL's
/// `date_trunc('week', …)`), so a range's first bucket is whole rather than a partial sum.
fn bucket_start(at: DateTime<Utc>, bucket: Bucket) -> DateTime<Utc> {
    use chrono::Datelike;
    let day = at.date_naive();
    let first = match bucket {
        Bucket::Day => day,
        Bucket::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        Bucket::Month => day.with_day(1).unwrap_or(day),
    };
    first.and_hms_opt(0, 0, 0).map_or(at, |t| t.and_utc())
}

fn bucket_of(name: &str) -> Bucket {
    match name {
        "week" => Bucket::Week,
        "month" => Bucket::Month,
        _ => Bucket::Day,
    }
}

fn number(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn row_of(row: &Row, raw: bool) -> Map<String, Value> {
    let label = if raw {
        row.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    } else {
        row.at.format("%Y-%m-%d").to_string()
    };
    let mut out = Map::new();
    out.insert("date".into(), Value::String(label));
    out.insert("value".into(), number(row.value));
    for (key, value) in &row.dimensions {
        out.insert(key.clone(), number(*value));
    }
    out
}

/// The chart of `widget` (a chart of `source`), computed now.
pub async fn compute(
    conn: &mut AsyncPgConnection,
    widget: &Widget,
    source: &Source,
    now: DateTime<Utc>,
) -> diesel::QueryResult<ChartView> {
    let keys: Vec<String> = serde_json::from_value(widget.dimensions.clone()).unwrap_or_default();
    let start = start_of(&widget.date_range, now);
    let mut kpi = None;
    let chart_data: Vec<Map<String, Value>> = if widget.chart_type == "kpi" {
        match charts::kpi(conn, source.id, start).await? {
            Some((at, newest, oldest, _)) => {
                kpi = Some(KpiView {
                    value: newest,
                    change: oldest.map(|o| newest - o),
                    at: Some(at),
                });
                let row = Row {
                    at,
                    value: newest,
                    dimensions: Vec::new(),
                };
                vec![row_of(&row, true)]
            }
            None => Vec::new(),
        }
    } else if let Some(aggregate) = aggregate_of(&widget.aggregation) {
        let bucket = bucket_of(&widget.bucket);
        let start = start.map(|s| bucket_start(s, bucket));
        charts::buckets(conn, source.id, start, bucket, aggregate, &keys)
            .await?
            .iter()
            .map(|r| row_of(r, false))
            .collect()
    } else {
        charts::raw(conn, source.id, start, &keys, MAX_RAW_POINTS)
            .await?
            .iter()
            .map(|r| row_of(r, true))
            .collect()
    };
    let mut data_keys = vec!["value".to_owned()];
    data_keys.extend(keys.iter().cloned());
    let chart_config: BTreeMap<String, SeriesConfig> = data_keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let label = if i == 0 {
                source.name.clone()
            } else {
                key.clone()
            };
            let color = COLORS[i % COLORS.len()].to_owned();
            (key.clone(), SeriesConfig { label, color })
        })
        .collect();
    Ok(ChartView {
        widget_id: widget.id,
        source_id: source.id,
        title: widget.title.clone(),
        chart_type: widget.chart_type.clone(),
        chart_data,
        chart_config,
        x_axis_key: "date".into(),
        show_legend: data_keys.len() > 1 || widget.chart_type == "pie",
        data_keys,
        date_range: widget.date_range.clone(),
        aggregation: widget.aggregation.clone(),
        bucket: widget.bucket.clone(),
        kpi,
        last_fetched_at: source.last_fetched_at,
        last_error: source.last_error.clone(),
    })
}
