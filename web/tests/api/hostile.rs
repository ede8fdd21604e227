//! Input the contract allows, or that an attacker crafts, never becomes a 5xx or an endless
//! retry: text PostgreSQL cannot store, requests PostgreSQL refuses, dates and cursors outside
//! the storable range, exports that would fail after `200`, spreadsheet formulas in exports.

use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::events::post_events;
use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp};

async fn stored_calls(app: &TestApp, assistant: i64) -> i64 {
    app.database
        .count(&format!(
            "SELECT count(*) AS n FROM usage_samples WHERE assistant_id = {assistant}"
        ))
        .await
}

#[actix_web::test]
async fn a_nul_in_event_metadata_is_a_400_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "nul").await;
    for metadata in [
        json!({"note": "a\u{0}b"}),
        json!({"k\u{0}": 1}),
        json!({"a": ["\u{0}"]}),
    ] {
        let body = json!([{"model": "m"}, {"model": "m", "metadata": metadata}]);
        let response = post_events(&app, &user, assistant, &body).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(
            problem_fields(&problem),
            vec!["events[1].metadata"],
            "{metadata}"
        );
    }
    assert_eq!(stored_calls(&app, assistant).await, 0);
    // Other control characters are valid JSON text and are stored as sent.
    let fine = json!({"model": "m", "metadata": {"note": "tab\tand\u{1}"}});
    let response = post_events(&app, &user, assistant, &fine).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(stored_calls(&app, assistant).await, 1);
}

#[actix_web::test]
async fn a_request_postgres_refuses_gets_422_and_never_fails_the_requests_beside_it() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "poison").await;
    // A rule only the database knows, standing for any value it refuses.
    let mut conn = app.database.connect().await;
    diesel::sql_query(
        "ALTER TABLE usage_samples ADD CONSTRAINT test_poison CHECK (model IS DISTINCT FROM 'poison')",
    )
    .execute(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("constraint: {e}"));
    let requests = (0..20).map(|i| {
        let model = if i == 7 { "poison" } else { "clean" };
        let body = json!([{"model": model}, {"model": "clean"}]);
        let app = &app;
        let user = &user;
        async move { post_events(app, user, assistant, &body).await }
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut statuses = Vec::new();
    for response in responses {
        let status = response.status();
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            let problem = assert_problem(response, status).await;
            assert_eq!(problem["type"], "/problems/refused");
        }
        statuses.push(status);
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!((refused, ok), (1, 19), "{statuses:?}");
    assert_eq!(stored_calls(&app, assistant).await, 38);
}

#[actix_web::test]
async fn dates_timestamps_and_cursors_outside_the_storable_range_are_400s() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let token = Some(user.token.as_str());
    for (path, field) in [
        ("/api/v1/runs?start=1000-01-01", "start"),
        ("/api/v1/runs?end=1000-01-01", "end"),
        ("/api/v1/runs?cursor=newest.9223372036854775807_1", "cursor"),
        (
            "/api/v1/runs?cursor=newest.-9223372036854775808_1",
            "cursor",
        ),
        ("/api/v1/runs?cursor=oldest.-62135596800000000_1", "cursor"),
        (
            "/api/v1/runs?sort=oldest&cursor=oldest.-62135596800000000_1",
            "cursor",
        ),
        (
            "/api/v1/runs?sort=slowest&cursor=slowest.9223372036854775807_1",
            "cursor",
        ),
        ("/api/v1/runs?cursor=garbage", "cursor"),
        ("/api/v1/export?start=1000-01-01", "start"),
        ("/api/v1/export?format=csv&end=0001-01-01", "end"),
        (
            "/api/v1/summary?start=2026-01-01&end=2026-01-02&granularity=",
            "granularity",
        ),
    ] {
        let response = app.get(path, token).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem_fields(&problem), vec![field], "{path}");
    }
    // An admin adding a price from year 1 is refused the same way.
    let admin = app.make_admin(&user).await.token;
    let price = json!({"model": "m", "inputPerMtok": 1.0, "outputPerMtok": 2.0,
                       "effectiveFrom": "0001-01-01T00:00:00Z"});
    let response = app.post("/api/v1/prices", Some(&admin), &price).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem_fields(&problem), vec!["effectiveFrom"]);
    // The first day counts in any time zone (this one is still 1999 in UTC).
    let price = json!({"model": "m", "inputPerMtok": 1.0, "outputPerMtok": 2.0,
                       "effectiveFrom": "2000-01-01T00:00:00+10:58"});
    let response = app.post("/api/v1/prices", Some(&admin), &price).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn exported_csv_cannot_run_formulas_and_ndjson_has_one_run_per_line() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "export").await;
    let body = json!([
        {"model": "=HYPERLINK(\"http://evil.example\",\"x\")", "domain": "@SUM(A1)"},
        {"model": "+1", "domain": "-1"},
        {"model": "plain", "domain": "support"},
    ]);
    let response = post_events(&app, &user, assistant, &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csv = app
        .get("/api/v1/export?format=csv", Some(&user.token))
        .await
        .text()
        .await
        .unwrap_or_default();
    // No cell starts with a formula character (numbers in this export are never negative).
    for start in [",=", ",\"=", ",+", ",@", ",-"] {
        assert!(!csv.contains(start), "{start} in {csv}");
    }
    assert!(
        csv.contains(r#""'=HYPERLINK(""http://evil.example"",""x"")""#),
        "{csv}"
    );
    assert!(
        csv.contains("'@SUM(A1)") && csv.contains("'+1") && csv.contains("'-1"),
        "{csv}"
    );
    assert!(csv.contains(",plain,"), "{csv}");
    let response = app
        .get("/api/v1/export?format=ndjson", Some(&user.token))
        .await;
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/x-ndjson")
    );
    let text = response.text().await.unwrap_or_default();
    let runs: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect();
    assert_eq!(runs.len(), 3);
    let json = json_of(
        app.get("/api/v1/export?format=json", Some(&user.token))
            .await,
    )
    .await;
    assert_eq!(json.as_array().map(Vec::len), Some(3));
}

