//! Bad input gets a clear 4xx problem document and changes nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, problem_fields, spawn_app, TestApp};

/// Rows in the usage tables: nothing may change when a request is rejected.
async fn stored_rows(app: &TestApp) -> i64 {
    app.database
        .count(
            "SELECT (SELECT count(*) FROM usage_samples) + (SELECT count(*) FROM day_rollups)
                  + (SELECT count(*) FROM sample_client_ids) AS n",
        )
        .await
}

#[actix_web::test]
async fn invalid_daily_records_are_rejected_and_nothing_is_written() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let valid =
        json!({"date": "2026-01-10", "callCount": 3, "totalMinutes": 1.0, "totalCost": 0.5});
    let cases = [
        (json!({"callCount": -1}), vec!["callCount"]),
        (json!({"totalMinutes": -0.5}), vec!["totalMinutes"]),
        (json!({"totalCost": -1}), vec!["totalCost"]),
        (json!({"totalCost": 1e12}), vec!["totalCost"]),
        (json!({"callCount": 2_000_000_000_i64}), vec!["callCount"]),
        (json!({"avgCallCost": 0.2}), vec!["avgCallCost"]),
        (json!({"avgCallCost": -0.1}), vec!["avgCallCost"]),
        (json!({"date": "2999-01-01"}), vec!["date"]),
        (
            json!({"callCount": 0, "totalMinutes": 0}),
            vec!["totalCost"],
        ),
        (json!({"clientId": ""}), vec!["clientId"]),
        (json!({"clientId": "x".repeat(129)}), vec!["clientId"]),
    ];
    for (change, fields) in cases {
        let mut body = valid.clone();
        if let (Some(body), Some(change)) = (body.as_object_mut(), change.as_object()) {
            body.extend(change.clone());
        }
        let response = app.post_daily(&user, assistant, &body).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["type"], "/problems/validation-error", "{body}");
        assert_eq!(problem_fields(&problem), fields, "{body}");
    }
    assert_eq!(stored_rows(&app).await, 0);
}

#[actix_web::test]
async fn malformed_bodies_are_400_with_the_reason() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let url = app.url(&format!("/api/v1/assistants/{assistant}/metrics"));
    let bodies = [
        ("{\"date\": \"2026-01-10\", ", "EOF"),
        ("{\"date\": \"2026-01-10\", \"callCount\": NaN, \"totalMinutes\": 1, \"totalCost\": 1}", "expected value"),
        ("{\"date\": \"2026-01-10\", \"callCount\": 1, \"totalMinutes\": \"NaN\", \"totalCost\": 1}", "invalid type"),
        ("{\"date\": \"2026-01-10\", \"callCount\": 1, \"totalMinutes\": 1e999, \"totalCost\": 1}", "number out of range"),
        ("{\"date\": \"2026-13-45\", \"callCount\": 1, \"totalMinutes\": 1, \"totalCost\": 1}", "input is out of range"),
        ("{\"date\": \"2026-01-10\", \"callCount\": 1.5, \"totalMinutes\": 1, \"totalCost\": 1}", "invalid type"),
        ("{\"date\": \"2026-01-10\", \"calls\": 1, \"totalMinutes\": 1, \"totalCost\": 1}", "unknown field `calls`"),
        ("{\"date\": \"2026-01-10\", \"totalMinutes\": 1, \"totalCost\": 1}", "missing field `callCount`"),
    ];
    for (body, reason) in bodies {
        let response = app
            .client
            .post(&url)
            .bearer_auth(&user.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["type"], "/problems/bad-request");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(reason), "{body}: {detail}");
    }
    let wrong_type = app
        .client
        .post(&url)
        .bearer_auth(&user.token)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let huge = app
        .client
        .post(&url)
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body(format!("{{\"clientId\": \"{}\"}}", "x".repeat(200_000)))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(huge, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(stored_rows(&app).await, 0);
}

#[actix_web::test]
async fn bad_queries_are_400() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let base = format!("/api/v1/assistants/{assistant}/metrics");
    let cases = [
        (
            format!("{base}?start=2026-02-01&end=2026-01-01"),
            "before start",
        ),
        (
            format!("{base}?start=2010-01-01&end=2026-01-01"),
            "at most 3660",
        ),
        (format!("{base}?start=yesterday"), "invalid query string"),
        (
            format!("{base}?start=2026-01-01&colour=red"),
            "unknown field `colour`",
        ),
        (format!("{base}/rolling-avg?days=0"), "between 1 and 365"),
        (format!("{base}/rolling-avg?days=366"), "between 1 and 365"),
        (format!("{base}/rolling-avg?days=-7"), "between 1 and 365"),
        (
            format!("{base}/rolling-avg?days=seven"),
            "invalid query string",
        ),
        (
            format!("{base}/summary?start=2026-02-01&end=2026-01-01"),
            "before start",
        ),
        (
            "/api/v1/metrics/totals?end=2026-01-01&start=2026-01-02".to_owned(),
            "before start",
        ),
    ];
    for (path, reason) in cases {
        let response = app.get(&path, Some(&user.token)).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(reason), "{path}: {detail}");
    }
}

#[actix_web::test]
async fn writes_to_foreign_or_unknown_assistants_change_nothing() {
    let app = spawn_app().await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let assistant = app.new_assistant(&alice, "Bot").await;
    let body = json!({"date": "2026-01-10", "callCount": 3, "totalMinutes": 1.0, "totalCost": 0.5});
    let foreign = app.post_daily(&bob, assistant, &body).await;
    assert_problem(foreign, StatusCode::NOT_FOUND).await;
    let unknown = app.post_daily(&bob, assistant + 1000, &body).await;
    assert_problem(unknown, StatusCode::NOT_FOUND).await;
    let anonymous = app
        .post(
            &format!("/api/v1/assistants/{assistant}/metrics"),
            None,
            &body,
        )
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_eq!(stored_rows(&app).await, 0);
}
