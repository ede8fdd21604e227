//! The dashboard, summary and time series, each aggregate checked against direct SQL over the
//! raw samples; the payload cache; bad ranges and ownership.

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{BigInt, Double, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::latency::bin;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp, TestUser};

/// Posts events in chunks; all must be stored.
pub async fn ingest(app: &TestApp, user: &TestUser, assistant: i64, events: &[Value]) -> Value {
    let mut last = Value::Null;
    for chunk in events.chunks(500) {
        let response = app
            .post(
                &format!("/api/v1/assistants/{assistant}/events"),
                Some(&user.token),
                &json!(chunk),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        last = json_of(response).await;
    }
    last
}

/// A varied, deterministic set of calls over the last ~5 days.
pub(crate) fn events(count: i64, seed: i64, now: DateTime<Utc>) -> Vec<Value> {
    const MODELS: [&str; 3] = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"];
    const COUNTRIES: [&str; 4] = ["US", "DE", "FR", "JP"];
    const DOMAINS: [&str; 3] = ["support", "sales", "docs"];
    (0..count)
        .map(|i| {
            let k = i * 7 + seed;
            let failed = k % 7 == 0 || k % 11 == 0;
            let mut event = json!({
                "ts": (now - Duration::minutes(1 + i * 17)).to_rfc3339(),
                "model": MODELS[(k % 3) as usize],
                "status": if failed { "error" } else { "success" },
                "statusCode": if failed { [500, 429, 503][(k % 3) as usize] } else { 200 },
                "durationMs": 1_000 + (k * 37) % 9_000,
                "tokensIn": (k * 13) % 3_000,
                "tokensOut": (k * 29) % 1_500,
                "cost": ((k % 9) as f64) * 0.0017,
                "country": COUNTRIES[(k % 4) as usize],
                "domain": DOMAINS[(k % 3) as usize],
            });
            if k % 13 != 0 {
                // Mostly 80–2,500 ms with a slow tail.
                let latency = 80 + (k * 97) % 2_400 + if k % 17 == 0 { 9_000 } else { 0 };
                event["latencyMs"] = json!(latency);
            }
            event
        })
        .collect()
}

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Pair {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    v: i64,
}

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = Double)]
    x: f64,
}

pub(crate) async fn pairs(conn: &mut AsyncPgConnection, sql: &str) -> Vec<(String, i64)> {
    diesel::sql_query(sql)
        .load::<Pair>(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|p| (p.k, p.v))
        .collect()
}

