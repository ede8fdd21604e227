//! The runs list's country, domain, latency and cost filters against SQL over the same calls,
//! and its four orders: each pages through every call exactly once, in the order SQL gives,
//! ties on the sort key included; a cursor of another order is refused.

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp, TestUser};

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The ids `sql` selects (as `id`), in its order.
pub async fn sql_ids(app: &TestApp, sql: &str) -> Vec<i64> {
    let mut conn = app.database.connect().await;
    let rows: Vec<Id> = diesel::sql_query(sql)
        .load(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|r| r.id).collect()
}

/// Posts `events` to `assistant` (200 expected).
pub async fn ingest(app: &TestApp, user: &TestUser, assistant: i64, events: &[Value]) {
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &json!(events),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Call `i` of a varied set: four countries (one missing), two domains, latencies with ties
/// and gaps, five costs, five calls per minute (ties on time too).
pub fn varied_event(i: i64) -> Value {
    let ts = chrono::DateTime::parse_from_rfc3339("2026-08-01T10:00:00Z")
        .map(|t| t + chrono::Duration::minutes(i / 5))
        .unwrap_or_default();
    let mut event = json!({
        "ts": ts.to_rfc3339(),
        "model": if i % 3 == 0 { "claude" } else { "gpt-4o" },
        "statusCode": if i % 6 == 0 { 500 } else { 200 },
        "cost": 0.01 * (i % 5) as f64,
        "domain": if i % 2 == 0 { "sales" } else { "support" },
    });
    if let Some(country) = ["DE", "US", "FR"].get((i % 4) as usize) {
        event["country"] = json!(country);
    }
    if i % 7 != 0 {
        event["latencyMs"] = json!((i * 37) % 400 / 100 * 100);
    }
    event
}

/// Every run of `query` (limit `limit` per page), following `nextCursor`.
pub async fn all_pages(app: &TestApp, user: &TestUser, query: &str, limit: usize) -> Vec<Value> {
    let mut runs = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1_000 {
        let mut path = format!("/api/v1/runs?{query}&limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let response = app.get(&path, Some(&user.token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let page = json_of(response).await;
        let listed = page["runs"].as_array().cloned().unwrap_or_default();
        assert!(listed.len() <= limit);
        runs.extend(listed);
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return runs,
        }
    }
    panic!("{query}: more than 1,000 pages");
}

fn ids(runs: &[Value]) -> Vec<i64> {
    runs.iter().filter_map(|r| r["id"].as_i64()).collect()
}

#[actix_web::test]
async fn new_filters_list_what_sql_selects() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let b = app.new_assistant(&user, "B").await;
    let events: Vec<Value> = (0..80).map(varied_event).collect();
    ingest(&app, &user, a, &events[..60]).await;
    ingest(&app, &user, b, &events[60..]).await;
    // Another user's calls match the same filters and must never show.
    let other = app.new_user().await;
    let c = app.new_assistant(&other, "C").await;
    ingest(&app, &other, c, &events[..20]).await;

    let owner = format!(
        "SELECT s.id FROM usage_samples s JOIN assistants a ON a.id = s.assistant_id \
         WHERE a.owner_id = {} AND s.kind = 'call'",
        user.id
    );
    let cases = [
        ("country=de", "s.country = 'DE'"),
        ("minLatencyMs=200", "s.latency_ms >= 200"),
        ("minLatencyMs=0", "s.latency_ms IS NOT NULL"),
        ("minCost=0.02", "s.cost_nanos >= 20000000"),
        ("domain=support", "s.domain = 'support'"),
        (
            "country=US&domain=support&minLatencyMs=100&minCost=0.01&status=success",
            "s.country = 'US' AND s.domain = 'support' AND s.latency_ms >= 100 \
             AND s.cost_nanos >= 10000000 AND s.status = 'success'",
        ),
        (
            &format!("assistant={b}&country=FR&model=claude"),
            &format!("s.assistant_id = {b} AND s.country = 'FR' AND s.model = 'claude'"),
        ),
        (
            "from=2026-08-01T10:02:00Z&until=2026-08-01T10:05:00Z&start=2026-08-01&end=2026-08-01",
            "s.ts >= '2026-08-01T10:02:00Z' AND s.ts < '2026-08-01T10:05:00Z'",
        ),
    ];
    for (query, condition) in cases {
        let listed = ids(&all_pages(&app, &user, query, 500).await);
        let expected = sql_ids(
            &app,
            &format!("{owner} AND {condition} ORDER BY s.ts DESC, s.id DESC"),
        )
        .await;
        assert!(!expected.is_empty(), "{query}: the case selects nothing");
        assert_eq!(listed, expected, "{query}");
    }

    for (query, field) in [
        ("country=DEU", "country"),
        ("country=d1", "country"),
        ("minLatencyMs=-1", "minLatencyMs"),
        ("minLatencyMs=3600001", "minLatencyMs"),
        ("minCost=-0.5", "minCost"),
        ("minCost=NaN", "minCost"),
        ("minCost=1e9", "minCost"),
        ("domain=", "domain"),
        ("sort=loudest", "sort"),
        ("from=2026-08-01", "query"),
    ] {
        for path in ["/api/v1/runs", "/api/v1/export"] {
            let response = app.get(&format!("{path}?{query}"), Some(&user.token)).await;
            let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
            let fields = problem_fields(&problem);
            assert!(
                field == "query" || fields.contains(&field.to_owned()),
                "{path}?{query}: {problem}"
            );
        }
    }
}

