//! Agent metrics (seed 003): `llmCalls`, `toolCalls` and `cacheReadTokens` are validated on
//! both ingest paths, stored on the sample, summed in every rollup exactly as in the raw
//! samples, and shown in `/dashboard` as averages over the runs that reported them and as a
//! cache hit rate, all checked against SQL over the same samples; `/runs` returns them per call.

use chrono::{Duration, Utc};
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::analytics::{as_f64, get_fresh, ingest, number};
use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp};

/// Calls over the last two days; every third reports no agent metrics at all, every fifth
/// reports LLM calls only.
fn agent_events(count: i64) -> Vec<Value> {
    let now = Utc::now();
    (0..count)
        .map(|i| {
            let tokens_in = 100 + (i * 37) % 2_000;
            let mut event = json!({
                "ts": (now - Duration::minutes(5 + i * 23)).to_rfc3339(),
                "model": if i % 2 == 0 { "gpt-4o" } else { "claude" },
                "status": if i % 7 == 0 { "error" } else { "success" },
                "tokensIn": tokens_in,
                "tokensOut": (i * 11) % 500,
                "cost": 0.001,
            });
            if i % 3 != 0 {
                event["llmCalls"] = json!(1 + i % 4);
                if i % 5 != 0 {
                    event["toolCalls"] = json!(i % 6);
                    event["cacheReadTokens"] = json!(tokens_in * (i % 10) / 10);
                }
            }
            event
        })
        .collect()
}

