//! Runs list (filters, keyset pages), models list, and the streamed CSV/JSON export.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, spawn_app, TestApp, TestUser};

async fn ingest(app: &TestApp, user: &TestUser, assistant: i64, events: Vec<Value>) {
    for chunk in events.chunks(1_000) {
        let response = app
            .post(
                &format!("/api/v1/assistants/{assistant}/events"),
                Some(&user.token),
                &json!(chunk),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

fn event(minute: i64, model: &str, code: i64) -> Value {
    let ts = chrono::DateTime::parse_from_rfc3339("2026-08-01T00:00:00Z")
        .map(|t| t + chrono::Duration::minutes(minute))
        .unwrap_or_default();
    json!({"ts": ts.to_rfc3339(), "model": model, "statusCode": code, "cost": 0.01,
           "domain": "sales, \"emea\"", "metadata": {"run": minute}})
}

#[actix_web::test]
async fn runs_page_newest_first_with_filters_and_cursors() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let b = app.new_assistant(&user, "B").await;
    ingest(
        &app,
        &user,
        a,
        (0..7)
            .map(|m| event(m, "gpt-4o", if m % 2 == 0 { 200 } else { 500 }))
            .collect(),
    )
    .await;
    ingest(&app, &user, b, vec![event(100, "claude", 200)]).await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/runs?assistant={a}&limit=3");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = json_of(app.get(&path, Some(&user.token)).await).await;
        for run in page["runs"].as_array().cloned().unwrap_or_default() {
            seen.push(run["ts"].as_str().unwrap_or_default().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(seen, sorted, "newest first, no repeats across pages");

    let errors = json_of(
        app.get("/api/v1/runs?status=error", Some(&user.token))
            .await,
    )
    .await;
    assert_eq!(errors["runs"].as_array().map(Vec::len), Some(3));
    let claude = json_of(
        app.get("/api/v1/runs?model=claude", Some(&user.token))
            .await,
    )
    .await;
    assert_eq!(claude["runs"][0]["assistantId"], b);
    assert_eq!(claude["runs"][0]["cost"], 0.01);

    let models = json_of(app.get("/api/v1/models", Some(&user.token)).await).await;
    assert_eq!(
        models,
        json!([{"model": "gpt-4o", "calls": 7}, {"model": "claude", "calls": 1}])
    );

    let stranger = app.new_user().await;
    assert_problem(
        app.get(
            &format!("/api/v1/runs?assistant={a}"),
            Some(&stranger.token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let empty = json_of(app.get("/api/v1/runs", Some(&stranger.token)).await).await;
    assert_eq!(empty["runs"], json!([]));
    assert_problem(
        app.get("/api/v1/runs?cursor=garbage", Some(&user.token))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        app.get("/api/v1/runs?limit=0", Some(&user.token)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[actix_web::test]
async fn export_streams_every_matching_run_as_csv_or_json() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    // More than two export pages.
    let events: Vec<Value> = (0..4_500)
        .map(|m| event(m, "gpt-4o", if m % 10 == 0 { 503 } else { 200 }))
        .collect();
    ingest(&app, &user, assistant, events).await;

    let csv = app
        .get("/api/v1/export?format=csv", Some(&user.token))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv")));
    let text = csv.text().await.unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,assistant_id,ts,model,status"));
    assert!(lines[0].ends_with(",domain,metadata"), "{}", lines[0]);
    assert_eq!(lines.len(), 4_501);
    // Newest first; the metadata object is one quoted cell of compact JSON.
    assert!(
        lines[1].ends_with(",\"sales, \"\"emea\"\"\",\"{\"\"run\"\":4499}\""),
        "{}",
        lines[1]
    );

    let json_export = app
        .get(
            "/api/v1/export?format=json&status=error&start=2026-08-01&end=2026-08-02",
            Some(&user.token),
        )
        .await;
    let runs = json_of(json_export).await;
    let runs = runs.as_array().cloned().unwrap_or_default();
    // Two days of minutes (2,880) of which every tenth failed.
    let expected = (0..4_500).filter(|m| m % 10 == 0 && *m < 2 * 1_440).count();
    assert_eq!(runs.len(), expected);
    assert!(runs
        .iter()
        .all(|r| r["status"] == "error" && r["statusCode"] == 503));
    // Metadata is returned as sent: the run of minute m carries {"run": m}.
    assert!(runs.iter().all(|r| {
        let minute = (r["ts"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()))
        .map(|t| (t.timestamp() - 1_785_542_400) / 60);
        r["metadata"]["run"].as_i64() == minute
    }));

    let none = json_of(
        app.get(
            "/api/v1/export?format=json&start=2026-01-01&end=2026-01-02",
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(none, json!([]));
    assert_problem(
        app.get("/api/v1/export?format=xml", Some(&user.token))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[actix_web::test]
async fn runs_of_one_session_and_a_bad_session_is_a_400() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let events: Vec<Value> = (0..9)
        .map(|i| json!({"sessionId": format!("s-{}", i % 3), "cost": 0.01 * f64::from(i)}))
        .collect();
    ingest(&app, &user, a, events).await;
    let page = json_of(app.get("/api/v1/runs?session=s-1", Some(&user.token)).await).await;
    let runs = page["runs"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|r| r["sessionId"] == "s-1"));
    let stored = app
        .database
        .count(&format!(
            "SELECT count(*) AS n FROM usage_samples WHERE assistant_id = {a} AND session_id = 's-1'"
        ))
        .await;
    assert_eq!(stored, 3);
    // The export takes the same filter.
    let export = app
        .get(
            "/api/v1/export?session=s-2&format=ndjson",
            Some(&user.token),
        )
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(
        export
            .lines()
            .filter(|l| l.contains("\"sessionId\":\"s-2\""))
            .count(),
        3
    );
    assert_eq!(export.lines().count(), 3);
    for query in ["session=", "session=%07"] {
        let response = app
            .get(&format!("/api/v1/runs?{query}"), Some(&user.token))
            .await;
        assert_problem(response, StatusCode::BAD_REQUEST).await;
    }
}
