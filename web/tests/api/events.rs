//! Per-call event ingestion through the actors: formats, exact rollups under concurrency,
//! idempotent retries, all-or-nothing validation, backpressure and database outages.

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::helpers::{
    assert_problem, database_address, database_url, json_of, problem_fields, spawn_app, spawn_with,
    test_settings, TestApp, TestDatabase, TestUser,
};
use crate::proxy::Proxy;

pub(crate) async fn post_events(
    app: &TestApp,
    user: &TestUser,
    assistant: i64,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assistants/{assistant}/events"),
        Some(&user.token),
        body,
    )
    .await
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct Sums {
    #[diesel(sql_type = BigInt)]
    samples: i64,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    tokens_in: i64,
}

/// Totals of one assistant from the raw samples and from each rollup table, each computed by
/// its own SQL.
async fn sums(app: &TestApp, assistant: i64) -> [Sums; 4] {
    let mut conn = app.database.connect().await;
    let mut out = Vec::new();
    for (table, filter) in [
        ("usage_samples", "kind = 'call'"),
        ("day_rollups", "true"),
        ("time_rollups", "width_seconds = 60"),
        ("time_rollups", "width_seconds = 3600"),
    ] {
        let samples = if table == "usage_samples" {
            "count(*)"
        } else {
            "sum(samples)"
        };
        let row: Sums = diesel::sql_query(format!(
            "SELECT coalesce({samples}, 0)::bigint AS samples,
                    coalesce(sum(calls), 0)::bigint AS calls,
                    coalesce(sum(errors), 0)::bigint AS errors,
                    coalesce(sum(cost_nanos), 0)::bigint AS cost_nanos,
                    coalesce(sum(tokens_in), 0)::bigint AS tokens_in
             FROM {table} WHERE assistant_id = {assistant} AND {filter}"
        ))
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
        out.push(row);
    }
    let [a, b, c, d]: [Sums; 4] = out.try_into().unwrap_or_else(|_| panic!("four rows"));
    [a, b, c, d]
}

#[actix_web::test]
async fn one_event_an_array_and_ndjson_are_all_stored() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;

    let one = post_events(
        &app,
        &user,
        assistant,
        &json!({"model": "gpt-4o", "cost": 0.25, "tokensIn": 10}),
    )
    .await;
    assert_eq!(one.status(), StatusCode::OK);
    assert_eq!(
        json_of(one).await,
        json!({"assistantId": assistant, "accepted": 1, "duplicates": 0, "overBudget": false})
    );

    let array = post_events(
        &app,
        &user,
        assistant,
        &json!([{"statusCode": 500, "cost": 0.5, "tokensIn": 20}, {"status": "success", "cost": 0.25, "tokensIn": 30}]),
    )
    .await;
    assert_eq!(json_of(array).await["accepted"], 2);

    let ndjson = "{\"cost\": 1.0, \"tokensIn\": 40}\n\n{\"statusCode\": 429, \"tokensIn\": 50}\n";
    let response = app
        .client
        .post(app.url(&format!("/api/v1/assistants/{assistant}/events")))
        .bearer_auth(&user.token)
        .header("content-type", "application/x-ndjson")
        .body(ndjson)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json_of(response).await["accepted"], 2);

    let expected = Sums {
        samples: 5,
        calls: 5,
        errors: 2,
        cost_nanos: 2_000_000_000,
        tokens_in: 150,
    };
    for (i, got) in sums(&app, assistant).await.into_iter().enumerate() {
        assert_eq!(got, expected, "source {i}");
    }
}