#[actix_web::test]
async fn every_order_pages_through_every_call_once_in_the_order_of_sql() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let events: Vec<Value> = (0..47).map(varied_event).collect();
    ingest(&app, &user, a, &events).await;
    let all = format!("SELECT id FROM usage_samples WHERE assistant_id = {a} AND kind = 'call'");
    let orders = [
        ("", "ts DESC, id DESC"),
        ("sort=newest", "ts DESC, id DESC"),
        ("sort=oldest", "ts ASC, id ASC"),
        ("sort=slowest", "COALESCE(latency_ms, -1) DESC, id DESC"),
        ("sort=costliest", "cost_nanos DESC, id DESC"),
    ];
    for (sort, order_by) in orders {
        let expected = sql_ids(&app, &format!("{all} ORDER BY {order_by}")).await;
        assert_eq!(expected.len(), 47);
        // Page sizes that split runs of equal keys across pages.
        for limit in [1, 4, 7, 500] {
            let listed =
                ids(&all_pages(&app, &user, &format!("assistant={a}&{sort}"), limit).await);
            assert_eq!(listed, expected, "{sort} limit {limit}");
        }
    }
    // The export follows the same order.
    let export = json_of(
        app.get(
            &format!("/api/v1/export?assistant={a}&sort=slowest&format=json"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let expected = sql_ids(
        &app,
        &format!("{all} ORDER BY COALESCE(latency_ms, -1) DESC, id DESC"),
    )
    .await;
    assert_eq!(
        ids(export.as_array().map_or(&[][..], Vec::as_slice)),
        expected
    );
}

#[actix_web::test]
async fn a_cursor_continues_only_its_own_order() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let events: Vec<Value> = (0..10).map(varied_event).collect();
    ingest(&app, &user, a, &events).await;
    let page = json_of(
        app.get("/api/v1/runs?sort=slowest&limit=3", Some(&user.token))
            .await,
    )
    .await;
    let cursor = page["nextCursor"].as_str().unwrap_or_default().to_owned();
    assert!(cursor.starts_with("slowest."), "{cursor}");
    let next = app
        .get(
            &format!("/api/v1/runs?sort=slowest&limit=3&cursor={cursor}"),
            Some(&user.token),
        )
        .await;
    assert_eq!(next.status(), StatusCode::OK);
    for other in ["", "&sort=newest", "&sort=oldest", "&sort=costliest"] {
        let response = app
            .get(
                &format!("/api/v1/runs?limit=3&cursor={cursor}{other}"),
                Some(&user.token),
            )
            .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(
            problem_fields(&problem),
            vec!["cursor".to_owned()],
            "{other}"
        );
    }
    // The old cursor shape (no sort) is not one of this API's any more.
    let old = app
        .get("/api/v1/runs?cursor=1785578400000000_5", Some(&user.token))
        .await;
    assert_problem(old, StatusCode::BAD_REQUEST).await;
}