/// One request as sent: method, path and JSON body.
struct Replay {
    post: Option<Value>,
    path: String,
}

#[actix_web::test]
async fn every_503_is_transient_the_same_request_succeeds_once_the_database_is_back() {
    // Timeouts that a loaded test machine meets while setting up; the outage is a cut, not a stall.
    let (app, proxy) = crate::events::app_behind_proxy_with(1_000, 3_000).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "outage").await;
    let warm = post_events(&app, &user, assistant, &json!({"cost": 1.0})).await;
    assert_eq!(warm.status(), StatusCode::OK);
    let a = assistant;
    let requests = [
        Replay {
            post: Some(json!([{"cost": 2.0, "clientId": "replayed"}])),
            path: format!("/api/v1/assistants/{a}/events"),
        },
        Replay {
            post: Some(
                json!({"date": "2026-11-01", "callCount": 3, "totalMinutes": 1.5, "totalCost": 0.3}),
            ),
            path: format!("/api/v1/assistants/{a}/metrics"),
        },
        Replay {
            post: None,
            path: format!("/api/v1/assistants/{a}/metrics?start=2026-11-01&end=2026-11-02"),
        },
        Replay {
            post: None,
            path: format!("/api/v1/assistants/{a}/metrics/summary?start=2026-11-01&end=2026-11-02"),
        },
        Replay {
            post: None,
            path: "/api/v1/metrics/totals".to_owned(),
        },
        Replay {
            post: None,
            path: "/api/v1/runs".to_owned(),
        },
        Replay {
            post: None,
            path: "/api/v1/export?format=csv".to_owned(),
        },
        Replay {
            post: None,
            path: "/api/v1/dashboard?range=7d".to_owned(),
        },
        Replay {
            post: None,
            path: format!("/api/v1/users/{}/assistants", user.id),
        },
    ];
    let send = |replay: &Replay| {
        let mut request = match &replay.post {
            Some(body) => app.client.post(app.url(&replay.path)).json(body),
            None => app.client.get(app.url(&replay.path)),
        };
        request = request
            .bearer_auth(&user.token)
            .header("cache-control", "no-cache");
        async move { request.send().await.unwrap_or_else(|e| panic!("{e}")) }
    };
    proxy.cut();
    let mut unavailable = Vec::new();
    for replay in &requests {
        let response = send(replay).await;
        let status = response.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(
                response.headers().contains_key("retry-after"),
                "{}",
                replay.path
            );
            assert_problem(response, status).await;
            unavailable.push(replay);
        } else {
            assert!(
                status.is_success(),
                "{} answered {status} while the database was down",
                replay.path
            );
        }
    }
    assert!(
        unavailable.len() >= 2,
        "the outage produced no 503 to replay"
    );
    proxy.restore();
    // A 503 promised that retrying helps: each one, replayed as it was, now succeeds.
    for replay in unavailable {
        let mut status = StatusCode::SERVICE_UNAVAILABLE;
        for _ in 0..40 {
            status = send(replay).await.status();
            if status != StatusCode::SERVICE_UNAVAILABLE {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert!(
            status.is_success(),
            "{} still answers {status} after the outage",
            replay.path
        );
    }
}

/// `n` events of the largest cost a call may carry ($1e6), at noon UTC `days_ago` days back.
fn costly_events(n: usize, days_ago: i64) -> Vec<Value> {
    let day = chrono::Utc::now().date_naive() - chrono::Duration::days(days_ago);
    let ts = format!("{day}T00:00:00Z");
    vec![json!({"model": "m", "cost": 1.0e6, "ts": ts}); n]
}

#[actix_web::test]
async fn a_request_that_would_overflow_a_day_is_a_422_and_stores_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "limits").await;
    // 10,000 events of $1e6 (the per-event and per-request limits) sum past i64 in nano-dollars.
    let huge = json!(costly_events(10_000, 0));
    let small = json!([{"model": "m", "cost": 1.0}]);
    let (huge, small) = tokio::join!(
        post_events(&app, &user, assistant, &huge),
        post_events(&app, &user, assistant, &small)
    );
    let problem = assert_problem(huge, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["type"], "/problems/refused");
    assert_eq!(small.status(), StatusCode::OK);
    assert_eq!(stored_calls(&app, assistant).await, 1);
}