#[actix_web::test]
async fn concurrent_ingestion_keeps_every_rollup_exact() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let b = app.new_assistant(&user, "B").await;
    let now = chrono::Utc::now();
    let mut requests = Vec::new();
    for request in 0..24i64 {
        let assistant = if request % 3 == 0 { b } else { a };
        let events: Vec<Value> = (0..50i64)
            .map(|i| {
                // Spread over several minutes and hours, including the current one.
                let ts = now - chrono::Duration::minutes((request * 7 + i) % 180);
                json!({"ts": ts.to_rfc3339(), "cost": 0.000_123, "tokensIn": i,
                       "statusCode": if i % 10 == 0 { 503 } else { 200 }})
            })
            .collect();
        let (app, user) = (&app, &user);
        requests.push(async move { post_events(app, user, assistant, &json!(events)).await });
    }
    let responses = futures_util::future::join_all(requests).await;
    for response in responses {
        assert_eq!(response.status(), StatusCode::OK);
    }
    // 16 requests for A, 8 for B, 50 events each, 5 errors each.
    for (assistant, requests) in [(a, 16), (b, 8)] {
        let expected = Sums {
            samples: requests * 50,
            calls: requests * 50,
            errors: requests * 5,
            cost_nanos: requests * 50 * 123_000,
            tokens_in: requests * (0..50).sum::<i64>(),
        };
        for (i, got) in sums(&app, assistant).await.into_iter().enumerate() {
            assert_eq!(got, expected, "assistant {assistant}, source {i}");
        }
    }
}

#[actix_web::test]
async fn retried_client_ids_are_stored_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let batch = json!([
        {"clientId": "call-1", "cost": 1.0},
        {"clientId": "call-2", "cost": 1.0},
        {"clientId": "call-1", "cost": 1.0},
        {"cost": 1.0}
    ]);
    let first = json_of(post_events(&app, &user, assistant, &batch).await).await;
    assert_eq!(
        (first["accepted"].clone(), first["duplicates"].clone()),
        (json!(3), json!(1))
    );
    let retry = json_of(post_events(&app, &user, assistant, &batch).await).await;
    // The event without a client id cannot be recognised as a retry and is stored again.
    assert_eq!(
        (retry["accepted"].clone(), retry["duplicates"].clone()),
        (json!(1), json!(3))
    );
    let [raw, days, ..] = sums(&app, assistant).await;
    assert_eq!(raw.calls, 4);
    assert_eq!(days.cost_nanos, 4_000_000_000);
}

#[actix_web::test]
async fn one_bad_event_rejects_the_request_and_names_it() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let response = post_events(
        &app,
        &user,
        assistant,
        &json!([{"cost": 1.0}, {"latencyMs": -3, "cost": -1}, {"cost": 2.0}]),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        problem_fields(&problem),
        vec!["events[1].latencyMs", "events[1].cost"]
    );

    let malformed = post_events(
        &app,
        &user,
        assistant,
        &json!([{"cost": 1.0}, {"costs": 2.0}]),
    )
    .await;
    let problem = assert_problem(malformed, StatusCode::BAD_REQUEST).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap_or_default()
        .starts_with("events[1]: unknown field"));

    let empty = post_events(&app, &user, assistant, &json!([])).await;
    assert_problem(empty, StatusCode::BAD_REQUEST).await;
    let scalar = post_events(&app, &user, assistant, &json!(42)).await;
    assert_problem(scalar, StatusCode::BAD_REQUEST).await;

    let foreign = app.new_user().await;
    let response = post_events(&app, &foreign, assistant, &json!({"cost": 1.0})).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;

    let [raw, days, minutes, hours] = sums(&app, assistant).await;
    assert_eq!(
        (raw.samples, days.samples, minutes.samples, hours.samples),
        (0, 0, 0, 0)
    );
}

#[actix_web::test]
async fn oversized_and_mistyped_bodies_are_refused() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let url = app.url(&format!("/api/v1/assistants/{assistant}/events"));
    let huge = format!("[{}]", vec!["{\"cost\": 1.0}"; 400_000].join(","));
    let response = app
        .client
        .post(&url)
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    let too_many = json!(vec![json!({}); 10_001]);
    let response = post_events(&app, &user, assistant, &too_many).await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;
    let response = app
        .client
        .post(&url)
        .bearer_auth(&user.token)
        .header("content-type", "text/csv")
        .body("cost\n1.0\n")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

