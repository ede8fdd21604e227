//! The export of posted daily records (`GET /export/daily`, `metrics-hub export --daily`): one
//! row per stored record, oldest first, equal to what was posted and to SQL; filters, ownership
//! and bad input.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::export_links::cli;
use crate::helpers::{assert_problem, json_of, spawn_app};
use crate::runs_order::sql_ids;

fn record(date: &str, calls: i64, minutes: f64, cost: f64) -> Value {
    json!({"date": date, "callCount": calls, "totalMinutes": minutes, "totalCost": cost,
           "clientId": format!("=import-{date}")})
}

#[actix_web::test]
async fn daily_records_export_as_posted_in_every_format_and_from_the_command_line() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "Daily bot").await;
    let b = app.new_assistant(&user, "Other bot").await;
    let posted = [
        ("2026-08-03", 30, 12.5, 1.5),
        ("2026-08-01", 10, 5.0, 0.25),
        ("2026-08-02", 0, 0.0, 0.0),
    ];
    for (date, calls, minutes, cost) in posted {
        let response = app
            .post_daily(&user, a, &record(date, calls, minutes, cost))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let response = app
        .post_daily(&user, b, &record("2026-08-01", 5, 1.0, 0.1))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // Calls are not daily records.
    let events = json!([{"ts": "2026-08-01T10:00:00Z", "cost": 0.01}]);
    let response = app
        .post(
            &format!("/api/v1/assistants/{a}/events"),
            Some(&user.token),
            &events,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let exported = json_of(
        app.get(
            &format!("/api/v1/export/daily?assistant={a}&format=json"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let rows = exported.as_array().cloned().unwrap_or_default();
    let ids: Vec<i64> = rows.iter().filter_map(|r| r["id"].as_i64()).collect();
    let expected = sql_ids(
        &app,
        &format!("SELECT id FROM usage_samples WHERE assistant_id = {a} AND kind = 'daily' ORDER BY ts, id"),
    )
    .await;
    assert_eq!(ids, expected);
    let shown: Vec<(String, i64, f64, f64, f64)> = rows
        .iter()
        .map(|r| {
            (
                r["date"].as_str().unwrap_or_default().to_owned(),
                r["callCount"].as_i64().unwrap_or(-1),
                r["totalMinutes"].as_f64().unwrap_or(-1.0),
                r["totalCost"].as_f64().unwrap_or(-1.0),
                r["avgCallCost"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("2026-08-01".to_owned(), 10, 5.0, 0.25, 0.025),
            ("2026-08-02".to_owned(), 0, 0.0, 0.0, 0.0),
            ("2026-08-03".to_owned(), 30, 12.5, 1.5, 0.05),
        ]
    );
    assert_eq!(rows[0]["clientId"], "=import-2026-08-01");

    // CSV: header, one line per record, the client id defused.
    let csv = app
        .get(
            &format!("/api/v1/export/daily?assistant={a}&start=2026-08-02&end=2026-08-03"),
            Some(&user.token),
        )
        .await;
    let disposition = csv
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"daily-{a}-2026-08-02-2026-08-03.csv\"")
    );
    let text = csv.text().await.unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,assistant_id,date,call_count,total_minutes,total_cost_usd,avg_call_cost_usd,client_id"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[2].ends_with(",2026-08-03,30,12.5,1.5,0.05,'=import-2026-08-03"),
        "{}",
        lines[2]
    );

    // Every assistant of the user by default; none of another user's.
    let all = app
        .get("/api/v1/export/daily?format=ndjson", Some(&user.token))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(all.lines().count(), 4);
    let stranger = app.new_user().await;
    let none = app
        .get("/api/v1/export/daily?format=ndjson", Some(&stranger.token))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(none, "");
    assert_problem(
        app.get(
            &format!("/api/v1/export/daily?assistant={a}"),
            Some(&stranger.token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    for bad in [
        "format=xml",
        "start=2026-08-03&end=2026-08-01",
        "country=DE",
    ] {
        assert_problem(
            app.get(&format!("/api/v1/export/daily?{bad}"), Some(&user.token))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    assert_eq!(
        app.get("/api/v1/export/daily", None).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // The command writes the same file.
    let out = cli(
        &app,
        &[
            "--assistant",
            "Daily bot",
            "--start",
            "2026-08-01",
            "--daily",
            "--format",
            "ndjson",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let api = app
        .get(
            &format!("/api/v1/export/daily?assistant={a}&start=2026-08-01&format=ndjson"),
            Some(&user.token),
        )
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(api.lines().count(), 3);
    assert_eq!(String::from_utf8_lossy(&out.stdout), api);
    let refused = cli(
        &app,
        &[
            "--assistant",
            "Daily bot",
            "--start",
            "2026-08-01",
            "--daily",
            "--country",
            "DE",
        ],
    );
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
}
