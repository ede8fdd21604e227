use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;
use crate::testing::call;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn call_at(text: &str) -> Sample {
    Sample {
        ts: at(text),
        ..call(None)
    }
}

fn daily(day: &str) -> Sample {
    Sample {
        ts: at(&format!("{day}T00:00:00Z")),
        kind: SampleKind::Daily,
        calls: 10,
        ..call(None)
    }
}

#[test]
fn buckets_start_on_the_minute_hour_and_utc_midnight() {
    let ts = at("2026-11-20T13:47:12.5Z");
    assert_eq!(bucket_start(ts, MINUTE), at("2026-11-20T13:47:00Z"));
    assert_eq!(bucket_start(ts, HOUR), at("2026-11-20T13:00:00Z"));
    assert_eq!(bucket_start(ts, DAY), at("2026-11-20T00:00:00Z"));
    assert_eq!(
        bucket_start(at("2026-11-20T13:00:00Z"), HOUR),
        at("2026-11-20T13:00:00Z")
    );
    // Before the epoch the bucket is still the one below, not the one nearer zero.
    let early = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 30).single();
    let minute = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 0).single();
    assert_eq!(early.map(|t| bucket_start(t, MINUTE)), minute);
}

#[test]
fn calls_go_by_minute_hour_and_day_daily_records_by_day_only() {
    let samples = [
        call_at("2026-11-20T13:47:12Z"),
        call_at("2026-11-20T13:47:59Z"),
        call_at("2026-11-20T14:02:00Z"),
        daily("2026-11-20"),
    ];
    let refs: Vec<&Sample> = samples.iter().collect();
    let rollups = usage(&refs);
    let times: Vec<(i32, DateTime<Utc>, i64)> = rollups
        .times
        .iter()
        .map(|(&(w, b), t)| (w, b, t.calls))
        .collect();
    assert_eq!(
        times,
        vec![
            (MINUTE, at("2026-11-20T13:47:00Z"), 2),
            (MINUTE, at("2026-11-20T14:02:00Z"), 1),
            (HOUR, at("2026-11-20T13:00:00Z"), 2),
            (HOUR, at("2026-11-20T14:00:00Z"), 1),
        ]
    );
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let totals = rollups.days.get(&day).copied().unwrap_or_default();
    assert_eq!((totals.samples, totals.calls), (4, 13));
    assert_eq!(rollups.days.len(), 1);
}

#[test]
fn breakdowns_split_by_model_and_status_and_count_labels_of_calls_only() {
    let with_latency = Sample {
        model: Some("gpt-4o".into()),
        status: Some("error".into()),
        status_code: Some(500),
        country: Some("DE".into()),
        latency_ms: Some(120),
        ..call_at("2026-11-20T13:47:12Z")
    };
    let without = call_at("2026-11-20T13:10:00Z");
    let day_record = Sample {
        domain: Some("support".into()),
        ..daily("2026-11-20")
    };
    let samples = [with_latency, without, day_record];
    let refs: Vec<&Sample> = samples.iter().collect();
    let out = breakdowns(&refs);
    let hour = at("2026-11-20T13:00:00Z");
    let midnight = at("2026-11-20T00:00:00Z");
    let keys: Vec<_> = out.by_model_status.keys().cloned().collect();
    assert_eq!(
        keys,
        vec![
            (HOUR, hour, String::new(), String::new()),
            (HOUR, hour, "gpt-4o".into(), "error".into()),
            (DAY, midnight, String::new(), String::new()),
            (DAY, midnight, "gpt-4o".into(), "error".into()),
        ]
    );
    let unlabelled_day = &out.by_model_status[&(DAY, midnight, String::new(), String::new())];
    // The plain call and the daily record share the day row; neither reported a latency.
    assert_eq!(unlabelled_day.totals.calls, 11);
    assert_eq!(unlabelled_day.latency_calls, 0);
    let labelled = &out.by_model_status[&(HOUR, hour, "gpt-4o".into(), "error".into())];
    assert_eq!((labelled.latency_calls, labelled.latency_sum_ms), (1, 120));
    let labels: Vec<_> = out
        .by_label
        .keys()
        .map(|(w, _, d, l)| (*w, *d, l.as_str()))
        .collect();
    // The daily record's domain is not a label: labels count calls.
    assert_eq!(
        labels,
        vec![
            (HOUR, "country", "DE"),
            (HOUR, "status_code", "500"),
            (DAY, "country", "DE"),
            (DAY, "status_code", "500"),
        ]
    );
}
