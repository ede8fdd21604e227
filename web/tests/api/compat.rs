//! The seed-compatible dashboards: their key sets and JSON types equal the examples of
//! docs/compat.md, their values equal the native `/dashboard` of the same window and
//! `/sessions/live`, the domain filter against SQL, and bad parameters.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::analytics::{as_f64, events, ingest};
use crate::helpers::{assert_problem, json_of, spawn_app, TestApp, TestUser};

/// The seed-002 example of docs/compat.md.
fn seed_dashboard_example() -> Value {
    json!({
        "range": "7d",
        "generatedAt": "2026-12-02T10:15:00Z",
        "requests": {
            "timestamps": ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"],
            "success": [120, 98],
            "error": [3, 0]
        },
        "errorsBreakdown": [{"label": "500", "value": 2}, {"label": "429", "value": 1}],
        "topModels": [{"name": "gpt-4o", "requests": 150}],
        "costs": {"timestamps": ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"], "value": [1.25, 0.98]},
        "topCountries": [{"countryCode": "US", "requests": 80}],
        "latency": {"timestamps": ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"], "value": [910.5, 0.0]}
    })
}

/// The seed-004 example of docs/compat.md.
fn telemetry_example() -> Value {
    json!({
        "overview": {"totalRequests": 218, "successfulRequests": 215, "failedRequests": 3,
                     "successRate": 98.62, "errorRate": 1.38, "totalCost": 2.23, "avgLatencyMs": 812.4},
        "cost": {"total": 2.23, "projectedDaily": 0.41, "projectedMonthly": 9.8,
                 "perHour": 0.013, "trend": "up"},
        "tokens": {"input": 120000, "output": 45000, "total": 165000, "perRequest": 756.9},
        "performance": {"avgLatencyMs": 812.4, "p50": 640, "p95": 1910, "p99": 2604},
        "modelUsage": [{"model": "gpt-4o", "requests": 150, "cost": 1.9, "percentage": 68.8}],
        "domainBreakdown": [{"domain": "support", "requests": 90, "cost": 0.8, "percentage": 41.3}],
        "hourlyTrend": [{"hour": "2026-12-02T09:00:00Z", "requests": 12, "cost": 0.11}],
        "live": {
            "activeSessions": 1,
            "sessionsData": [{"sessionId": "conv-7f3a", "assistantId": 1,
                              "startedAt": "2026-12-02T10:01:00Z", "lastEventAt": "2026-12-02T10:14:30Z",
                              "uptimeSeconds": 840, "model": "gpt-4o", "calls": 6, "errors": 0,
                              "cost": 0.05, "tokensIn": 4200, "tokensOut": 1300}]
        }
    })
}

/// The JSON type of a value ("number" for integers and floats alike).
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `got` has the keys and JSON types of `example`, recursively (array elements against the
/// example's first one).
fn same_shape(got: &Value, example: &Value, path: &str) {
    assert_eq!(kind(got), kind(example), "type of {path}: {got}");
    match (got, example) {
        (Value::Object(g), Value::Object(e)) => {
            let mut gk: Vec<&String> = g.keys().collect();
            let mut ek: Vec<&String> = e.keys().collect();
            gk.sort();
            ek.sort();
            assert_eq!(gk, ek, "keys of {path}");
            for (key, value) in e {
                same_shape(&g[key], value, &format!("{path}.{key}"));
            }
        }
        (Value::Array(g), Value::Array(e)) => {
            if let Some(first) = e.first() {
                for (i, item) in g.iter().enumerate() {
                    same_shape(item, first, &format!("{path}[{i}]"));
                }
            }
        }
        _ => {}
    }
}

async fn get(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let response = app.get(path, Some(&user.token)).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    json_of(response).await
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// For projections, which move with the clock between two requests (the run rate times the
/// moments in between): equal to 0.01 %.
fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-4 * b.abs().max(1.0)
}

fn column<'a>(list: &'a Value, key: &str) -> Vec<&'a Value> {
    list.as_array()
        .map(|items| items.iter().map(|i| &i[key]).collect())
        .unwrap_or_default()
}

/// A user with two assistants' calls over the last days, some of them in sessions.
async fn populated(app: &TestApp) -> TestUser {
    let user = app.new_user().await;
    let now = Utc::now();
    for (seed, name) in [(1, "First"), (2, "Second")] {
        let assistant = app.new_assistant(&user, name).await;
        let mut calls = events(90, seed, now);
        for (i, call) in calls.iter_mut().enumerate().take(6) {
            call["sessionId"] = json!(format!("conv-{seed}-{}", i % 2));
            call["ts"] = json!(now.to_rfc3339());
        }
        ingest(app, &user, assistant, &calls).await;
    }
    user
}

#[actix_web::test]
async fn the_seed_002_dashboard_has_the_example_shape_and_the_native_numbers() {
    let app = spawn_app().await;
    let user = populated(&app).await;
    for range in ["7d", "24h"] {
        let seed = get(
            &app,
            &user,
            &format!("/api/v1/compat/dashboard?range={range}"),
        )
        .await;
        same_shape(&seed, &seed_dashboard_example(), "dashboard");
        assert_eq!(seed["range"], range);
        let native = get(&app, &user, &format!("/api/v1/dashboard?range={range}")).await;
        let buckets = column(&native["requestsOverTime"], "bucket");
        assert!(buckets.len() >= 7);
        for series in ["requests", "costs", "latency"] {
            assert_eq!(column_of(&seed[series]["timestamps"]), buckets, "{series}");
        }
        assert_eq!(
            column_of(&seed["requests"]["success"]),
            column(&native["requestsOverTime"], "success")
        );
        assert_eq!(
            column_of(&seed["requests"]["error"]),
            column(&native["requestsOverTime"], "error")
        );
        let costs = column(&native["costsOverTime"], "cost");
        let seed_costs = column_of(&seed["costs"]["value"]);
        assert_eq!(seed_costs.len(), costs.len());
        assert!(seed_costs
            .iter()
            .zip(&costs)
            .all(|(a, b)| close(as_f64(a), as_f64(b))));
        let p95: Vec<f64> = column(&native["latencyOverTime"], "p95")
            .iter()
            .map(|v| v.as_f64().unwrap_or(0.0))
            .collect();
        let seed_p95: Vec<f64> = column_of(&seed["latency"]["value"])
            .iter()
            .map(|v| as_f64(v))
            .collect();
        assert_eq!(seed_p95, p95);
        assert!(p95.iter().any(|v| *v > 0.0));
        assert_eq!(
            column(&seed["topModels"], "name"),
            column(&native["topModels"], "model")
        );
        assert_eq!(
            column(&seed["topModels"], "requests"),
            column(&native["topModels"], "calls")
        );
        assert_eq!(
            column(&seed["errorsBreakdown"], "label"),
            column(&native["errorsByStatusCode"], "statusCode")
        );
        assert_eq!(
            column(&seed["errorsBreakdown"], "value"),
            column(&native["errorsByStatusCode"], "count")
        );
        assert_eq!(
            column(&seed["topCountries"], "countryCode"),
            column(&native["topCountries"], "label")
        );
        assert_eq!(
            column(&seed["topCountries"], "requests"),
            column(&native["topCountries"], "calls")
        );
    }
}

fn column_of(list: &Value) -> Vec<&Value> {
    list.as_array()
        .map(|items| items.iter().collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn the_seed_004_telemetry_has_the_example_shape_and_the_native_numbers() {
    let app = spawn_app().await;
    let user = populated(&app).await;
    let t = get(&app, &user, "/api/v1/compat/telemetry").await;
    same_shape(&t, &telemetry_example(), "telemetry");
    let today = Utc::now().date_naive();
    let start = today - Duration::days(6);
    let native = get(
        &app,
        &user,
        &format!("/api/v1/dashboard?range=custom&start={start}&end={today}"),
    )
    .await;
    let s = &native["summary"];
    let o = &t["overview"];
    assert_eq!(o["totalRequests"], s["calls"]);
    assert_eq!(o["failedRequests"], s["errors"]);
    assert!(close(
        as_f64(&o["successRate"]),
        as_f64(&s["successRate"]) * 100.0
    ));
    assert!(close(as_f64(&o["totalCost"]), as_f64(&s["totalCost"])));
    assert!(close(
        as_f64(&o["avgLatencyMs"]),
        as_f64(&s["avgLatencyMs"])
    ));
    let p = &native["projection"];
    assert!(near(
        as_f64(&t["cost"]["projectedDaily"]),
        as_f64(&p["projectedToday"])
    ));
    assert!(near(
        as_f64(&t["cost"]["projectedMonthly"]),
        as_f64(&p["projectedMonth"])
    ));
    assert!(near(
        as_f64(&t["cost"]["perHour"]),
        as_f64(&p["dailyRunRate"]) / 24.0
    ));
    assert_eq!(t["tokens"]["input"], s["tokensIn"]);
    assert_eq!(t["tokens"]["output"], s["tokensOut"]);
    for q in ["p50", "p95", "p99"] {
        assert_eq!(t["performance"][q], s["latency"][q], "{q}");
    }
    assert_eq!(
        column(&t["modelUsage"], "model"),
        column(&native["topModels"], "model")
    );
    assert_eq!(
        column(&t["modelUsage"], "requests"),
        column(&native["topModels"], "calls")
    );
    let shares: f64 = column(&t["modelUsage"], "percentage")
        .iter()
        .map(|v| as_f64(v))
        .sum();
    assert!(close(shares, 100.0), "{shares}");
    assert_eq!(
        column(&t["domainBreakdown"], "domain"),
        column(&native["topDomains"], "label")
    );
    assert_eq!(
        column(&t["domainBreakdown"], "requests"),
        column(&native["topDomains"], "calls")
    );
    let day = get(&app, &user, "/api/v1/dashboard?range=24h").await;
    let hours = column(&t["hourlyTrend"], "hour");
    assert_eq!(hours, column(&day["requestsOverTime"], "bucket"));
    let requests: Vec<i64> = day["requestsOverTime"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| p["success"].as_i64().unwrap_or(0) + p["error"].as_i64().unwrap_or(0))
        .collect();
    let trend: Vec<i64> = column(&t["hourlyTrend"], "requests")
        .iter()
        .map(|v| v.as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(trend, requests);
    let live = get(&app, &user, "/api/v1/sessions/live").await;
    assert_eq!(t["live"]["activeSessions"], live["count"]);
    assert_eq!(live["count"], 4);
    assert_eq!(
        column(&t["live"]["sessionsData"], "sessionId"),
        column(&live["sessions"], "sessionId")
    );
    assert_eq!(
        column(&t["live"]["sessionsData"], "calls"),
        column(&live["sessions"], "calls")
    );

    // A domain narrows the overview to that domain's calls, as stored.
    let support = get(
        &app,
        &user,
        "/api/v1/compat/telemetry?days=2&domain=support",
    )
    .await;
    same_shape(&support, &telemetry_example(), "telemetry");
    let window_start = today - Duration::days(1);
    let stored = app
        .database
        .count(&format!(
            "SELECT count(*) AS n FROM usage_samples WHERE domain = 'support'
               AND ts >= '{window_start}' AND ts <= now()"
        ))
        .await;
    assert_eq!(support["overview"]["totalRequests"], stored);
    let last_day = app
        .database
        .count(
            "SELECT count(*) AS n FROM usage_samples WHERE domain = 'support'
               AND ts >= date_trunc('hour', now()) - INTERVAL '23 hours'",
        )
        .await;
    let in_trend: i64 = column(&support["hourlyTrend"], "requests")
        .iter()
        .map(|v| v.as_i64().unwrap_or(0))
        .sum();
    assert_eq!(in_trend, last_day);
    assert!(stored > 0 && stored < as_i64(&t["overview"]["totalRequests"]));
}

fn as_i64(v: &Value) -> i64 {
    v.as_i64().unwrap_or(-1)
}

#[actix_web::test]
async fn bad_parameters_are_400_problems() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    for path in [
        "/api/v1/compat/telemetry?days=0",
        "/api/v1/compat/telemetry?days=91",
        "/api/v1/compat/telemetry?days=seven",
        "/api/v1/compat/telemetry?domain=",
        "/api/v1/compat/telemetry?domain=a%00b",
        "/api/v1/compat/telemetry?assistant=1",
        "/api/v1/compat/dashboard?range=2w",
        "/api/v1/compat/dashboard?range=custom",
        "/api/v1/compat/dashboard?range=7d&start=2026-01-01",
        "/api/v1/compat/dashboard?range=custom&start=2026-02-01&end=2026-01-01",
    ] {
        let response = app.get(path, Some(&user.token)).await;
        assert_problem(response, StatusCode::BAD_REQUEST).await;
    }
    let response = app.get("/api/v1/compat/telemetry", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Without assistants: every number is there, as zeros.
    let empty = get(&app, &user, "/api/v1/compat/telemetry?days=1").await;
    assert_eq!(empty["overview"]["successRate"], 0.0);
    assert_eq!(empty["hourlyTrend"].as_array().map(Vec::len), Some(24));
}