pub(crate) async fn number(conn: &mut AsyncPgConnection, sql: &str) -> f64 {
    diesel::sql_query(sql)
        .get_result::<Number>(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .x
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

pub(crate) fn as_f64(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// The percentile in a payload lies in the same histogram bin as the exact one.
pub(crate) fn same_bin(payload: &Value, exact: f64) {
    let got = payload.as_i64().unwrap_or(-1);
    assert_eq!(
        bin(got as i32),
        bin(exact as i32),
        "percentile {got} vs exact {exact}"
    );
}

/// `(label, value)` pairs of a payload list.
pub(crate) fn listed(list: &Value, label: &str, value: &str) -> Vec<(String, i64)> {
    list.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e[label].as_str().unwrap_or_default().to_owned(),
                e[value].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

pub(crate) async fn get_fresh(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .header("Cache-Control", "no-cache")
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

#[actix_web::test]
async fn every_dashboard_aggregate_matches_sql_over_the_raw_samples() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let b = app.new_assistant(&user, "B").await;
    let now = Utc::now();
    ingest(&app, &user, a, &events(300, 1, now)).await;
    ingest(&app, &user, b, &events(200, 4, now)).await;
    // Someone else's usage must not count.
    let other = app.new_user().await;
    let c = app.new_assistant(&other, "C").await;
    ingest(&app, &other, c, &events(50, 2, now)).await;

    let mut conn = app.database.connect().await;
    for range in ["7d", "24h"] {
        let response = get_fresh(
            &app,
            &format!("/api/v1/dashboard?range={range}"),
            &user.token,
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        let d = json_of(response).await;
        let start = d["window"]["start"].as_str().unwrap_or_default().to_owned();
        let end = d["window"]["end"].as_str().unwrap_or_default().to_owned();
        let unit = if range == "24h" { "hour" } else { "day" };
        let scope = format!(
            "FROM usage_samples WHERE assistant_id IN ({a}, {b})
             AND ts >= '{start}' AND ts < '{end}'"
        );
        let s = &d["summary"];
        let count = |sql: &str| format!("SELECT {sql}::float8 AS x {scope}");
        assert_eq!(
            as_f64(&s["runs"]),
            number(&mut conn, &count("count(*)")).await,
            "{range}"
        );
        assert_eq!(
            as_f64(&s["calls"]),
            number(&mut conn, &count("sum(calls)")).await
        );
        assert_eq!(
            as_f64(&s["errors"]),
            number(&mut conn, &count("sum(errors)")).await
        );
        assert_eq!(
            as_f64(&s["tokensIn"]),
            number(&mut conn, &count("sum(tokens_in)")).await
        );
        assert_eq!(
            as_f64(&s["tokensOut"]),
            number(&mut conn, &count("sum(tokens_out)")).await
        );
        let checks = [
            ("totalCost", "sum(cost_nanos) / 1e9"),
            ("successRate", "(sum(calls) - sum(errors))::float8 / sum(calls)"),
            ("avgDurationMs", "sum(duration_ms)::float8 / sum(calls)"),
            ("avgLatencyMs", "avg(latency_ms)"),
            ("costPerRun", "sum(cost_nanos) / 1e9 / count(*)"),
            (
                "costPerSuccess",
                "sum(cost_nanos) FILTER (WHERE status <> 'error') / 1e9 / (sum(calls) - sum(errors))",
            ),
            ("costPerFailure", "sum(cost_nanos) FILTER (WHERE status = 'error') / 1e9 / sum(errors)"),
        ];
        for (field, sql) in checks {
            let want = number(&mut conn, &count(sql)).await;
            assert!(
                close(as_f64(&s[field]), want),
                "{range} {field}: {} vs {want}",
                s[field]
            );
        }
        for (name, q) in [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)] {
            let exact = number(
                &mut conn,
                &format!("SELECT percentile_disc({q}) WITHIN GROUP (ORDER BY latency_ms)::float8 AS x {scope}"),
            )
            .await;
            same_bin(&s["latency"][name], exact);
        }

        // Series: every bucket of the window, matching SQL per bucket.
        let per_bucket = |what: &str| {
            format!(
                "SELECT to_char(date_trunc('{unit}', ts AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS k,
                        ({what})::bigint AS v {scope} GROUP BY 1 ORDER BY 1"
            )
        };
        let buckets = d["requestsOverTime"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(buckets.len(), if range == "24h" { 24 } else { 7 });
        let nonzero = |field: &str| -> Vec<(String, i64)> {
            buckets
                .iter()
                .map(|p| {
                    let at = DateTime::parse_from_rfc3339(p["bucket"].as_str().unwrap_or_default())
                        .map(|t| {
                            t.with_timezone(&Utc)
                                .format("%Y-%m-%dT%H:%M:%SZ")
                                .to_string()
                        })
                        .unwrap_or_default();
                    (at, p[field].as_i64().unwrap_or(-1))
                })
                .filter(|(_, v)| *v != 0)
                .collect()
        };
        let sql_nonzero = |rows: Vec<(String, i64)>| {
            rows.into_iter()
                .filter(|(_, v)| *v != 0)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            nonzero("success"),
            sql_nonzero(pairs(&mut conn, &per_bucket("sum(calls) - sum(errors)")).await)
        );
        assert_eq!(
            nonzero("error"),
            sql_nonzero(pairs(&mut conn, &per_bucket("sum(errors)")).await)
        );
        let costs: Vec<i64> = d["costsOverTime"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|p| (as_f64(&p["cost"]) * 1e9).round() as i64)
            .filter(|v| *v != 0)
            .collect();
        let sql_costs: Vec<i64> =
            sql_nonzero(pairs(&mut conn, &per_bucket("sum(cost_nanos)")).await)
                .into_iter()
                .map(|(_, v)| v)
                .collect();
        assert_eq!(costs, sql_costs);
        let p95s = pairs(
            &mut conn,
            &per_bucket("percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)"),
        )
        .await;
        let latency = d["latencyOverTime"].as_array().cloned().unwrap_or_default();
        let with_latency: Vec<&Value> = latency.iter().filter(|p| !p["p95"].is_null()).collect();
        assert_eq!(with_latency.len(), p95s.len());
        for (point, (_, exact)) in with_latency.iter().zip(&p95s) {
            same_bin(&point["p95"], *exact as f64);
        }

        // Breakdowns.
        assert_eq!(
            listed(&d["errorsByStatusCode"], "statusCode", "count"),
            pairs(&mut conn, &format!("SELECT status_code::text AS k, count(*) AS v {scope} AND status = 'error' GROUP BY 1 ORDER BY 2 DESC, 1")).await
        );
        assert_eq!(
            listed(&d["topModels"], "model", "calls"),
            pairs(
                &mut conn,
                &format!("SELECT model AS k, count(*) AS v {scope} GROUP BY 1 ORDER BY 2 DESC, 1")
            )
            .await
        );
        for (list, column) in [("topCountries", "country"), ("topDomains", "domain")] {
            assert_eq!(
                listed(&d[list], "label", "calls"),
                pairs(&mut conn, &format!("SELECT {column} AS k, count(*) AS v {scope} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10")).await,
                "{list}"
            );
        }
    }
}

#[actix_web::test]
async fn filtered_time_series_and_summary_match_sql() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let now = Utc::now();
    ingest(&app, &user, a, &events(400, 3, now)).await;
    let mut conn = app.database.connect().await;
    let start = (now - Duration::days(9)).date_naive();
    let end = now.date_naive();
    for (granularity, unit) in [("hour", "hour"), ("day", "day"), ("week", "week")] {
        let path = format!(
            "/api/v1/timeseries?start={start}&end={end}&granularity={granularity}&status=error&model=gpt-4o&assistant={a}"
        );
        let response = app.get(&path, Some(&user.token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{granularity}");
        let series = json_of(response).await;
        let got: Vec<(String, i64)> = series["points"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|p| p["calls"].as_i64() != Some(0))
            .map(|p| {
                let at = DateTime::parse_from_rfc3339(p["bucket"].as_str().unwrap_or_default())
                    .map(|t| {
                        t.with_timezone(&Utc)
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string()
                    })
                    .unwrap_or_default();
                (at, p["calls"].as_i64().unwrap_or(-1))
            })
            .collect();
        let want = pairs(
            &mut conn,
            &format!(
                "SELECT to_char(date_trunc('{unit}', ts AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS k,
                        count(*) AS v
                 FROM usage_samples WHERE assistant_id = {a} AND status = 'error' AND model = 'gpt-4o'
                 GROUP BY 1 ORDER BY 1"
            ),
        )
        .await;
        assert!(!want.is_empty());
        assert_eq!(got, want, "{granularity}");
    }
    let summary = json_of(
        app.get(
            &format!("/api/v1/summary?start={start}&end={end}&model=gpt-4o"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let calls = number(
        &mut conn,
        &format!("SELECT count(*)::float8 AS x FROM usage_samples WHERE assistant_id = {a} AND model = 'gpt-4o'"),
    )
    .await;
    assert_eq!(as_f64(&summary["kpis"]["calls"]), calls);
    let p99 = number(
        &mut conn,
        &format!("SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms)::float8 AS x FROM usage_samples WHERE assistant_id = {a} AND model = 'gpt-4o'"),
    )
    .await;
    same_bin(&summary["kpis"]["latency"]["p99"], p99);
}

#[actix_web::test]
async fn the_cached_dashboard_is_never_older_than_the_live_stream() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let now = Utc::now();
    ingest(&app, &user, a, &events(20, 1, now)).await;
    let calls = |d: &Value| d["summary"]["calls"].as_i64().unwrap_or(-1);
    let fetch = |path: &'static str| {
        let app = &app;
        let token = user.token.clone();
        async move {
            let response = app.get(path, Some(&token)).await;
            let cache = response
                .headers()
                .get("x-cache")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (cache, json_of(response).await)
        }
    };
    // Wait for the announcement of the first batch, then the cache fills and serves.
    let mut first = fetch("/api/v1/dashboard?range=7d").await;
    for _ in 0..50 {
        if calls(&first.1) == 20 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        first = fetch("/api/v1/dashboard?range=7d").await;
    }
    assert_eq!(calls(&first.1), 20);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (_, warm) = fetch("/api/v1/dashboard?range=7d").await;
    let (cache, again) = fetch("/api/v1/dashboard?range=7d").await;
    assert_eq!(cache, "hit");
    assert_eq!(again, warm);

    // New samples: once their live delta is out, the cached payload is no longer served.
    ingest(&app, &user, a, &events(5, 9, now)).await;
    let mut seen = Vec::new();
    for _ in 0..50 {
        let (cache, d) = fetch("/api/v1/dashboard?range=7d").await;
        seen.push((cache.clone(), calls(&d)));
        if calls(&d) == 25 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen.last().map(|s| s.1), Some(25), "{seen:?}");
}

#[actix_web::test]
async fn bad_ranges_are_400_and_other_users_assistants_404() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let theirs = app.new_assistant(&other, "theirs").await;
    let problem = assert_problem(
        app.get("/api/v1/dashboard?range=custom", Some(&user.token))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["start", "end"]);
    for path in [
        "/api/v1/dashboard?range=1y",
        "/api/v1/dashboard?range=custom&start=2026-02-02&end=2026-02-01",
        "/api/v1/dashboard?range=custom&start=yesterday&end=2026-02-01",
        "/api/v1/timeseries?start=2026-01-01&end=2026-03-01&granularity=hour",
        "/api/v1/timeseries?start=2026-01-01&end=2026-01-02&granularity=minute",
        "/api/v1/timeseries?start=2026-01-01&end=2026-01-02&status=maybe",
        "/api/v1/summary?start=2026-01-01",
        "/api/v1/dashboard?range=7d&start=2026-01-01",
        "/api/v1/dashboard?range=custom&start=2025-01-01&end=2026-03-01",
        "/api/v1/dashboard?range=custom&start=%2B262142-12-30&end=%2B262142-12-31",
        "/api/v1/dashboard?range=custom&start=-262143-01-01&end=-262143-01-02",
        "/api/v1/timeseries?start=1999-12-31&end=2000-01-02",
        "/api/v1/summary?start=%2B262142-12-30&end=%2B262142-12-31",
    ] {
        let response = app.get(path, Some(&user.token)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    let custom = app
        .get(
            "/api/v1/dashboard?range=custom&start=2026-02-01&end=2026-02-02",
            Some(&user.token),
        )
        .await;
    let custom = json_of(custom).await;
    assert_eq!(custom["window"]["granularity"], "hour");
    assert_eq!(
        custom["requestsOverTime"].as_array().map(Vec::len),
        Some(48)
    );
    let response = app
        .get(
            &format!("/api/v1/dashboard?assistant={theirs}"),
            Some(&user.token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.get("/api/v1/dashboard", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn sql_latency_bins_match_the_hub() {
    let app = spawn_app().await;
    let mut conn = app.database.connect().await;
    let values: Vec<i32> = (0..5_000)
        .chain([65_535, 65_536, 3_526_975, 3_600_000])
        .collect();
    let list = values
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql_bins = pairs(
        &mut conn,
        &format!(
            "SELECT v::text AS k, latency_bin(v)::bigint AS v FROM unnest(ARRAY[{list}]) AS v"
        ),
    )
    .await;
    for (value, sql_bin) in sql_bins {
        let value: i32 = value.parse().unwrap_or(-1);
        assert_eq!(bin(value) as i64, sql_bin, "{value} ms");
    }
}