#[actix_web::test]
async fn bad_agent_metrics_are_refused_with_their_fields_and_store_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Agent").await;
    let path = format!("/api/v1/assistants/{assistant}/events");
    // A fractional count is not an integer: refused while decoding, also a 400.
    let fractional = json!([{"llmCalls": 2.5}]);
    let response = app.post(&path, Some(&user.token), &fractional).await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;
    let bad = json!([
        {"llmCalls": -1, "toolCalls": 1_000_001},
        {"tokensIn": 10, "cacheReadTokens": 11},
        {"cacheReadTokens": 5},
    ]);
    let response = app.post(&path, Some(&user.token), &bad).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        problem_fields(&problem),
        vec![
            "events[0].llmCalls",
            "events[0].toolCalls",
            "events[1].cacheReadTokens",
            "events[2].cacheReadTokens",
        ]
    );
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM usage_samples")
            .await,
        0
    );
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM day_rollups")
            .await,
        0
    );

    // The WebSocket ingest path checks the same fields and stores what is valid.
    let mut ws = crate::ws_ingest::connect(&app, &format!("token={}", user.token)).await;
    let nack = crate::ws_ingest::exchange(
        &mut ws,
        &json!({"id": "n", "assistantId": assistant,
                "events": [{"tokensIn": 1, "cacheReadTokens": 2}]})
        .to_string(),
    )
    .await;
    assert_eq!(
        (nack["type"].clone(), nack["status"].clone()),
        (json!("nack"), json!(400))
    );
    assert!(nack["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("cacheReadTokens"));
    let ack = crate::ws_ingest::exchange(
        &mut ws,
        &json!({"id": "y", "assistantId": assistant,
                "events": [{"tokensIn": 40, "cacheReadTokens": 30, "llmCalls": 4, "toolCalls": 2}]})
        .to_string(),
    )
    .await;
    assert_eq!(ack["accepted"], 1, "{ack}");
    let stored = app
        .database
        .count(
            "SELECT count(*) AS n FROM usage_samples
             WHERE llm_calls = 4 AND tool_calls = 2 AND cache_read_tokens = 30",
        )
        .await;
    assert_eq!(stored, 1);
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct AgentSums {
    #[diesel(sql_type = BigInt)]
    llm_calls: i64,
    #[diesel(sql_type = BigInt)]
    llm_call_runs: i64,
    #[diesel(sql_type = BigInt)]
    tool_calls: i64,
    #[diesel(sql_type = BigInt)]
    tool_call_runs: i64,
    #[diesel(sql_type = BigInt)]
    cache_read_tokens: i64,
    #[diesel(sql_type = BigInt)]
    cache_read_tokens_in: i64,
}

async fn sums(app: &TestApp, sql: &str) -> AgentSums {
    let mut conn = app.database.connect().await;
    diesel::sql_query(sql)
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

const RAW_SUMS: &str = "SELECT coalesce(sum(llm_calls), 0)::bigint AS llm_calls,
        count(llm_calls) AS llm_call_runs,
        coalesce(sum(tool_calls), 0)::bigint AS tool_calls,
        count(tool_calls) AS tool_call_runs,
        coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens,
        coalesce(sum(tokens_in) FILTER (WHERE cache_read_tokens IS NOT NULL), 0)::bigint
            AS cache_read_tokens_in
    FROM usage_samples";

fn rollup_sums(table: &str, filter: &str) -> String {
    format!(
        "SELECT sum(llm_calls)::bigint AS llm_calls, sum(llm_call_runs)::bigint AS llm_call_runs,
                sum(tool_calls)::bigint AS tool_calls, sum(tool_call_runs)::bigint AS tool_call_runs,
                sum(cache_read_tokens)::bigint AS cache_read_tokens,
                sum(cache_read_tokens_in)::bigint AS cache_read_tokens_in
         FROM {table} WHERE {filter}"
    )
}

#[actix_web::test]
async fn every_rollup_sums_the_agent_metrics_of_the_raw_samples() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Agent").await;
    ingest(&app, &user, assistant, &agent_events(120)).await;
    // A daily record reports none of them.
    let daily = json!({"date": Utc::now().date_naive(), "callCount": 3, "totalMinutes": 1.0,
                       "totalCost": 0.3});
    assert_eq!(
        app.post_daily(&user, assistant, &daily).await.status(),
        StatusCode::CREATED
    );
    let raw = sums(&app, RAW_SUMS).await;
    assert!(
        raw.llm_call_runs > 0 && raw.cache_read_tokens > 0,
        "{raw:?}"
    );
    assert!(raw.llm_call_runs < 120, "some runs reported nothing");
    for (table, filter) in [
        ("day_rollups", "true"),
        ("time_rollups", "width_seconds = 60"),
        ("time_rollups", "width_seconds = 3600"),
        ("breakdown_rollups", "width_seconds = 3600"),
        ("breakdown_rollups", "width_seconds = 86400"),
    ] {
        assert_eq!(
            sums(&app, &rollup_sums(table, filter)).await,
            raw,
            "{table} {filter}"
        );
    }
}

#[actix_web::test]
async fn dashboard_kpis_average_agent_metrics_over_the_runs_that_reported_them() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Agent").await;
    let plain = app.new_assistant(&user, "Plain").await;
    ingest(&app, &user, assistant, &agent_events(90)).await;
    ingest(
        &app,
        &user,
        plain,
        &[json!({"tokensIn": 500, "cost": 0.01, "model": "gpt-4o"})],
    )
    .await;

    let response = get_fresh(&app, "/api/v1/dashboard?range=7d", &user.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let d = json_of(response).await;
    let start = d["window"]["start"].as_str().unwrap_or_default().to_owned();
    let end = d["window"]["end"].as_str().unwrap_or_default().to_owned();
    let scope = format!("FROM usage_samples WHERE ts >= '{start}' AND ts < '{end}'");
    let mut conn = app.database.connect().await;
    let s = &d["summary"];
    for (field, sql) in [
        ("avgLlmCalls", "avg(llm_calls)::float8"),
        ("avgToolCalls", "avg(tool_calls)::float8"),
        (
            "cacheHitRate",
            "sum(cache_read_tokens)::float8
             / sum(tokens_in) FILTER (WHERE cache_read_tokens IS NOT NULL)",
        ),
        (
            "cacheReadTokens",
            "coalesce(sum(cache_read_tokens), 0)::float8",
        ),
    ] {
        let want = number(&mut conn, &format!("SELECT {sql} AS x {scope}")).await;
        let got = as_f64(&s[field]);
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{field}: {got} vs {want}"
        );
    }
    // The comparison carries them too (the same KPIs, like for like).
    assert!(d["comparison"]["current"]
        .as_object()
        .is_some_and(|k| k.contains_key("cacheHitRate")));

    // An assistant whose calls reported none: not reported (null), not zero.
    let response = get_fresh(
        &app,
        &format!("/api/v1/dashboard?range=7d&assistant={plain}"),
        &user.token,
    )
    .await;
    let only_plain = json_of(response).await;
    assert_eq!(only_plain["summary"]["calls"], 1, "{only_plain}");
    for field in ["avgLlmCalls", "avgToolCalls", "cacheHitRate"] {
        assert_eq!(only_plain["summary"][field], Value::Null, "{field}");
    }
}

#[actix_web::test]
async fn runs_return_the_agent_metrics_each_call_reported() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Agent").await;
    ingest(
        &app,
        &user,
        assistant,
        &[
            json!({"ts": (Utc::now() - Duration::minutes(2)).to_rfc3339(), "tokensIn": 50}),
            json!({"ts": (Utc::now() - Duration::minutes(1)).to_rfc3339(), "tokensIn": 50,
                   "llmCalls": 3, "toolCalls": 0, "cacheReadTokens": 20}),
        ],
    )
    .await;
    let page = json_of(app.get("/api/v1/runs", Some(&user.token)).await).await;
    let runs = page["runs"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (
            runs[0]["llmCalls"].clone(),
            runs[0]["toolCalls"].clone(),
            runs[0]["cacheReadTokens"].clone()
        ),
        (json!(3), json!(0), json!(20))
    );
    let older = runs[1].as_object().cloned().unwrap_or_default();
    assert!(
        !older.contains_key("llmCalls") && !older.contains_key("cacheReadTokens"),
        "{older:?}"
    );
}
