//! The demo seed: realistic, consistent with the raw samples, idempotent.

use chrono::Utc;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;

use crate::helpers::{json_of, spawn_app};

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct Sums {
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    days: i64,
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct AgentSums {
    #[diesel(sql_type = BigInt)]
    llm_calls: i64,
    #[diesel(sql_type = BigInt)]
    llm_call_runs: i64,
    #[diesel(sql_type = BigInt)]
    cache_read_tokens: i64,
}

#[actix_web::test]
async fn the_seed_is_consistent_and_idempotent() {
    let app = spawn_app().await;
    let pool = persistence::postgres::pool::build_pool(&app.settings.database.pool())
        .unwrap_or_else(|e| panic!("{e}"));
    let today = Utc::now().date_naive();
    let report = web::seed::seed(&pool, today)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.users, report.assistants), (3, 5));
    assert!(report.samples > 10_000, "{report:?}");
    let again = web::seed::seed(&pool, today)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.already_seeded);

    // Rollups agree with the raw samples, computed independently in SQL.
    let mut conn = app.database.connect().await;
    let from_samples: Sums = diesel::sql_query(
        "SELECT sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                sum(cost_nanos)::bigint AS cost_nanos,
                count(DISTINCT (assistant_id, (ts AT TIME ZONE 'UTC')::date)) AS days
         FROM usage_samples",
    )
    .get_result(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let from_rollups: Sums = diesel::sql_query(
        "SELECT sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                sum(cost_nanos)::bigint AS cost_nanos, count(*) AS days FROM day_rollups",
    )
    .get_result(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_samples, from_rollups);
    assert!(from_samples.errors > 0, "the demo has errors");

    // The agent assistants' calls report agent metrics, rolled up like the other counters.
    let agent_sums = |table: &str, runs: &str| {
        format!(
            "SELECT coalesce(sum(llm_calls), 0)::bigint AS llm_calls,
                    {runs}::bigint AS llm_call_runs,
                    coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens
             FROM {table}"
        )
    };
    let raw: AgentSums = diesel::sql_query(agent_sums("usage_samples", "count(llm_calls)"))
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rolled: AgentSums = diesel::sql_query(agent_sums("day_rollups", "sum(llm_call_runs)"))
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raw, rolled);
    assert!(
        raw.llm_call_runs > 0 && raw.cache_read_tokens > 0,
        "{raw:?}"
    );
    let unreported = app
        .database
        .count("SELECT count(*) AS n FROM usage_samples WHERE llm_calls IS NULL")
        .await;
    assert!(
        unreported > 0,
        "some demo assistants report no agent metrics"
    );

    // The demo login works and shows 90 days of data.
    let token = app.login("ada@example.com", web::seed::DEMO_PASSWORD).await;
    let start = today - chrono::Days::new(120);
    let response = app
        .get(
            &format!("/api/v1/metrics/totals?start={start}"),
            Some(&token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let totals = json_of(response).await;
    let assistants = totals["assistants"].as_array().cloned().unwrap_or_default();
    assert_eq!(assistants.len(), 3);
    for summary in assistants {
        let days = summary["daysWithData"].as_i64().unwrap_or_default();
        assert!((89..=90).contains(&days), "{summary}");
    }
}
