//! Daily metrics: storing, reading back, rolling averages, totals, idempotent retries.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp, TestUser};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

async fn metrics_of(app: &TestApp, user: &TestUser, assistant: i64, query: &str) -> Value {
    let response = app
        .get(
            &format!("/api/v1/assistants/{assistant}/metrics?{query}"),
            Some(&user.token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

#[actix_web::test]
async fn a_posted_day_reads_back_with_a_derived_average() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let response = app
        .post_daily(
            &user,
            assistant,
            &json!({"date": "2026-01-10", "call_count": 4, "total_minutes": 10.5,
                    "total_cost": 1.0, "avg_call_cost": 0.25}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_of(response).await;
    assert_eq!(body["duplicate"], false);
    assert_eq!(body["recorded"]["avgCallCost"], 0.25);

    let range = metrics_of(&app, &user, assistant, "start=2026-01-01&end=2026-01-31").await;
    assert_eq!(
        range["metrics"],
        json!([{"date": "2026-01-10", "callCount": 4, "errorCount": 0, "totalMinutes": 10.5,
                "totalCost": 1.0, "avgCallCost": 0.25}])
    );
    let outside = metrics_of(&app, &user, assistant, "start=2026-01-11&end=2026-01-31").await;
    assert_eq!(outside["metrics"], json!([]));
}

#[actix_web::test]
async fn two_posts_for_one_day_add_up_exactly() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    for (calls, cost) in [(1, 0.1), (2, 0.2)] {
        let response = app
            .post_daily(
                &user,
                assistant,
                &json!({"date": "2026-02-01", "callCount": calls, "totalMinutes": 1.0, "totalCost": cost}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let range = metrics_of(&app, &user, assistant, "start=2026-02-01&end=2026-02-01").await;
    assert_eq!(range["metrics"][0]["callCount"], 3);
    // 0.1 + 0.2 in floating point is 0.30000000000000004; stored in nano-dollars it is 0.3.
    assert_eq!(range["metrics"][0]["totalCost"], 0.3);
    assert_eq!(range["metrics"][0]["totalMinutes"], 2.0);
}

#[actix_web::test]
async fn a_retried_client_id_is_stored_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let body = json!({"date": "2026-03-01", "callCount": 5, "totalMinutes": 2.0,
                      "totalCost": 0.5, "clientId": "export-2026-03-01"});
    let first = app.post_daily(&user, assistant, &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let second = app.post_daily(&user, assistant, &body).await;
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(json_of(second).await["duplicate"], true);
    let range = metrics_of(&app, &user, assistant, "start=2026-03-01&end=2026-03-01").await;
    assert_eq!(range["metrics"][0]["callCount"], 5);

    // The same client id on another assistant is a different sample.
    let other = app.new_assistant(&user, "Other").await;
    let third = app.post_daily(&user, other, &body).await;
    assert_eq!(third.status(), StatusCode::CREATED);
}

/// Independent rolling average: for each day, the mean over the `window` days ending on it,
/// missing days counting as zero.
fn expected_rolling(
    data: &BTreeMap<NaiveDate, (i64, f64, f64)>,
    start: NaiveDate,
    end: NaiveDate,
    window: u64,
) -> Vec<(NaiveDate, f64, f64, f64, f64)> {
    let mut out = Vec::new();
    let mut date = start;
    while date <= end {
        let (mut calls, mut minutes, mut cost) = (0i64, 0.0, 0.0);
        for back in 0..window {
            let d = date.checked_sub_days(Days::new(back)).unwrap_or(date);
            if let Some((c, m, k)) = data.get(&d) {
                calls += c;
                minutes += m;
                cost += k;
            }
        }
        let w = window as f64;
        let per_call = if calls == 0 { 0.0 } else { cost / calls as f64 };
        out.push((date, calls as f64 / w, minutes / w, cost / w, per_call));
        date = date.checked_add_days(Days::new(1)).unwrap_or(date);
    }
    out
}

#[actix_web::test]
async fn rolling_average_counts_missing_days_as_zero() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    // A series with gaps, including data before the requested range and a gap longer than
    // the window.
    let mut data = BTreeMap::new();
    for (date, calls, minutes, cost) in [
        ("2026-04-01", 10, 5.0, 1.0),
        ("2026-04-03", 20, 7.5, 2.5),
        ("2026-04-04", 7, 1.25, 0.7),
        ("2026-04-09", 3, 0.5, 0.03),
        ("2026-04-20", 100, 60.0, 12.0),
        ("2026-04-21", 1, 0.1, 0.001),
    ] {
        data.insert(day(date), (calls, minutes, cost));
        let response = app
            .post_daily(
                &user,
                assistant,
                &json!({"date": date, "callCount": calls, "totalMinutes": minutes, "totalCost": cost}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    for window in [1u64, 3, 7, 30] {
        let (start, end) = (day("2026-04-02"), day("2026-04-25"));
        let response = app
            .get(
                &format!(
                    "/api/v1/assistants/{assistant}/metrics/rolling-avg?days={window}&start={start}&end={end}"
                ),
                Some(&user.token),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json_of(response).await;
        assert_eq!(body["windowDays"], window);
        let points = body["points"].as_array().cloned().unwrap_or_default();
        let expected = expected_rolling(&data, start, end, window);
        assert_eq!(
            points.len(),
            expected.len(),
            "one point per day, window {window}"
        );
        for (point, (date, calls, minutes, cost, per_call)) in points.iter().zip(expected) {
            assert_eq!(point["date"], date.to_string());
            let got = |key: &str| point[key].as_f64().unwrap_or(f64::NAN);
            assert!(
                close(got("avgCallCount"), calls),
                "{date} w{window}: {point}"
            );
            assert!(
                close(got("avgTotalMinutes"), minutes),
                "{date} w{window}: {point}"
            );
            assert!(
                close(got("avgTotalCost"), cost),
                "{date} w{window}: {point}"
            );
            assert!(
                close(got("avgCallCost"), per_call),
                "{date} w{window}: {point}"
            );
        }
    }
}

#[actix_web::test]
async fn totals_and_daily_averages_match_the_posted_days() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let b = app.new_assistant(&user, "B").await;
    let idle = app.new_assistant(&user, "Idle").await;
    let posts = [
        (a, "2026-05-01", 10, 3.0, 1.5),
        (a, "2026-05-05", 30, 9.0, 4.5),
        (b, "2026-05-02", 4, 1.0, 0.04),
        (a, "2026-06-01", 99, 1.0, 1.0), // outside the range
    ];
    for (assistant, date, calls, minutes, cost) in posts {
        let response = app
            .post_daily(
                &user,
                assistant,
                &json!({"date": date, "callCount": calls, "totalMinutes": minutes, "totalCost": cost}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let query = "start=2026-05-01&end=2026-05-10";
    let summary = json_of(
        app.get(
            &format!("/api/v1/assistants/{a}/metrics/summary?{query}"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(summary["days"], 10);
    assert_eq!(summary["daysWithData"], 2);
    assert_eq!(summary["totals"]["callCount"], 40);
    assert_eq!(summary["totals"]["totalCost"], 6.0);
    assert_eq!(summary["totals"]["avgCallCost"], 0.15);
    assert_eq!(summary["dailyAverage"]["callCount"], 4.0);
    assert_eq!(summary["dailyAverage"]["totalMinutes"], 1.2);

    let totals = json_of(
        app.get(
            &format!("/api/v1/metrics/totals?{query}"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let per: Vec<(i64, i64)> = totals["assistants"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|s| {
                    (
                        s["assistantId"].as_i64().unwrap_or(-1),
                        s["totals"]["callCount"].as_i64().unwrap_or(-1),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(per, vec![(a, 40), (b, 4), (idle, 0)]);
}

#[actix_web::test]
async fn the_default_range_is_the_last_30_days() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let body = metrics_of(&app, &user, assistant, "").await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(body["end"], today.to_string());
    assert_eq!(
        body["start"],
        today
            .checked_sub_days(Days::new(29))
            .unwrap_or(today)
            .to_string()
    );
}

#[actix_web::test]
async fn series_can_be_filtered_by_status_and_model() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let day_one = "2026-07-01T10:00:00Z";
    let day_two = "2026-07-03T10:00:00Z";
    let events = json!([
        {"ts": day_one, "model": "gpt-4o", "statusCode": 200, "cost": 1.0},
        {"ts": day_one, "model": "gpt-4o", "statusCode": 500, "cost": 2.0},
        {"ts": day_one, "model": "gpt-4o-mini", "statusCode": 200, "cost": 4.0},
        {"ts": day_two, "model": "gpt-4o-mini", "status": "error", "cost": 8.0},
    ]);
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &events,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // A daily record has no model or status: it counts only when nothing is filtered.
    let daily = app
        .post_daily(
            &user,
            assistant,
            &json!({"date": "2026-07-01", "callCount": 10, "totalMinutes": 1.0, "totalCost": 16.0}),
        )
        .await;
    assert_eq!(daily.status(), StatusCode::CREATED);

    let range = "start=2026-07-01&end=2026-07-03";
    let calls_per_day = |body: &Value| -> Vec<(String, i64, f64)> {
        body["metrics"]
            .as_array()
            .map(|days| {
                days.iter()
                    .map(|d| {
                        (
                            d["date"].as_str().unwrap_or_default().to_owned(),
                            d["callCount"].as_i64().unwrap_or(-1),
                            d["totalCost"].as_f64().unwrap_or(-1.0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let all = metrics_of(&app, &user, assistant, range).await;
    assert_eq!(
        calls_per_day(&all),
        vec![
            ("2026-07-01".into(), 13, 23.0),
            ("2026-07-03".into(), 1, 8.0)
        ]
    );
    let errors = metrics_of(&app, &user, assistant, &format!("{range}&status=error")).await;
    assert_eq!(
        calls_per_day(&errors),
        vec![("2026-07-01".into(), 1, 2.0), ("2026-07-03".into(), 1, 8.0)]
    );
    let mini = metrics_of(
        &app,
        &user,
        assistant,
        &format!("{range}&model=gpt-4o-mini"),
    )
    .await;
    assert_eq!(
        calls_per_day(&mini),
        vec![("2026-07-01".into(), 1, 4.0), ("2026-07-03".into(), 1, 8.0)]
    );
    let both = metrics_of(
        &app,
        &user,
        assistant,
        &format!("{range}&model=gpt-4o&status=success"),
    )
    .await;
    assert_eq!(calls_per_day(&both), vec![("2026-07-01".into(), 1, 1.0)]);

    let summary = json_of(
        app.get(
            &format!("/api/v1/assistants/{assistant}/metrics/summary?{range}&status=error"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(summary["totals"]["callCount"], 2);
    assert_eq!(summary["totals"]["totalCost"], 10.0);
    assert_eq!(summary["daysWithData"], 2);

    let rolling = json_of(
        app.get(
            &format!("/api/v1/assistants/{assistant}/metrics/rolling-avg?days=3&{range}&model=gpt-4o-mini"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let averages: Vec<f64> = rolling["points"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|x| x["avgCallCount"].as_f64())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(averages.len(), 3);
    assert!(
        close(averages[0], 1.0 / 3.0)
            && close(averages[1], 1.0 / 3.0)
            && close(averages[2], 2.0 / 3.0),
        "{averages:?}"
    );

    let bad = app
        .get(
            &format!("/api/v1/assistants/{assistant}/metrics?status=maybe"),
            Some(&user.token),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
