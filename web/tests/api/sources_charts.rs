//! Sources, part 2: widgets and their charts, computed in SQL by the hub and checked here
//! against raw SQL over points the test inserts (sum, avg and max per day, week and month,
//! dimensions aggregated from the jsonb the same way, raw points, the date range, KPIs).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp, TestUser};
use crate::sources::{call, insert_source};

/// Inserts `days` daily points ending today (value = day index², deletions = index, every
/// third day without deletions), plus one 200 days old.
async fn insert_points(app: &TestApp, source: i64, days: i64) {
    app.database
        .count(&format!(
            "WITH ins AS (INSERT INTO points (source_id, ts, value, dimensions) \
             SELECT {source}, date_trunc('day', now()) - make_interval(days => i) \
                    + interval '13 hours', (i * i)::float8, \
                    CASE WHEN i % 3 = 0 THEN jsonb_build_object('label', 'x') \
                         ELSE jsonb_build_object('deletions', i, 'label', 'y') END \
             FROM generate_series(0, {days} - 1) AS i \
             UNION ALL SELECT {source}, now() - interval '200 days', 7.5, '{{}}'::jsonb \
             RETURNING 1) SELECT count(*) AS n FROM ins"
        ))
        .await;
}

pub async fn create_widget(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let response = app.post("/api/v1/widgets", Some(&user.token), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    json_of(response).await
}

async fn chart(app: &TestApp, user: &TestUser, widget: &Value) -> Value {
    let path = format!("/api/v1/widgets/{}/chart", widget["id"]);
    let response = app.get(&path, Some(&user.token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

/// The expected rows, computed by raw SQL: (date, value, deletions or NULL) per bucket.
async fn expected(app: &TestApp, source: i64, agg: &str, bucket: &str, days: i64) -> Vec<Value> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    use diesel_async::RunQueryDsl;
    let mut conn = app.database.connect().await;
    let sql = format!(
        "SELECT json_strip_nulls(json_build_object('date', to_char(b, 'YYYY-MM-DD'), \
            'value', v, 'deletions', d))::text AS row FROM ( \
           SELECT date_trunc('{bucket}', ts, 'UTC') AS b, {agg}(value) AS v, \
             {agg}((dimensions->>'deletions')::float8) \
               FILTER (WHERE jsonb_typeof(dimensions->'deletions') = 'number') AS d \
           FROM points WHERE source_id = {source} \
             AND ts >= date_trunc('{bucket}', now() - interval '{days} days', 'UTC') \
           GROUP BY 1) t ORDER BY b"
    );
    let rows: Vec<Row> = diesel::sql_query(sql)
        .load(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("expected: {e}"));
    rows.into_iter()
        .map(|r| serde_json::from_str(&r.row).unwrap_or(Value::Null))
        .collect()
}

fn close(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
        _ => a == b,
    }
}

fn assert_rows(got: &Value, want: &[Value], what: &str) {
    let got = got.as_array().cloned().unwrap_or_default();
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        for key in ["date", "value", "deletions"] {
            assert!(close(&g[key], &w[key]), "{what} {key}: {g} vs {w}");
        }
    }
}

#[actix_web::test]
async fn charts_match_raw_sql_for_every_aggregation_and_bucket() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let source = insert_source(&app, &user, None).await;
    insert_points(&app, source, 95).await;
    for (range, days) in [("7d", 7), ("30d", 30), ("90d", 90)] {
        for agg in ["sum", "avg", "max"] {
            for bucket in ["day", "week", "month"] {
                let widget = create_widget(
                    &app,
                    &user,
                    json!({"sourceId": source, "chartType": "bar", "dateRange": range,
                           "aggregation": agg, "bucket": bucket, "dimensions": ["deletions"]}),
                )
                .await;
                let view = chart(&app, &user, &widget).await;
                let want = expected(&app, source, agg, bucket, days).await;
                assert_rows(
                    &view["chartData"],
                    &want,
                    &format!("{range} {agg} {bucket}"),
                );
                assert_eq!(view["dataKeys"], json!(["value", "deletions"]));
                assert_eq!(view["xAxisKey"], "date");
                assert_eq!(view["showLegend"], true);
                assert_eq!(view["chartConfig"]["value"]["label"], "Stars");
            }
        }
    }
}

#[actix_web::test]
async fn raw_points_all_time_and_kpis() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let source = insert_source(&app, &user, None).await;
    insert_points(&app, source, 10).await;
    let widget = create_widget(&app, &user, json!({"sourceId": source, "dateRange": "all"})).await;
    assert_eq!(
        (widget["chartType"].clone(), widget["aggregation"].clone()),
        (json!("line"), json!("none"))
    );
    let view = chart(&app, &user, &widget).await;
    let rows = view["chartData"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 11, "ten days and the old point");
    assert_eq!(rows[0]["value"], 7.5);
    assert_eq!(rows[10]["value"], 0.0, "today's point comes last");
    assert_eq!(view["dataKeys"], json!(["value"]));
    let kpi = create_widget(
        &app,
        &user,
        json!({"sourceId": source, "chartType": "kpi", "dateRange": "7d"}),
    )
    .await;
    let view = chart(&app, &user, &kpi).await;
    // Newest: today (0); oldest within 7 days: 6 or 7 days ago, by the time of day.
    let oldest = app
        .database
        .count(&format!(
            "SELECT value::bigint AS n FROM points WHERE source_id = {source} \
             AND ts >= now() - interval '7 days' ORDER BY ts LIMIT 1"
        ))
        .await;
    assert!(oldest == 36 || oldest == 49, "{oldest}");
    assert_eq!(view["kpi"]["value"], 0.0);
    assert_eq!(view["kpi"]["change"].as_f64(), Some(-(oldest as f64)));
    assert_eq!(view["chartData"].as_array().map(Vec::len), Some(1));
}

#[actix_web::test]
async fn widgets_are_validated_private_and_editable() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let source = insert_source(&app, &user, None).await;
    let response = app
        .post(
            "/api/v1/widgets",
            Some(&user.token),
            &json!({"sourceId": source, "chartType": "radar", "dateRange": "1y",
                    "aggregation": "median", "bucket": "hour"}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["aggregation", "bucket", "chartType", "dateRange"]);
    let response = app
        .post(
            "/api/v1/widgets",
            Some(&other.token),
            &json!({"sourceId": source}),
        )
        .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let response = app
        .post(
            "/api/v1/widgets",
            Some(&user.token),
            &json!({"sourceId": source, "describe": "weekly bars"}),
        )
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;
    let widget = create_widget(&app, &user, json!({"sourceId": source, "title": "Mine"})).await;
    let path = format!("/api/v1/widgets/{}", widget["id"]);
    let response = call(
        &app,
        &user,
        reqwest::Method::PATCH,
        &path,
        Some(&json!({"chartType": "area", "bucket": "week", "aggregation": "avg"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed = json_of(response).await;
    assert_eq!(changed["chartType"], "area");
    assert_eq!(changed["title"], "Mine");
    let chart_path = format!("{path}/chart");
    assert_problem(
        app.get(&chart_path, Some(&other.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = call(&app, &other, reqwest::Method::DELETE, &path, None).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let listed = json_of(app.get("/api/v1/widgets", Some(&user.token)).await).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let response = call(&app, &user, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}