#[actix_web::test]
async fn the_daily_limit_is_exact_and_sums_past_64_bits_are_422_never_500() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "limits").await;
    // 576 events of $1e6 are 5.76e17 nano-dollars, just under the day's limit of 2^59...
    let full = post_events(&app, &user, assistant, &json!(costly_events(576, 0))).await;
    assert_eq!(full.status(), StatusCode::OK);
    // ...one more is refused, and nothing else of the day is affected.
    let over = post_events(&app, &user, assistant, &json!(costly_events(1, 0))).await;
    assert_problem(over, StatusCode::UNPROCESSABLE_ENTITY).await;
    let free = post_events(&app, &user, assistant, &json!({"model": "m", "cost": 0.0})).await;
    assert_eq!(free.status(), StatusCode::OK);
    let stats = stats_once(&app, &user.token, assistant, "today", 577).await;
    assert_eq!(stats["today"]["cost"], 576.0e6, "{stats}");
    // Sixteen earlier days at the limit: each day fits, their sum does not fit in 64 bits.
    for days_ago in 1..=16 {
        let day = post_events(&app, &user, assistant, &json!(costly_events(576, days_ago))).await;
        assert_eq!(day.status(), StatusCode::OK, "{days_ago} days ago");
    }
    let today = chrono::Utc::now().date_naive();
    let start = today - chrono::Duration::days(16);
    for path in [
        format!("/api/v1/metrics/totals?start={start}&end={today}"),
        format!("/api/v1/assistants/{assistant}/metrics/summary?start={start}&end={today}"),
        "/api/v1/dashboard?range=1m".to_owned(),
        format!("/api/v1/timeseries?start={start}&end={today}&granularity=week"),
        format!("/api/v1/summary?start={start}&end={today}"),
    ] {
        // Refused as too large: never a 500, never a wrapped or clamped total.
        let response = app.get(&path, Some(&user.token)).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["type"], "/problems/refused", "{path}");
    }
    // Seven days fit, and are exact.
    let week = json_of(
        app.get("/api/v1/dashboard?range=7d", Some(&user.token))
            .await,
    )
    .await;
    assert_eq!(
        week["summary"]["totalCost"],
        7.0 * 576.0e6,
        "{}",
        week["summary"]
    );
    let week = stats_once(&app, &user.token, assistant, "last7Days", 7 * 576 + 1).await;
    assert_eq!(week["last7Days"]["cost"], 7.0 * 576.0e6, "{week}");
}

/// The assistant's live statistics once `span` counts `calls` (the latest delta may still be
/// on its way); panics after five seconds.
async fn stats_once(app: &TestApp, token: &str, assistant: i64, span: &str, calls: i64) -> Value {
    let path = format!("/api/v1/assistants/{assistant}/stats");
    let mut last = Value::Null;
    for _ in 0..50 {
        last = json_of(app.get(&path, Some(token)).await).await["stats"].clone();
        if last[span]["calls"] == calls {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{span} never counted {calls} calls: {last}");
}

#[actix_web::test]
async fn an_export_that_cannot_start_is_a_503_problem_never_a_200_that_stops() {
    let (app, proxy) = crate::events::app_behind_proxy_with(1_000, 1_000).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "export").await;
    let body = json!(vec![json!({"model": "m"}); 10]);
    let stored = post_events(&app, &user, assistant, &body).await;
    assert_eq!(stored.status(), StatusCode::OK);
    proxy.cut();
    for format in ["csv", "json", "ndjson"] {
        let path = format!("/api/v1/export?format={format}&assistant={assistant}");
        let response = app.get(&path, Some(&user.token)).await;
        assert!(response.headers().contains_key("retry-after"), "{path}");
        assert_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
    }
    proxy.restore();
    let mut csv = String::new();
    for _ in 0..40 {
        let response = app
            .get("/api/v1/export?format=csv", Some(&user.token))
            .await;
        if response.status() == StatusCode::OK {
            csv = response.text().await.unwrap_or_default();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(csv.lines().count(), 11, "{csv}");
}
