//! Signed export download links (once, within their lifetime, for exactly their query, for
//! their user, nowhere else), CSV cells defused for spreadsheets, exports equal to the runs
//! list, and `metrics-hub export` run for real against the test database.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, spawn_with, test_settings, TestApp, TestDatabase};
use crate::runs_order::{all_pages, ingest, varied_event};

async fn link(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.post(
        "/api/v1/export/links",
        Some(token),
        &json!({ "query": query }),
    )
    .await
}

async fn link_url(app: &TestApp, token: &str, query: &str) -> String {
    let response = link(app, token, query).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_of(response).await;
    assert!(body["expiresAt"].is_string(), "{body}");
    body["url"].as_str().unwrap_or_default().to_owned()
}

async fn spawn_app_with_link_ttl(seconds: u64) -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.auth.export_link_ttl_seconds = seconds;
    spawn_with(database, settings).await
}

#[actix_web::test]
async fn a_download_link_works_once_for_its_query_and_user_only() {
    let app = spawn_app_with_link_ttl(60).await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let events: Vec<Value> = (0..40).map(varied_event).collect();
    ingest(&app, &user, a, &events).await;
    let query = format!("assistant={a}&start=2026-08-01&end=2026-08-01&country=DE&format=csv");

    let url = link_url(&app, &user.token, &query).await;
    assert!(url.starts_with("/api/v1/export/download?"), "{url}");
    let download = app.get(&url, None).await;
    assert_eq!(download.status(), StatusCode::OK);
    let disposition = download
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"runs-{a}-2026-08-01-2026-08-01.csv\"")
    );
    let file = download.text().await.unwrap_or_default();
    let direct = app
        .get(&format!("/api/v1/export?{query}"), Some(&user.token))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(file, direct);
    assert_eq!(
        file.lines().count(),
        1 + 10,
        "a header and the 10 German calls"
    );

    // Once only.
    let again = assert_problem(app.get(&url, None).await, StatusCode::UNAUTHORIZED).await;
    assert!(
        again["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("used"),
        "{again}"
    );

    // Exactly its query: another country in the URL is refused, and does not use the link up.
    let url = link_url(&app, &user.token, &query).await;
    let tampered = url.replace("country=DE", "country=US");
    assert_ne!(tampered, url);
    assert_problem(app.get(&tampered, None).await, StatusCode::UNAUTHORIZED).await;
    let appended = url.replace("&token=", "&minCost=0&token=");
    assert_problem(app.get(&appended, None).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.get(&url, None).await.status(), StatusCode::OK);

    // The token is no access token, and an access token is no link.
    let url = link_url(&app, &user.token, &query).await;
    let token = url
        .rsplit_once("&token=")
        .map(|(_, t)| t)
        .unwrap_or_default();
    for path in [
        "/api/v1/runs",
        "/api/v1/export",
        &format!("/api/v1/users/{}/assistants", user.id),
    ] {
        assert_problem(app.get(path, Some(token)).await, StatusCode::UNAUTHORIZED).await;
    }
    let (signed, _) = url.rsplit_once("&token=").unwrap_or_default();
    let forged = format!("{signed}&token={}", user.token);
    assert_problem(app.get(&forged, None).await, StatusCode::UNAUTHORIZED).await;
    let bare = url.split_once('?').map(|(p, _)| p).unwrap_or_default();
    assert_problem(
        app.get(&format!("{bare}?format=csv"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Nor does the link need or use a bearer token: another user's does not change whose data.
    let stranger = app.new_user().await;
    assert_eq!(
        app.get(&url, Some(&stranger.token)).await.status(),
        StatusCode::OK
    );

    // Another user cannot make a link to this assistant's calls.
    assert_problem(
        link(&app, &stranger.token, &query).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Bad queries are refused when the link is made.
    for bad in [
        "format=xml",
        "country=DEU",
        "limit=5",
        "cursor=newest.1_1",
        "nope=1",
    ] {
        assert_problem(link(&app, &user.token, bad).await, StatusCode::BAD_REQUEST).await;
    }
    let unauthenticated = app
        .post("/api/v1/export/links", None, &json!({ "query": "" }))
        .await;
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_download_link_expires() {
    let app = spawn_app_with_link_ttl(1).await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    ingest(&app, &user, a, &[varied_event(1)]).await;
    let url = link_url(&app, &user.token, &format!("assistant={a}&format=ndjson")).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let expired = assert_problem(app.get(&url, None).await, StatusCode::UNAUTHORIZED).await;
    assert!(
        expired["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("expired"),
        "{expired}"
    );
}

#[actix_web::test]
async fn csv_cells_a_spreadsheet_would_run_are_defused_and_exports_equal_the_runs_list() {
    let app = spawn_app_with_link_ttl(60).await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let hostile = [
        json!({"model": "=cmd|' /C calc'!A0", "domain": "@SUM(1+1)", "cost": 0.5}),
        json!({"model": "+1+1", "domain": "-2+3", "cost": 0.4}),
    ];
    ingest(&app, &user, a, &hostile).await;
    let csv = app
        .get(
            &format!("/api/v1/export?assistant={a}&sort=costliest"),
            Some(&user.token),
        )
        .await
        .text()
        .await
        .unwrap_or_default();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains(",'=cmd|' /C calc'!A0,"), "{}", lines[1]);
    assert!(lines[1].contains(",'@SUM(1+1),"), "{}", lines[1]);
    assert!(lines[2].contains(",'+1+1,"), "{}", lines[2]);
    assert!(lines[2].contains(",'-2+3,"), "{}", lines[2]);
    // No cell starts with a formula character.
    for line in &lines[1..] {
        assert!(
            line.split(',')
                .all(|cell| !cell.starts_with(['=', '+', '@'])),
            "{line}"
        );
    }

    let events: Vec<Value> = (0..30).map(varied_event).collect();
    ingest(&app, &user, a, &events).await;
    for query in [
        format!("assistant={a}&minLatencyMs=100&sort=costliest"),
        "domain=sales&sort=oldest".to_owned(),
        "country=us".to_owned(),
    ] {
        let listed = all_pages(&app, &user, &query, 4).await;
        let url = link_url(&app, &user.token, &format!("{query}&format=json")).await;
        let exported = json_of(app.get(&url, None).await).await;
        assert_eq!(exported, Value::Array(listed.clone()), "{query}");
        let ndjson = app
            .get(
                &format!("/api/v1/export?{query}&format=ndjson"),
                Some(&user.token),
            )
            .await
            .text()
            .await
            .unwrap_or_default();
        let lines: Vec<Value> = ndjson
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
            .collect();
        assert_eq!(lines, listed, "{query}");
    }
}

pub fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .arg("export")
        .args(args)
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_DATABASE__URL", app.database.url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("metrics-hub export: {e}"))
}

#[actix_web::test]
async fn the_export_command_writes_what_the_api_exports() {
    let app = spawn_app_with_link_ttl(60).await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "Support bot").await;
    let events: Vec<Value> = (0..2_500)
        .map(|i| {
            let mut e = varied_event(i % 50);
            e["metadata"] = json!({"i": i});
            e
        })
        .collect();
    for chunk in events.chunks(1_000) {
        ingest(&app, &user, a, chunk).await;
    }

    // More than one export page (2,000), by name, to stdout.
    let out = cli(
        &app,
        &[
            "--assistant",
            "Support bot",
            "--start",
            "2026-08-01",
            "--end",
            "2026-08-01",
            "--format",
            "ndjson",
            "--sort",
            "costliest",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let api = app
        .get(
            &format!("/api/v1/export?assistant={a}&start=2026-08-01&end=2026-08-01&format=ndjson&sort=costliest"),
            Some(&user.token),
        )
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(api.lines().count(), 2_500);
    assert_eq!(String::from_utf8_lossy(&out.stdout), api);

    // By id, filtered, as CSV into a file.
    let file = std::env::temp_dir().join(format!("export-{}.csv", app.database.name));
    let path = file.to_string_lossy().to_string();
    let id = a.to_string();
    let out = cli(
        &app,
        &[
            "--assistant",
            &id,
            "--start",
            "2026-08-01",
            "--country",
            "de",
            "--min-latency-ms",
            "100",
            "--min-cost",
            "0.01",
            "--output",
            &path,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_file(&file);
    let api = app
        .get(
            &format!("/api/v1/export?assistant={a}&start=2026-08-01&country=de&minLatencyMs=100&minCost=0.01"),
            Some(&user.token),
        )
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(api.lines().count() > 1, "{api}");
    assert_eq!(written, api);

    // Refusals say why and write nothing.
    let other = app.new_user().await;
    app.new_assistant(&other, "Support bot").await;
    for (args, says) in [
        (
            vec!["--assistant", "Support bot", "--start", "2026-08-01"],
            "several assistants",
        ),
        (
            vec!["--assistant", "nobody", "--start", "2026-08-01"],
            "no assistant",
        ),
        (
            vec![
                "--assistant",
                &id,
                "--start",
                "2026-08-01",
                "--country",
                "Germany",
            ],
            "country",
        ),
        (
            vec![
                "--assistant",
                &id,
                "--start",
                "2026-08-01",
                "--sort",
                "loudest",
            ],
            "sort",
        ),
    ] {
        let out = cli(&app, &args);
        assert!(
            !out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
