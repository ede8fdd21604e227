//! Storage per table and the retention cleanup, through the admin API: raw samples and minute
//! rollups past their periods go, and the dashboards, summaries, series and daily metrics of
//! those old periods answer exactly as before.

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::budgets::ingest;
use crate::helpers::{
    assert_problem, json_of, spawn_with, test_settings, TestApp, TestDatabase, TestUser,
};

/// A hub with the documented default periods (90 days raw, 14 days minute rollups). Its job's
/// first pass comes long after the test (see `web::retention`), so only the API cleans up.
async fn spawn_with_retention() -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.retention.raw_sample_days = 90;
    settings.retention.minute_rollup_days = 14;
    settings.retention.interval_seconds = 3_600;
    spawn_with(database, settings).await
}

/// `path` answered afresh (past the payload cache).
async fn fresh(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(&user.token)
        .header("Cache-Control", "no-cache")
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    json_of(response).await
}

/// What a user sees of `day`: the dashboard, the summary, an hourly series, the daily metrics.
async fn views_of(app: &TestApp, user: &TestUser, a: i64, day: NaiveDate) -> Vec<Value> {
    let mut views = Vec::new();
    for path in [
        format!("/api/v1/dashboard?range=custom&start={day}&end={day}"),
        format!("/api/v1/summary?start={day}&end={day}"),
        format!("/api/v1/timeseries?start={day}&end={day}&granularity=hour"),
        format!("/api/v1/summary?start={day}&end={day}&model=gpt-4o"),
        format!("/api/v1/assistants/{a}/metrics?start={day}&end={day}"),
    ] {
        let mut view = fresh(app, user, &path).await;
        // When the answer was made, and this month's projection, move with the clock.
        if let Some(fields) = view.as_object_mut() {
            fields.remove("generatedAt");
            fields.remove("projection");
        }
        views.push(view);
    }
    views
}

/// Asserts the views are equal, naming the first that differs (they are long).
fn assert_same(after: &[Value], before: &[Value], what: &str) {
    assert_eq!(after.len(), before.len());
    for (i, (a, b)) in after.iter().zip(before).enumerate() {
        assert!(a == b, "{what}: view {i} changed\nbefore: {b}\nafter:  {a}");
    }
}

fn calls_at(day: NaiveDate, hour: u32, n: u32) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let ts = day.and_hms_opt(hour, i % 60, 0).unwrap_or_default().and_utc();
            json!({"ts": ts.to_rfc3339(), "model": "gpt-4o", "cost": 0.01,
                   "latencyMs": 100 + i, "tokensIn": 10, "status": if i == 0 { "error" } else { "success" }})
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.database.count(sql).await
}

const RAW: &str = "SELECT count(*) AS n FROM usage_samples";
const MINUTES: &str = "SELECT count(*) AS n FROM time_rollups WHERE width_seconds = 60";
const HOURS: &str = "SELECT count(*) AS n FROM time_rollups WHERE width_seconds = 3600";

#[actix_web::test]
async fn cleanup_drops_old_raw_samples_and_minute_rollups_and_old_dashboards_do_not_change() {
    let app = spawn_with_retention().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let today = Utc::now().date_naive();
    let ancient = today - Duration::days(120); // past both periods
    let month_old = today - Duration::days(30); // raw kept, minute rollups past 14 days
    ingest(&app, &user, a, &calls_at(ancient, 9, 5)).await;
    ingest(&app, &user, a, &calls_at(ancient, 15, 3)).await;
    ingest(&app, &user, a, &calls_at(month_old, 10, 4)).await;
    ingest(&app, &user, a, &[json!({"model": "gpt-4o", "cost": 0.02})]).await;
    assert_eq!(count(&app, RAW).await, 13);
    let minutes_before = count(&app, MINUTES).await;
    let hours_before = count(&app, HOURS).await;
    let ancient_before = views_of(&app, &user, a, ancient).await;
    let month_old_before = views_of(&app, &user, a, month_old).await;
    assert_eq!(
        ancient_before[1]["kpis"]["calls"], 8,
        "{}",
        ancient_before[1]
    );

    let run = "/api/v1/admin/retention/run";
    assert_problem(
        app.post(run, Some(&user.token), &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        count(&app, RAW).await,
        13,
        "a refused cleanup deletes nothing"
    );

    let response = app.post(run, Some(&admin.token), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report = json_of(response).await;
    assert_eq!(report["rawSamplesDropped"], 8, "{report}");
    // Minute buckets of the ancient day (8) and of the month-old day (4).
    assert_eq!(report["minuteRollupsDropped"], 12, "{report}");
    assert_eq!(report["timescaledb"], false);
    let raw_cutoff: chrono::DateTime<Utc> =
        serde_json::from_value(report["rawCutoff"].clone()).unwrap_or_default();
    assert!(
        (Utc::now() - Duration::days(90) - raw_cutoff)
            .num_seconds()
            .abs()
            < 60
    );

    assert_eq!(count(&app, RAW).await, 5);
    assert_eq!(count(&app, MINUTES).await, minutes_before - 12);
    assert_eq!(count(&app, HOURS).await, hours_before, "hour rollups stay");
    assert_same(
        &views_of(&app, &user, a, ancient).await,
        &ancient_before,
        "120 days old",
    );
    assert_same(
        &views_of(&app, &user, a, month_old).await,
        &month_old_before,
        "30 days old",
    );

    let again = json_of(app.post(run, Some(&admin.token), &json!({})).await).await;
    assert_eq!(
        (&again["rawSamplesDropped"], &again["minuteRollupsDropped"]),
        (&json!(0), &json!(0))
    );
}

#[actix_web::test]
async fn storage_lists_every_table_with_rows_and_bytes_for_admins_only() {
    let app = spawn_with_retention().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    ingest(
        &app,
        &user,
        a,
        &[json!({"cost": 0.1}), json!({"cost": 0.2})],
    )
    .await;

    assert_problem(
        app.get("/api/v1/admin/storage", Some(&user.token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let storage = json_of(app.get("/api/v1/admin/storage", Some(&admin.token)).await).await;
    assert_eq!(
        storage["retention"],
        json!({"rawSampleDays": 90, "minuteRollupDays": 14})
    );
    assert_eq!(storage["timescaledb"], false);
    let tables = storage["tables"].as_array().cloned().unwrap_or_default();
    let row = |name: &str| {
        tables
            .iter()
            .find(|t| t["table"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing from {storage}"))
    };
    let samples = row("usage_samples");
    assert_eq!(
        (&samples["rows"], &samples["rowsExact"]),
        (&json!(2), &json!(true))
    );
    assert_eq!(row("users")["rows"], 2);
    assert_eq!(
        row("time_rollups")["rows"],
        2,
        "one minute and one hour bucket"
    );
    for table in &tables {
        assert!(table["bytes"].as_i64().unwrap_or(0) > 0, "{table}");
        assert!(
            !table["table"].as_str().unwrap_or("__").starts_with("__"),
            "{table}"
        );
    }
    let bytes: Vec<i64> = tables.iter().filter_map(|t| t["bytes"].as_i64()).collect();
    assert!(
        bytes.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {bytes:?}"
    );
}
