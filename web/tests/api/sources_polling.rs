//! Sources, part 3: creating a source from a template against the fixture server (a sample,
//! the template's transformer, 90 days of stargazers history at once, the connection's secret
//! sent decrypted), refreshing it, and failure injection: 500s, a silent upstream (timeout),
//! 429 with `Retry-After`, malformed JSON, and a changed response shape that breaks the
//! transformer until its third failure marks it failed and a user writes a new one.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use web::settings::Settings;

use crate::helpers::{json_of, spawn_with, test_settings, TestApp, TestDatabase, TestUser};
use crate::sources::create_connection;
use crate::sources_fixture::{Fixture, Mode};

/// A hub whose integrations point at `fixture`, without a scheduler (polls only on request),
/// then `adjust`.
pub async fn spawn_sources_app(fixture: &Fixture, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.sources.base_urls = format!("github={},youtube={}", fixture.url, fixture.url);
    settings.sources.allow_hosts = "127.0.0.1".into();
    settings.sources.scheduler = false;
    settings.sources.fetch_timeout_ms = 1_000;
    adjust(&mut settings);
    spawn_with(database, settings).await
}

/// Creates a GitHub stars source of `o/{repo}`; returns the creation's answer.
pub async fn create_stars(app: &TestApp, user: &TestUser, repo: &str, frequency: &str) -> Value {
    let connection = create_connection(app, user, "ghp_fixture_token_1234").await;
    let response = app
        .post(
            "/api/v1/sources",
            Some(&user.token),
            &json!({"templateId": "github-repo-stars", "parameters": {"OWNER": "o", "REPO": repo},
                    "connectionId": connection["id"], "frequency": frequency}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await
}

pub async fn refresh(app: &TestApp, user: &TestUser, id: &Value) -> Value {
    let path = format!("/api/v1/sources/{id}/refresh");
    let response = app.post(&path, Some(&user.token), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("not a time: {v}"))
}

#[actix_web::test]
async fn a_new_source_has_its_history_at_once_and_refreshes() {
    let fixture = Fixture::start();
    let app = spawn_sources_app(&fixture, |_| {}).await;
    let user = app.new_user().await;
    let created = create_stars(&app, &user, "r", "daily").await;
    let source = &created["source"];
    assert_eq!(source["lastError"], Value::Null, "{created}");
    assert_eq!(source["name"], "GitHub stars o/r");
    // One star a day for 96 days: the running totals of the last 90 days, and today's count.
    let written = created["pointsWritten"].as_i64().unwrap_or_default();
    assert!((90..=93).contains(&written), "{created}");
    assert_eq!(source["points"].as_i64(), Some(written));
    let next = time(&source["nextPollAt"]) - Utc::now();
    assert!(
        next > chrono::Duration::hours(23) && next < chrono::Duration::hours(25),
        "{next}"
    );
    assert!(fixture
        .authorizations()
        .iter()
        .all(|a| a == "Bearer ghp_fixture_token_1234"));
    assert_eq!(fixture.hits("/repos/o/r/stargazers"), 1);
    let path = format!("/api/v1/sources/{}/points", source["id"]);
    let page = json_of(app.get(&path, Some(&user.token)).await).await;
    let points = page["points"].as_array().cloned().unwrap_or_default();
    let oldest = time(&points[0]["timestamp"]);
    assert!(
        Utc::now() - oldest <= chrono::Duration::days(90),
        "{oldest}"
    );
    let values: Vec<f64> = points.iter().filter_map(|p| p["value"].as_f64()).collect();
    assert!(
        values
            .windows(2)
            .take(values.len() - 2)
            .all(|w| w[1] == w[0] + 1.0),
        "{values:?}"
    );
    assert_eq!(values.last(), Some(&100.0), "the polled count comes last");
    // A refresh adds the current count (a point per second: `$now` has seconds); the history
    // is not fetched again.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    fixture.set_stars(120);
    let refreshed = refresh(&app, &user, &source["id"]).await;
    assert_eq!(refreshed["pointsWritten"], 1);
    assert_eq!(refreshed["source"]["points"].as_i64(), Some(written + 1));
    assert_eq!(fixture.hits("/repos/o/r/stargazers"), 1);
    let page = json_of(
        app.get(&format!("{path}?start=2000-01-01"), Some(&user.token))
            .await,
    )
    .await;
    let last = page["points"].as_array().and_then(|p| p.last().cloned());
    assert_eq!(last.map(|p| p["value"].clone()), Some(json!(120.0)));
    // Another user sees none of it.
    let other = app.new_user().await;
    let response = app.get(&path, Some(&other.token)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// Asserts the source's failure state after a refresh in `mode`.
async fn fails(app: &TestApp, user: &TestUser, fixture: &Fixture, id: &Value, mode: Mode) -> Value {
    fixture.set_mode(mode);
    let answer = refresh(app, user, id).await;
    let source = answer["source"].clone();
    assert_eq!(answer["pointsWritten"], 0, "{mode:?}: {answer}");
    assert!(
        source["lastError"].as_str().is_some_and(|e| !e.is_empty()),
        "{mode:?}: {source}"
    );
    source
}

#[actix_web::test]
async fn upstream_failures_are_recorded_and_retried_later() {
    let fixture = Fixture::start();
    let app = spawn_sources_app(&fixture, |_| {}).await;
    let user = app.new_user().await;
    let created = create_stars(&app, &user, "r", "hourly").await;
    let id = created["source"]["id"].clone();
    let before = created["source"]["points"].as_i64();
    let s = fails(&app, &user, &fixture, &id, Mode::Fail500).await;
    assert_eq!(s["consecutiveFailures"], 1);
    assert!(
        s["lastError"].as_str().unwrap_or_default().contains("500"),
        "{s}"
    );
    assert!(
        (time(&s["nextPollAt"]) - Utc::now()).num_seconds().abs() < 30,
        "retried at once"
    );
    let s = fails(&app, &user, &fixture, &id, Mode::Malformed).await;
    assert_eq!(s["consecutiveFailures"], 2);
    let wait = time(&s["nextPollAt"]) - Utc::now();
    assert!(
        (wait - chrono::Duration::hours(1)).num_seconds().abs() < 30,
        "{wait}"
    );
    let s = fails(&app, &user, &fixture, &id, Mode::RateLimited(600)).await;
    assert_eq!(s["consecutiveFailures"], 3);
    let wait = time(&s["nextPollAt"]) - Utc::now();
    assert!(
        (wait - chrono::Duration::seconds(600)).num_seconds().abs() < 30,
        "{wait}"
    );
    let app_small = spawn_sources_app(&fixture, |s| s.sources.max_body_bytes = 64).await;
    let someone = app_small.new_user().await;
    fixture.set_mode(Mode::Normal);
    let small = create_stars(&app_small, &someone, "r", "hourly").await;
    let error = small["source"]["lastError"].as_str().unwrap_or_default();
    assert!(
        error.contains("64"),
        "an oversized body is refused: {small}"
    );
    let started = std::time::Instant::now();
    let s = fails(&app, &user, &fixture, &id, Mode::Silent).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the fetch timed out"
    );
    assert_eq!(s["consecutiveFailures"], 4);
    let wait = time(&s["nextPollAt"]) - Utc::now();
    assert!(
        (wait - chrono::Duration::hours(6)).num_seconds().abs() < 30,
        "{wait}"
    );
    assert_eq!(s["points"].as_i64(), before, "nothing was written");
    // Upstream failures never count against the transformer.
    let failures = app
        .database
        .count("SELECT coalesce(sum(failure_count), 0)::bigint AS n FROM transformers")
        .await;
    assert_eq!(failures, 0);
    fixture.set_mode(Mode::Normal);
    let answer = refresh(&app, &user, &id).await;
    assert_eq!(answer["source"]["consecutiveFailures"], 0);
    assert_eq!(answer["source"]["lastError"], Value::Null);
}

#[actix_web::test]
async fn a_broken_transformer_fails_three_times_then_an_administrator_writes_a_new_one() {
    let fixture = Fixture::start();
    let app = spawn_sources_app(&fixture, |_| {}).await;
    let user = app.new_user().await;
    let created = create_stars(&app, &user, "r", "daily").await;
    let id = created["source"]["id"].clone();
    let polling = "SELECT failure_count::bigint AS n FROM transformers \
                   WHERE template_id = 'github-repo-stars' AND endpoint = 'polling' \
                   ORDER BY version LIMIT 1";
    for round in 1..=3 {
        let s = fails(&app, &user, &fixture, &id, Mode::ChangedShape).await;
        assert_eq!(s["consecutiveFailures"], round);
        assert!(
            s["lastError"]
                .as_str()
                .unwrap_or_default()
                .contains("transformer"),
            "{s}"
        );
        assert_eq!(app.database.count(polling).await, round);
    }
    let listed = json_of(
        app.get(
            "/api/v1/transformers?templateId=github-repo-stars",
            Some(&user.token),
        )
        .await,
    )
    .await;
    let states: Vec<(Value, Value)> = listed
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| (t["endpoint"].clone(), t["status"].clone()))
        .collect();
    assert!(
        states.contains(&(json!("polling"), json!("failed"))),
        "{listed}"
    );
    let templates = json_of(app.get("/api/v1/templates", Some(&user.token)).await).await;
    let stars = templates
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == "github-repo-stars").cloned());
    assert_eq!(
        stars.map(|t| t["hasTransformer"].clone()),
        Some(json!(false))
    );
    // A preview on the new shape, then the program stored and the source polled with it.
    let program = "{timestamp: $now, value: .stars.total}";
    let body = json!({"sourceId": id, "endpoint": "polling", "program": program});
    let preview = json_of(
        app.post("/api/v1/transformers/preview", Some(&user.token), &body)
            .await,
    )
    .await;
    assert_eq!(preview["error"], Value::Null, "{preview}");
    assert_eq!(preview["points"][0]["value"], 100.0);
    assert_eq!(preview["input"]["stars"]["total"], 100);
    // The template's transformer is every user's: an ordinary user may not write it.
    let response = app
        .post("/api/v1/transformers", Some(&user.token), &body)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let versions = "SELECT count(*) AS n FROM transformers \
                    WHERE template_id = 'github-repo-stars' AND endpoint = 'polling'";
    assert_eq!(app.database.count(versions).await, 1, "nothing was stored");
    let pool = persistence::postgres::pool::build_pool(&app.settings.database.pool())
        .unwrap_or_else(|e| panic!("pool: {e}"));
    // An administrator (a fresh one: the hub caches a user's role for a moment) writes it.
    let admin_email = format!("admin-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "a sound password".to_owned();
    let created = web::admin::create(&pool, &admin_email, None, password.clone())
        .await
        .unwrap_or_else(|e| panic!("admin: {e}"));
    let admin = TestUser {
        id: created.id,
        token: app.login(&admin_email, &password).await,
        email: admin_email,
        password,
    };
    let admin_token = admin.token.clone();
    // Through a source of their own (on the same changed shape).
    let theirs = create_stars(&app, &admin, "r", "daily").await;
    let body =
        json!({"sourceId": theirs["source"]["id"], "endpoint": "polling", "program": program});
    let bad = json!({"sourceId": theirs["source"]["id"], "program": "{timestamp: $now, value: .missing}"});
    let response = app
        .post("/api/v1/transformers", Some(&admin_token), &bad)
        .await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        json_of(response).await
    );
    let response = app
        .post("/api/v1/transformers", Some(&admin_token), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored = json_of(response).await;
    assert_eq!(
        (stored["origin"].clone(), stored["status"].clone()),
        (json!("user"), json!("active"))
    );
    // Every user's source of the template now polls with it.
    let source = refresh(&app, &user, &id).await["source"].clone();
    assert_eq!(source["lastError"], Value::Null, "{source}");
    assert_eq!(source["consecutiveFailures"], 0);
    // Now that it works, nobody may replace it.
    let response = app
        .post("/api/v1/transformers", Some(&admin_token), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
}

#[actix_web::test]
async fn the_third_failure_regenerates_the_transformer_when_an_llm_endpoint_is_set() {
    let fixture = Fixture::start();
    let app = spawn_sources_app(&fixture, |s| {
        s.llm.base_url = Some(format!("{}/v1", fixture.url));
        s.llm.model = Some("fixture".into());
    })
    .await;
    let user = app.new_user().await;
    let created = create_stars(&app, &user, "r", "daily").await;
    let id = created["source"]["id"].clone();
    for _ in 1..=2 {
        fails(&app, &user, &fixture, &id, Mode::ChangedShape).await;
    }
    assert!(
        fixture.prompts().is_empty(),
        "no generation before the third failure"
    );
    // The third: a fresh sample goes to the endpoint, whose program is stored and used at once.
    fixture.queue_completion("```jq\n{timestamp: $now, value: .stars.total}\n```");
    let answer = refresh(&app, &user, &id).await;
    assert_eq!(answer["source"]["lastError"], Value::Null, "{answer}");
    assert_eq!(answer["pointsWritten"], 1);
    assert_eq!(fixture.prompts().len(), 1);
    assert!(
        fixture.prompts()[0].to_string().contains("total"),
        "the fresh sample is sent"
    );
    let versions = "SELECT count(*) AS n FROM transformers WHERE template_id = \
                    'github-repo-stars' AND endpoint = 'polling' AND origin = 'generated' \
                    AND status = 'active' AND version = 2";
    assert_eq!(app.database.count(versions).await, 1);
    let old = "SELECT count(*) AS n FROM transformers WHERE template_id = 'github-repo-stars' \
               AND endpoint = 'polling' AND version = 1 AND status = 'deprecated' \
               AND failure_count = 3";
    assert_eq!(app.database.count(old).await, 1);
}
