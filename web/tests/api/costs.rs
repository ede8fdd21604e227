//! Budgets (acks, alerts, history, live push), the versioned price table, and retention.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::analytics::ingest;
use crate::helpers::{assert_problem, json_of, spawn_app, TestApp, TestUser};
use crate::live::{connect, send, until};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.database.connect().await;
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

fn call(cost: f64) -> Value {
    json!({"model": "gpt-4o", "cost": cost, "latencyMs": 300})
}

async fn post_budget(app: &TestApp, user: &TestUser, body: Value) -> reqwest::Response {
    app.post("/api/v1/budgets", Some(&user.token), &body).await
}

#[actix_web::test]
async fn crossing_a_budget_flags_acks_alerts_once_and_pushes_it_live() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let daily = json_of(
        post_budget(
            &app,
            &user,
            json!({"assistantId": a, "period": "daily", "limit": 0.01, "thresholds": [100]}),
        )
        .await,
    )
    .await;
    let monthly = post_budget(&app, &user, json!({"period": "monthly", "limit": 1000})).await;
    assert_eq!(monthly.status(), StatusCode::CREATED);

    let mut ws = connect(&app, &user.token).await;
    send(&mut ws, json!({"type": "subscribe", "assistants": [a]})).await;

    let mut flags = Vec::new();
    for _ in 0..3 {
        let ack = ingest(&app, &user, a, &[call(0.006)]).await;
        flags.push(ack["overBudget"].as_bool());
    }
    assert_eq!(flags, [Some(false), Some(true), Some(true)]);

    let seen = until(&mut ws, StdDuration::from_secs(5), |m| {
        m["alerts"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let alert = seen
        .last()
        .map(|m| m["alerts"][0].clone())
        .unwrap_or_default();
    assert_eq!(alert["budgetId"], daily["id"]);
    assert_eq!(alert["spent"], 0.012);
    assert_eq!(alert["limit"], 0.01);

    let history = json_of(app.get("/api/v1/budgets/alerts", Some(&user.token)).await).await;
    let history = history.as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["budgetId"], daily["id"]);
    assert_eq!(
        history[0]["periodStart"],
        Utc::now().date_naive().to_string()
    );

    // Another user sees none of it.
    let other = app.new_user().await;
    let theirs = json_of(app.get("/api/v1/budgets/alerts", Some(&other.token)).await).await;
    assert_eq!(theirs, json!([]));
    let id = daily["id"].as_i64().unwrap_or_default();
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/budgets/{id}")))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/budgets/{id}")))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let ack = ingest(&app, &user, a, &[call(0.006)]).await;
    assert_eq!(ack["overBudget"], false);
}

