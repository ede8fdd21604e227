//! Budgets with thresholds and domains: validation (400s that change nothing), PATCH, the spend,
//! % used and projection of `GET /budgets` against the data ingested, and one alert per
//! threshold and period, stored and pushed live. Two nodes at once: `budget_nodes.rs`.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp, TestUser};
use crate::live::{connect, next, send, until};

const WAIT: Duration = Duration::from_secs(5);

/// `POST /budgets`, which must answer 201; the budget.
pub async fn create(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let response = app.post("/api/v1/budgets", Some(&user.token), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    json_of(response).await
}

async fn patch(app: &TestApp, token: Option<&str>, id: i64, body: &Value) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/api/v1/budgets/{id}")))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("PATCH: {e}"))
}

/// Posts `events` to `assistant`; the acknowledgement (after commit and budget check).
pub async fn ingest(app: &TestApp, user: &TestUser, assistant: i64, events: &[Value]) -> Value {
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &json!(events),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

fn call(cost: f64) -> Value {
    json!({"model": "gpt-4o", "cost": cost})
}

async fn list(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let response = app.get("/api/v1/budgets", Some(&user.token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn alerts(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let response = app.get("/api/v1/budgets/alerts", Some(&user.token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[derive(diesel::QueryableByName)]
struct Stored {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    threshold: i32,
}

/// The thresholds of budget `id`'s stored alerts, ascending (repeats included), from the
/// database itself.
pub async fn stored_alerts(app: &TestApp, id: i64) -> Vec<i32> {
    use diesel_async::RunQueryDsl;
    let mut conn = app.database.connect().await;
    let rows: Vec<Stored> = diesel::sql_query(format!(
        "SELECT threshold FROM budget_alerts WHERE budget_id = {id} ORDER BY threshold"
    ))
    .load(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("alerts of {id}: {e}"));
    rows.into_iter().map(|r| r.threshold).collect()
}

fn field<'a>(values: &'a [Value], key: &str) -> Vec<&'a Value> {
    values.iter().map(|v| &v[key]).collect()
}

#[actix_web::test]
async fn each_threshold_raises_one_alert_per_period_stored_and_pushed_live() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let budget = create(
        &app,
        &user,
        json!({"assistantId": a, "period": "daily", "limit": 1.0}),
    )
    .await;
    assert_eq!(budget["thresholds"], json!([50, 80, 100]), "the default");
    let id = budget["id"].as_i64().unwrap_or_default();
    let mut ws = connect(&app, &user.token).await;
    send(&mut ws, json!({"type": "subscribe", "assistants": [a]})).await;
    assert_eq!(
        next(&mut ws, WAIT).await.map(|m| m["type"].clone()),
        Some(json!("snapshot"))
    );

    // 30 %, 55 %, 85 %, 105 %, 155 %: the check runs before the acknowledgement, so after each
    // answer exactly the thresholds reached so far are stored, each once.
    let mut over = Vec::new();
    for (cost, stored) in [
        (0.3, vec![]),
        (0.25, vec![50]),
        (0.3, vec![50, 80]),
        (0.2, vec![50, 80, 100]),
        (0.5, vec![50, 80, 100]),
    ] {
        let ack = ingest(&app, &user, a, &[call(cost)]).await;
        over.push(ack["overBudget"].as_bool().unwrap_or_default());
        assert_eq!(stored_alerts(&app, id).await, stored, "after {cost}");
    }
    assert_eq!(over, [false, false, false, true, true]);

    let seen = until(&mut ws, WAIT, |m| {
        m["alerts"]
            .as_array()
            .is_some_and(|list| list.iter().any(|x| x["threshold"] == 100))
    })
    .await;
    let pushed: Vec<(Value, Value, Value)> = seen
        .iter()
        .flat_map(|m| m["alerts"].as_array().cloned().unwrap_or_default())
        .map(|x| {
            (
                x["budgetId"].clone(),
                x["threshold"].clone(),
                x["spent"].clone(),
            )
        })
        .collect();
    assert_eq!(
        pushed,
        [
            (json!(id), json!(50), json!(0.55)),
            (json!(id), json!(80), json!(0.85)),
            (json!(id), json!(100), json!(1.05)),
        ]
    );

    let history = alerts(&app, &user).await;
    assert_eq!(
        field(&history, "threshold"),
        [&json!(100), &json!(80), &json!(50)],
        "newest first"
    );
    assert_eq!(
        field(&history, "spent"),
        [&json!(1.05), &json!(0.85), &json!(0.55)]
    );
    assert!(history
        .iter()
        .all(|x| x["budgetId"] == id && x["limit"] == 1.0));
    let today = Utc::now().date_naive().to_string();
    assert!(history.iter().all(|x| x["periodStart"] == today));

    let listed = list(&app, &user).await;
    assert_eq!(listed[0]["spent"], 1.55);
    assert_eq!(listed[0]["percentUsed"], 155.0);
    assert_eq!(listed[0]["crossed"], json!([50, 80, 100]));

    // A higher limit: 1.55 of 2 is 77.5 %; the alerts of the period stay and 80 % is not raised
    // twice. New thresholds count from the next sample on.
    let response = patch(&app, Some(&user.token), id, &json!({"limit": 2.0})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let ack = ingest(&app, &user, a, &[call(0.1)]).await;
    assert_eq!(ack["overBudget"], false, "1.65 of 2");
    assert_eq!(stored_alerts(&app, id).await, [50, 80, 100]);
    let response = patch(&app, Some(&user.token), id, &json!({"thresholds": [90]})).await;
    assert_eq!(json_of(response).await["crossed"], json!([]));
    ingest(&app, &user, a, &[call(0.2)]).await;
    assert_eq!(stored_alerts(&app, id).await, [50, 80, 90, 100]);
    let newest = alerts(&app, &user).await;
    assert_eq!(
        (
            &newest[0]["threshold"],
            &newest[0]["spent"],
            &newest[0]["limit"]
        ),
        (&json!(90), &json!(1.85), &json!(2.0))
    );
}

/// Bounds of `spent × period / elapsed` for a request sent at `before` and answered at
/// `after` (elapsed at least a minute, as documented).
fn projection_bounds(
    spent: f64,
    start: NaiveDate,
    end: NaiveDate,
    before: DateTime<Utc>,
    after: DateTime<Utc>,
) -> (f64, f64) {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let length = (midnight(end) - midnight(start)).num_milliseconds() as f64 + 86_400_000.0;
    let elapsed =
        |t: DateTime<Utc>| ((t - midnight(start)).num_milliseconds() as f64).max(60_000.0);
    let tolerance = 1e-9 * spent.max(1.0);
    (
        spent * length / elapsed(after) - tolerance,
        spent * length / elapsed(before) + tolerance,
    )
}

#[actix_web::test]
async fn listed_budgets_show_their_spend_percent_and_projection() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let b = app.new_assistant(&user, "B").await;
    let today = Utc::now().date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let month_end = month_start
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    let all = create(
        &app,
        &user,
        json!({"period": "monthly", "limit": 10, "thresholds": [75, 25, 25]}),
    )
    .await;
    assert_eq!(
        all["thresholds"],
        json!([25, 75]),
        "sorted, without repeats"
    );
    let daily_a = create(
        &app,
        &user,
        json!({"assistantId": a, "period": "daily", "limit": 4}),
    )
    .await;
    let support = create(
        &app,
        &user,
        json!({"period": "monthly", "limit": 2, "domain": "support"}),
    )
    .await;
    assert_eq!(support["domain"], "support");

    // This month: a daily record on its first day (counts for the monthly budget, not for a
    // domain), calls with and without the domain; last month's record counts for nothing.
    let record = |date: NaiveDate, cost: f64| json!({"date": date.to_string(), "callCount": 1, "totalMinutes": 1, "totalCost": cost});
    for (date, cost) in [
        (month_start, 1.0),
        (month_start.pred_opt().unwrap_or(month_start), 100.0),
    ] {
        let response = app.post_daily(&user, a, &record(date, cost)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    ingest(
        &app,
        &user,
        a,
        &[
            json!({"cost": 0.5, "domain": "support"}),
            json!({"cost": 0.25, "domain": "sales"}),
        ],
    )
    .await;
    ingest(
        &app,
        &user,
        b,
        &[
            json!({"cost": 0.25, "domain": "support"}),
            json!({"cost": 0.5}),
        ],
    )
    .await;

    let before = Utc::now();
    let listed = list(&app, &user).await;
    let after = Utc::now();
    let ids: Vec<&Value> = field(&listed, "id");
    assert_eq!(ids, [&all["id"], &daily_a["id"], &support["id"]]);
    // Every call and record of the month, every assistant: 1 + 0.75 + 0.75.
    let first_day_is_today = month_start == today;
    let expect = [
        (2.5, 25.0, json!([25]), month_start, month_end),
        // A's day: its calls, plus the record when the month started today.
        (
            if first_day_is_today { 1.75 } else { 0.75 },
            if first_day_is_today { 43.75 } else { 18.75 },
            json!([]),
            today,
            today,
        ),
        // Only calls with domain "support", of every assistant.
        (0.75, 37.5, json!([]), month_start, month_end),
    ];
    for (budget, (spent, percent, crossed, start, end)) in listed.iter().zip(expect) {
        assert_eq!(budget["spent"], spent, "{budget}");
        assert_eq!(budget["percentUsed"], percent, "{budget}");
        assert_eq!(budget["crossed"], crossed, "{budget}");
        assert_eq!(budget["periodStart"], start.to_string());
        assert_eq!(budget["periodEnd"], end.to_string());
        let projected = budget["projected"].as_f64().unwrap_or(-1.0);
        let (low, high) = projection_bounds(spent, start, end, before, after);
        assert!(
            low <= projected && projected <= high,
            "{projected} not in {low}..{high}: {budget}"
        );
        assert!(projected >= spent, "{budget}");
    }
    // The domain budget alerted nothing (37.5 %); the monthly one its 25 %.
    let history = alerts(&app, &user).await;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(
        (&history[0]["budgetId"], &history[0]["threshold"]),
        (&all["id"], &json!(25))
    );
    ingest(&app, &user, b, &[json!({"cost": 0.3, "domain": "support"})]).await;
    let history = alerts(&app, &user).await;
    assert_eq!(
        (
            &history[0]["budgetId"],
            &history[0]["threshold"],
            &history[0]["spent"]
        ),
        (&support["id"], &json!(50), &json!(1.05))
    );
    assert_eq!(history[0]["domain"], "support");
}

#[actix_web::test]
async fn bad_budgets_and_changes_are_400s_that_change_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let eleven: Vec<i64> = (1..=11).collect();
    for (body, bad) in [
        (
            json!({"period": "daily", "limit": 1, "thresholds": []}),
            Some("thresholds"),
        ),
        (
            json!({"period": "daily", "limit": 1, "thresholds": [0]}),
            Some("thresholds[0]"),
        ),
        (
            json!({"period": "daily", "limit": 1, "thresholds": [50, 1001]}),
            Some("thresholds[1]"),
        ),
        (
            json!({"period": "daily", "limit": 1, "thresholds": eleven}),
            Some("thresholds"),
        ),
        (
            json!({"period": "daily", "limit": 1, "domain": ""}),
            Some("domain"),
        ),
        (
            json!({"period": "daily", "limit": 1, "domain": "d".repeat(101)}),
            Some("domain"),
        ),
        (
            json!({"period": "daily", "limit": 1, "domain": "a\nb"}),
            Some("domain"),
        ),
        (
            json!({"period": "daily", "limit": 1, "thresholds": [50.5]}),
            None,
        ),
        (
            json!({"period": "daily", "limit": 1, "thresholds": "50"}),
            None,
        ),
    ] {
        let response = app.post("/api/v1/budgets", Some(&user.token), &body).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        if let Some(bad) = bad {
            assert_eq!(problem_fields(&problem), [bad], "{body}");
        }
    }
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM budgets")
            .await,
        0
    );

    let budget = create(
        &app,
        &user,
        json!({"period": "daily", "limit": 5, "thresholds": [100, 50]}),
    )
    .await;
    let id = budget["id"].as_i64().unwrap_or_default();
    let unchanged = "SELECT count(*) AS n FROM budgets WHERE limit_nanos = 5000000000 AND thresholds = '{50,100}'";
    for body in [
        json!({"limit": 0}),
        json!({"limit": -1}),
        json!({"limit": 1.0e7}),
        json!({"limit": "7"}),
        json!({"thresholds": []}),
        json!({"thresholds": [2000]}),
        json!({"limit": 3, "thresholds": [0]}),
        json!({"thresholds": [50], "period": "monthly"}),
    ] {
        let response = patch(&app, Some(&user.token), id, &body).await;
        assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(app.database.count(unchanged).await, 1, "{body}");
    }
    let other = app.new_user().await;
    let response = patch(&app, Some(&other.token), id, &json!({"limit": 1})).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let response = patch(&app, Some(&user.token), id + 1000, &json!({"limit": 1})).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let response = patch(&app, None, id, &json!({"limit": 1})).await;
    assert_problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.database.count(unchanged).await, 1);

    let response = patch(
        &app,
        Some(&user.token),
        id,
        &json!({"thresholds": [100, 20, 20, 60]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed = json_of(response).await;
    assert_eq!(
        (&changed["thresholds"], &changed["limit"]),
        (&json!([20, 60, 100]), &json!(5.0))
    );
    let response = patch(&app, Some(&user.token), id, &json!({"limit": 7.5})).await;
    let changed = json_of(response).await;
    assert_eq!(
        (&changed["thresholds"], &changed["limit"]),
        (&json!([20, 60, 100]), &json!(7.5))
    );
    let response = patch(&app, Some(&user.token), id, &json!({})).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "nothing to change is no error"
    );
    let listed = list(&app, &user).await;
    assert_eq!(
        (&listed[0]["thresholds"], &listed[0]["limit"]),
        (&json!([20, 60, 100]), &json!(7.5))
    );
    assert_eq!(list(&app, &other).await, Vec::<Value>::new());
    let expected_start: NaiveDate = Utc::now().date_naive();
    assert_eq!(listed[0]["periodStart"], expected_start.to_string());
}
