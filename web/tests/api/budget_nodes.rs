//! Two hub nodes (their own servers, actors and live hubs, sharing PostgreSQL and Redis)
//! ingesting for the same assistants at once, past every threshold of two budgets: each
//! threshold is alerted exactly once (none twice, none missed), at a spend that really reached
//! it, and pushed live once to a subscriber on either node; and bursts that make a dozen
//! actors on both nodes check one budget at the same moment. LiteLLM #26672 is a budget bypass
//! under concurrency; these are the tests that the hub has none. (Both fail against a
//! check-then-insert without the unique key: tried while writing them.)

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::budgets::{create, stored_alerts};
use crate::helpers::{spawn_app, spawn_with, test_settings, TestApp, TestDatabase, TestUser};
use crate::live::{connect, next, send};

/// A second node on `first`'s database and Redis key prefix.
async fn second_node(first: &TestApp) -> TestApp {
    let shared = TestDatabase {
        name: first.database.name.clone(),
    };
    let mut settings = test_settings(&shared);
    settings.redis.key_prefix = first.settings.redis.key_prefix.clone();
    spawn_with(shared, settings).await
}

/// One client: `calls` requests of one call of $0.01 each to `assistant`, through `node`.
async fn client(node: &TestApp, user: &TestUser, assistant: i64, calls: usize) {
    for _ in 0..calls {
        let response = node
            .post(
                &format!("/api/v1/assistants/{assistant}/events"),
                Some(&user.token),
                &json!([{"model": "gpt-4o", "cost": 0.01}]),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[actix_web::test]
async fn two_nodes_ingesting_at_once_alert_each_threshold_exactly_once() {
    let first = spawn_app().await;
    let second = second_node(&first).await;
    let user = first.new_user().await;
    let a = first.new_assistant(&user, "A").await;
    let b = first.new_assistant(&user, "B").await;
    let thresholds: Vec<i32> = (1..=10).map(|i| i * 10).collect();
    // A's own budget ($0.50) and one over both assistants ($1.00), ten thresholds each.
    let own = create(
        &first,
        &user,
        json!({"assistantId": a, "period": "daily", "limit": 0.5, "thresholds": thresholds}),
    )
    .await;
    let all = create(
        &first,
        &user,
        json!({"period": "daily", "limit": 1.0, "thresholds": thresholds}),
    )
    .await;
    let mut ws = connect(&second, &user.token).await;
    send(&mut ws, json!({"type": "subscribe", "assistants": [a, b]})).await;
    for _ in 0..2 {
        let snapshot = next(&mut ws, Duration::from_secs(5))
            .await
            .unwrap_or_default();
        assert_eq!(snapshot["type"], "snapshot");
    }
    // Let the second node's Redis subscription settle.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // 120 calls of $0.01, 60 per assistant, from 8 clients spread over both nodes: $0.60 for A
    // (120 % of its budget) and $1.20 in all (120 %).
    let mut clients = Vec::new();
    for (i, assistant) in [a, b, a, b, a, b, a, b].into_iter().enumerate() {
        let node = if i % 2 == 0 { &first } else { &second };
        clients.push(client(node, &user, assistant, 15));
    }
    join_all(clients).await;

    for budget in [&own, &all] {
        let id = budget["id"].as_i64().unwrap_or_default();
        assert_eq!(stored_alerts(&first, id).await, thresholds, "budget {id}");
        // Each alert records a spend that had really reached its threshold.
        let limit_nanos = (budget["limit"].as_f64().unwrap_or_default() * 1e9).round() as i64;
        let early = first
            .database
            .count(&format!(
                "SELECT count(*) AS n FROM budget_alerts WHERE budget_id = {id}
                   AND spent_nanos::numeric * 100 < {limit_nanos}::numeric * threshold"
            ))
            .await;
        assert_eq!(early, 0, "budget {id}: an alert below its threshold");
    }
    let spent = first
        .database
        .count("SELECT sum(cost_nanos)::bigint AS n FROM day_rollups")
        .await;
    assert_eq!(spent, 1_200_000_000, "every call stored once");

    // Pushed live exactly once each, whichever node raised it, to a subscriber on the second.
    let mut pushed: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    let expected = 2 * thresholds.len();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let wait = if pushed.len() < expected {
            deadline - tokio::time::Instant::now()
        } else {
            // Everything arrived: anything more within a second would be a repeat.
            Duration::from_secs(1)
        };
        let Some(message) = next(&mut ws, wait).await else {
            break;
        };
        for alert in message["alerts"].as_array().cloned().unwrap_or_default() {
            let key = (
                alert["budgetId"].as_i64().unwrap_or_default(),
                alert["threshold"].as_i64().unwrap_or_default(),
            );
            *pushed.entry(key).or_default() += 1;
        }
    }
    let ids: Vec<i64> = [&own, &all]
        .iter()
        .map(|b| b["id"].as_i64().unwrap_or_default())
        .collect();
    let want: BTreeMap<(i64, i64), usize> = ids
        .iter()
        .flat_map(|id| thresholds.iter().map(move |t| ((*id, i64::from(*t)), 1)))
        .collect();
    assert_eq!(pushed, want);
    // The second node does not own the database.
    std::mem::forget(second.database);
}

/// Posts one call of `cost` to `assistant` through `node`.
async fn one_call(node: &TestApp, user: &TestUser, assistant: i64, cost: f64) {
    let response = node
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &json!([{"model": "gpt-4o", "cost": cost}]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_burst_on_both_nodes_checked_by_every_actor_at_once_alerts_each_threshold_once() {
    let first = spawn_app().await;
    let second = second_node(&first).await;
    let thresholds: Vec<i32> = (1..=10).map(|i| i * 10).collect();
    // Rounds with fresh users: each burst makes the actors of six assistants on both nodes
    // (twelve, four database connections per node) check one user-wide budget at the same
    // moment, every one of them seeing thresholds no alert exists for yet.
    for round in 0..3 {
        let user = first.new_user().await;
        let mut assistants = Vec::new();
        for i in 0..6 {
            assistants.push(first.new_assistant(&user, &format!("bot {i}")).await);
        }
        let all = create(
            &first,
            &user,
            json!({"period": "daily", "limit": 1.0, "thresholds": thresholds}),
        )
        .await;
        let own = create(
            &first,
            &user,
            json!({"assistantId": assistants[0], "period": "daily", "limit": 0.15, "thresholds": thresholds}),
        )
        .await;
        let burst = assistants
            .iter()
            .flat_map(|a| [(&first, *a), (&second, *a)])
            .map(|(node, a)| one_call(node, &user, a, 0.1));
        join_all(burst).await;
        for budget in [&all, &own] {
            let id = budget["id"].as_i64().unwrap_or_default();
            assert_eq!(
                stored_alerts(&first, id).await,
                thresholds,
                "round {round}, budget {id}"
            );
        }
    }
    std::mem::forget(second.database);
}