#[actix_web::test]
async fn bad_budgets_are_rejected() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let theirs = app.new_assistant(&other, "theirs").await;
    for body in [
        json!({"period": "weekly", "limit": 1}),
        json!({"period": "daily", "limit": -1}),
        json!({"period": "daily", "limit": 0}),
        json!({"period": "daily"}),
        json!({"period": "daily", "limit": 1, "extra": true}),
    ] {
        let response = post_budget(&app, &user, body.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let response = post_budget(
        &app,
        &user,
        json!({"assistantId": theirs, "period": "daily", "limit": 1}),
    )
    .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    // Not even an admin budgets someone else's assistant (it would never be checked).
    let admin = app.make_admin(&user).await;
    let response = post_budget(
        &app,
        &admin,
        json!({"assistantId": theirs, "period": "daily", "limit": 1}),
    )
    .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(count(&app, "SELECT count(*) AS n FROM budgets").await, 0);
}

#[actix_web::test]
async fn calls_without_cost_are_priced_by_the_version_in_force() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let price = json!({"model": "gpt-x", "inputPerMtok": 2.5, "outputPerMtok": 10.0,
                       "effectiveFrom": "2020-01-01T00:00:00Z"});
    let response = app.post("/api/v1/prices", Some(&user.token), &price).await;
    assert_problem(response, StatusCode::FORBIDDEN).await;

    let admin = app.make_admin(&user).await.token;
    let response = app.post("/api/v1/prices", Some(&admin), &price).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = app.post("/api/v1/prices", Some(&admin), &price).await;
    assert_problem(response, StatusCode::CONFLICT).await;
    let newer = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let response = app
        .post(
            "/api/v1/prices",
            Some(&admin),
            &json!({"model": "gpt-x", "inputPerMtok": 1.0, "outputPerMtok": 4.0, "effectiveFrom": newer}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let bad = json!({"model": "gpt-x", "inputPerMtok": -1.0, "outputPerMtok": 4.0});
    let response = app.post("/api/v1/prices", Some(&admin), &bad).await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;

    let a = app.new_assistant(&user, "A").await;
    let tokens = |hours_ago: i64| {
        json!({"model": "gpt-x", "tokensIn": 1000, "tokensOut": 500,
               "ts": (Utc::now() - Duration::hours(hours_ago)).to_rfc3339()})
    };
    let mut sent_cost = tokens(0);
    sent_cost["cost"] = json!(0.5);
    let mut unknown = tokens(0);
    unknown["model"] = json!("unpriced");
    ingest(&app, &user, a, &[tokens(2), tokens(0), sent_cost, unknown]).await;
    let costs = |filter: &str| {
        format!(
            "SELECT coalesce(sum(cost_nanos), 0)::bigint AS n FROM usage_samples WHERE {filter}"
        )
    };
    // 1000 × $2.50 + 500 × $10 per million = $0.0075 two hours ago; $0.003 at the newer price.
    assert_eq!(
        count(&app, &costs("ts < now() - interval '90 minutes'")).await,
        7_500_000
    );
    assert_eq!(
        count(
            &app,
            &costs("ts > now() - interval '90 minutes' AND cost_nanos <> 500000000")
        )
        .await,
        3_000_000
    );
    assert_eq!(count(&app, &costs("model = 'unpriced'")).await, 0);
    let day = json_of(
        app.get(
            &format!("/api/v1/dashboard?range=24h&assistant={a}"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(day["summary"]["totalCost"], 0.5105);
}

#[actix_web::test]
async fn retention_drops_old_raw_samples_and_keeps_rollups() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let old_day = (Utc::now() - Duration::days(40)).date_naive();
    let old: Vec<Value> = (0..30)
        .map(|i| {
            let ts = old_day.and_hms_opt(12, 0, i).unwrap_or_default().and_utc();
            json!({"ts": ts.to_rfc3339(), "model": "gpt-4o", "cost": 0.01, "latencyMs": 100 + i})
        })
        .collect();
    ingest(&app, &user, a, &old).await;
    ingest(&app, &user, a, &[call(0.01), call(0.01)]).await;
    let path = format!("/api/v1/dashboard?range=custom&start={old_day}&end={old_day}");
    let before = json_of(app.get(&path, Some(&user.token)).await).await;
    let filtered =
        format!("/api/v1/assistants/{a}/metrics?start={old_day}&end={old_day}&model=gpt-4o");
    let filtered_before = json_of(app.get(&filtered, Some(&user.token)).await).await;
    assert_eq!(
        filtered_before["metrics"][0]["callCount"], 30,
        "{filtered_before}"
    );
    assert_eq!(before["summary"]["calls"], 30);

    let mut conn = app.database.connect().await;
    let dropped = persistence::postgres::queries::retention::drop_raw_samples(
        &mut conn,
        Utc::now() - Duration::days(30),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dropped, 30);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM usage_samples").await,
        2
    );
    let fresh = app
        .client
        .get(app.url(&path))
        .bearer_auth(&user.token)
        .header("Cache-Control", "no-cache")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let after = json_of(fresh).await;
    assert_eq!(after["summary"], before["summary"]);
    assert_eq!(after["latencyOverTime"], before["latencyOverTime"]);
    let filtered_after = json_of(app.get(&filtered, Some(&user.token)).await).await;
    assert_eq!(filtered_after, filtered_before);
}
