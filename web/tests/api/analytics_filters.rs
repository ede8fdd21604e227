//! The dashboard's status and model filters: the KPIs, trend, series and models count only the
//! calls the filter selects (checked against SQL over the raw samples), the breakdowns that the
//! rollups do not split by status or model stay whole and the payload says which filter
//! applied, each filter gets its own cache entry, and a bad filter is a 400.

use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::analytics::{as_f64, events, get_fresh, ingest, listed, number, pairs, same_bin};
use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app};

#[actix_web::test]
async fn filtered_dashboard_counts_only_the_selected_calls() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let now = Utc::now();
    ingest(&app, &user, a, &events(400, 5, now)).await;
    // A week earlier, for the comparison with the previous period.
    ingest(&app, &user, a, &events(100, 9, now - Duration::days(8))).await;
    let mut conn = app.database.connect().await;
    let start = (now.date_naive() - Duration::days(6)).to_string();
    let before = (now.date_naive() - Duration::days(12)).to_string();
    let today = now.date_naive().to_string();
    let scope = format!("FROM usage_samples WHERE assistant_id = {a} AND ts >= '{start}'");

    let path = format!("/api/v1/dashboard?range=7d&assistant={a}&status=error&model=gpt-4o");
    let response = get_fresh(&app, &path, &user.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let d = json_of(response).await;
    assert_eq!(d["status"], "error");
    assert_eq!(d["model"], "gpt-4o");
    let selected = format!("{scope} AND status = 'error' AND model = 'gpt-4o'");
    let calls = number(
        &mut conn,
        &format!("SELECT count(*)::float8 AS x {selected}"),
    )
    .await;
    assert!(calls > 0.0, "the data set has failed gpt-4o calls");
    assert_eq!(as_f64(&d["summary"]["calls"]), calls);
    assert_eq!(as_f64(&d["summary"]["errors"]), calls);
    let cost = number(
        &mut conn,
        &format!("SELECT coalesce(sum(cost_nanos), 0)::float8 / 1e9 AS x {selected}"),
    )
    .await;
    assert!((as_f64(&d["summary"]["totalCost"]) - cost).abs() < 1e-9);
    // Every bucket's successes are zero and the errors add up to the calls.
    let points = d["requestsOverTime"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(points.len(), 7);
    assert!(points.iter().all(|p| p["success"] == 0));
    let errors: i64 = points
        .iter()
        .map(|p| p["error"].as_i64().unwrap_or(-1))
        .sum();
    assert_eq!(errors as f64, calls);
    let tokens: i64 = d["tokensOverTime"]
        .as_array()
        .map(|p| p.iter().map(|p| p["tokensIn"].as_i64().unwrap_or(-1)).sum())
        .unwrap_or(-1);
    let tokens_in = number(
        &mut conn,
        &format!("SELECT coalesce(sum(tokens_in), 0)::float8 AS x {selected}"),
    )
    .await;
    assert_eq!(tokens as f64, tokens_in);
    assert_eq!(d["tokensOverTime"].as_array().map(Vec::len), Some(7));
    let models: Vec<&str> = d["topModels"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["model"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(models, vec!["gpt-4o"]);
    // The comparison: the complete days of the window against the six days before them.
    let count = |from: &str, to: &str| {
        format!("SELECT count(*)::float8 AS x FROM usage_samples WHERE assistant_id = {a} AND ts >= '{from}' AND ts < '{to}' AND status = 'error' AND model = 'gpt-4o'")
    };
    let previous = number(&mut conn, &count(&before, &start)).await;
    assert!(previous > 0.0, "the earlier week has failed gpt-4o calls");
    assert_eq!(as_f64(&d["comparison"]["previous"]["calls"]), previous);
    assert_eq!(
        as_f64(&d["comparison"]["current"]["calls"]),
        number(&mut conn, &count(&start, &today)).await
    );
    assert_eq!(as_f64(&d["trend"]["previousCalls"]), previous);
    // Countries are not split by status or model: they count every call of the window.
    let countries = pairs(
        &mut conn,
        &format!("SELECT country AS k, count(*) AS v {scope} GROUP BY 1 ORDER BY 2 DESC, 1"),
    )
    .await;
    let listed = listed(&d["topCountries"], "label", "calls");
    assert_eq!(listed, countries);

    // The unfiltered dashboard (cached or not) is a different answer.
    let all = json_of(
        app.get(
            &format!("/api/v1/dashboard?range=7d&assistant={a}"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let every = number(&mut conn, &format!("SELECT count(*)::float8 AS x {scope}")).await;
    assert_eq!(as_f64(&all["summary"]["calls"]), every);
    assert!(all["status"].is_null() && all["model"].is_null());
    // And the filtered one, asked again, comes from its own cache entry. The key includes the
    // live sequence numbers, so a delta still on its way may change it once: ask until the
    // stream is quiet (a few tries), and every answer, hit or not, must be the filtered one.
    let mut hit = false;
    for _ in 0..20 {
        let again = app.get(&path, Some(&user.token)).await;
        let cache = again
            .headers()
            .get("x-cache")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(as_f64(&json_of(again).await["summary"]["calls"]), calls);
        if cache.as_deref() == Some("hit") {
            hit = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        hit,
        "the filtered dashboard was never served from the cache"
    );
}

#[actix_web::test]
async fn bad_dashboard_filters_are_400() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    for (query, field) in [("status=maybe", "status"), ("model=", "model")] {
        let response = app
            .get(&format!("/api/v1/dashboard?{query}"), Some(&user.token))
            .await;
        let body = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert!(
            problem_fields(&body).iter().any(|f| f == field),
            "{query}: {body}"
        );
    }
}

#[actix_web::test]
async fn a_domain_narrows_every_number_to_its_calls() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let now = Utc::now();
    ingest(&app, &user, a, &events(400, 7, now)).await;
    let mut conn = app.database.connect().await;
    let start = (now.date_naive() - Duration::days(6)).to_string();
    let scope = format!(
        "FROM usage_samples WHERE assistant_id = {a} AND ts >= '{start}' AND domain = 'support'"
    );

    let path = format!("/api/v1/dashboard?range=7d&assistant={a}&domain=support");
    let d = json_of(get_fresh(&app, &path, &user.token).await).await;
    assert_eq!(d["domain"], "support");
    let calls = number(&mut conn, &format!("SELECT count(*)::float8 AS x {scope}")).await;
    assert!(calls > 0.0 && calls < 400.0, "{calls}");
    assert_eq!(as_f64(&d["summary"]["calls"]), calls);
    let cost = number(
        &mut conn,
        &format!("SELECT sum(cost_nanos)::float8 / 1e9 AS x {scope}"),
    )
    .await;
    assert!((as_f64(&d["summary"]["totalCost"]) - cost).abs() < 1e-9);
    let tokens = number(
        &mut conn,
        &format!("SELECT sum(tokens_in)::float8 AS x {scope}"),
    )
    .await;
    assert_eq!(as_f64(&d["summary"]["tokensIn"]), tokens);
    let p95 = number(
        &mut conn,
        &format!(
            "SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)::float8 AS x {scope}"
        ),
    )
    .await;
    same_bin(&d["summary"]["latency"]["p95"], p95);
    let per_bucket: i64 = d["requestsOverTime"]
        .as_array()
        .map(|p| {
            p.iter()
                .map(|p| p["success"].as_i64().unwrap_or(0) + p["error"].as_i64().unwrap_or(0))
                .sum()
        })
        .unwrap_or(-1);
    assert_eq!(per_bucket as f64, calls);
    let countries = pairs(
        &mut conn,
        &format!("SELECT country AS k, count(*) AS v {scope} GROUP BY 1 ORDER BY 2 DESC, 1"),
    )
    .await;
    let listed = listed(&d["topCountries"], "label", "calls");
    assert_eq!(listed, countries);
    let domains: Vec<&str> = d["topDomains"]
        .as_array()
        .map(|l| l.iter().filter_map(|c| c["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(domains, vec!["support"]);
    assert!((as_f64(&d["projection"]["todayCost"])
        - number(&mut conn, &format!("SELECT coalesce(sum(cost_nanos), 0)::float8 / 1e9 AS x {scope} AND ts >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'")).await)
        .abs()
        < 1e-9);

    // The summary and the time series take the domain too.
    let end = now.date_naive();
    let summary = json_of(
        app.get(
            &format!("/api/v1/summary?start={start}&end={end}&assistant={a}&domain=support"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(as_f64(&summary["kpis"]["calls"]), calls);
    let series = json_of(
        app.get(
            &format!("/api/v1/timeseries?start={start}&end={end}&granularity=hour&assistant={a}&domain=support&status=error"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let failed: i64 = series["points"]
        .as_array()
        .map(|p| p.iter().map(|p| p["calls"].as_i64().unwrap_or(0)).sum())
        .unwrap_or(-1);
    let want = number(
        &mut conn,
        &format!("SELECT count(*)::float8 AS x {scope} AND status = 'error'"),
    )
    .await;
    assert_eq!(failed as f64, want);

    for query in ["domain=", "domain=%00x"] {
        let response = app
            .get(&format!("/api/v1/dashboard?{query}"), Some(&user.token))
            .await;
        let body = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert!(
            problem_fields(&body).iter().any(|f| f == "domain"),
            "{query}: {body}"
        );
    }
}