/// A hub whose database connections go through a proxy the test controls.
async fn app_behind_proxy(buffer_capacity: usize) -> (TestApp, Proxy) {
    app_behind_proxy_with(buffer_capacity, 500).await
}

/// A hub whose database connections pass through a [`Proxy`] the test can cut or stall; its
/// database timeouts are `timeout_ms` (the write timeout twice that).
pub(crate) async fn app_behind_proxy_with(
    buffer_capacity: usize,
    timeout_ms: u64,
) -> (TestApp, Proxy) {
    let database = TestDatabase::migrated().await;
    let upstream = database_address();
    let proxy = Proxy::start(upstream.clone()).await;
    let mut settings = test_settings(&database);
    let direct = database_url(&database.name);
    let through_proxy = direct.replace(
        &format!("@{upstream}/"),
        &format!("@127.0.0.1:{}/", proxy.port),
    );
    assert_ne!(
        through_proxy, direct,
        "the database URL does not name {upstream}"
    );
    settings.database.url = SecretString::from(through_proxy);
    settings.database.acquire_timeout_ms = timeout_ms;
    settings.database.connect_timeout_ms = timeout_ms;
    settings.database.write_timeout_ms = 2 * timeout_ms;
    settings.hub.buffer_capacity = buffer_capacity;
    (spawn_with(database, settings).await, proxy)
}

async fn stored_calls(app: &TestApp) -> i64 {
    sums(app, 1).await[0].calls
}

#[actix_web::test]
async fn postgres_down_gives_no_false_acks_and_recovers_without_restart() {
    let (app, proxy) = app_behind_proxy(1_000).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    assert_eq!(assistant, 1);
    let ok = post_events(
        &app,
        &user,
        assistant,
        &json!([{"cost": 1.0}, {"cost": 1.0}]),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);

    proxy.cut();
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/assistants/{assistant}/events")))
            .bearer_auth(&user.token)
            .json(&json!([{"cost": 5.0}]))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key("retry-after"));
    }
    proxy.restore();
    let mut recovered = false;
    for _ in 0..20 {
        let response = post_events(&app, &user, assistant, &json!([{"cost": 1.0}])).await;
        if response.status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "ingestion did not recover after the database came back"
    );
    // Exactly the acknowledged events are stored: 2 before, 1 after, none of the 503s.
    assert_eq!(stored_calls(&app).await, 3);
}

#[actix_web::test]
async fn a_full_buffer_answers_429_with_retry_after_and_drops_nothing_acknowledged() {
    let (app, proxy) = app_behind_proxy(8).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    // One stored event: the hub now knows who owns the assistant without asking the database.
    let warm = post_events(&app, &user, assistant, &json!({"cost": 1.0})).await;
    assert_eq!(warm.status(), StatusCode::OK);
    proxy.stall();
    let (app_ref, user_ref) = (&app, &user);
    let stuck = async move {
        post_events(
            app_ref,
            user_ref,
            assistant,
            &json!(vec![json!({"cost": 1.0}); 5]),
        )
        .await
    };
    let pushed = async move {
        // Let the first batch reach the (stalled) database first.
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        post_events(
            app_ref,
            user_ref,
            assistant,
            &json!(vec![json!({"cost": 1.0}); 5]),
        )
        .await
    };
    let (stuck, pushed) = tokio::join!(stuck, pushed);
    assert_eq!(
        pushed
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_problem(pushed, StatusCode::TOO_MANY_REQUESTS).await;
    // The stalled write times out: not acknowledged, and indeed not stored.
    assert_eq!(stuck.status(), StatusCode::SERVICE_UNAVAILABLE);
    proxy.restore();
    let mut stored = false;
    for _ in 0..20 {
        if post_events(&app, &user, assistant, &json!([{"cost": 1.0}]))
            .await
            .status()
            == StatusCode::OK
        {
            stored = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(stored);
    assert_eq!(stored_calls(&app).await, 2);
}
