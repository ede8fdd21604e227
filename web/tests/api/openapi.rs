//! The OpenAPI document covers every route the server answers.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{json_of, spawn_app};

/// Every (method, path) the router serves. A route added to the router but not to this list
/// and the document fails the test below.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("post", "/api/v1/users"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/users/{id}/assistants"),
    ("get", "/api/v1/users/{id}/assistants"),
    ("get", "/api/v1/assistants/{id}"),
    ("patch", "/api/v1/assistants/{id}"),
    ("delete", "/api/v1/assistants/{id}"),
    ("get", "/api/v1/assistants/{id}/deletion"),
    ("get", "/api/v1/admin/users"),
    ("patch", "/api/v1/admin/users/{id}"),
    ("get", "/api/v1/admin/storage"),
    ("post", "/api/v1/admin/retention/run"),
    ("post", "/api/v1/assistants/{id}/metrics"),
    ("get", "/api/v1/assistants/{id}/metrics"),
    ("get", "/api/v1/assistants/{id}/metrics/rolling-avg"),
    ("get", "/api/v1/assistants/{id}/metrics/summary"),
    ("get", "/api/v1/metrics/totals"),
    ("post", "/api/v1/assistants/{id}/events"),
    ("get", "/api/v1/ws/live"),
    ("get", "/api/v1/assistants/{id}/stats"),
    ("get", "/api/v1/runs"),
    ("get", "/api/v1/models"),
    ("get", "/api/v1/export"),
    ("post", "/api/v1/export/links"),
    ("get", "/api/v1/export/download"),
    ("get", "/api/v1/export/daily"),
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/summary"),
    ("get", "/api/v1/timeseries"),
    ("post", "/api/v1/budgets"),
    ("get", "/api/v1/budgets"),
    ("patch", "/api/v1/budgets/{id}"),
    ("delete", "/api/v1/budgets/{id}"),
    ("get", "/api/v1/budgets/alerts"),
    ("post", "/api/v1/alert-rules"),
    ("get", "/api/v1/alert-rules"),
    ("patch", "/api/v1/alert-rules/{id}"),
    ("delete", "/api/v1/alert-rules/{id}"),
    ("get", "/api/v1/alert-rules/alerts"),
    ("post", "/api/v1/webhooks"),
    ("get", "/api/v1/webhooks"),
    ("post", "/api/v1/webhooks/{id}/secret"),
    ("delete", "/api/v1/webhooks/{id}"),
    ("get", "/api/v1/webhooks/{id}/deliveries"),
    ("get", "/api/v1/prices"),
    ("post", "/api/v1/prices"),
    ("get", "/api/v1/prices/overrides"),
    ("post", "/api/v1/prices/overrides"),
    ("delete", "/api/v1/prices/overrides/{id}"),
    ("get", "/api/v1/ws/ingest"),
    ("post", "/api/v1/assistants/{id}/keys"),
    ("get", "/api/v1/assistants/{id}/keys"),
    ("delete", "/api/v1/keys/{id}"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/sessions/live"),
    ("get", "/api/v1/sessions"),
    ("get", "/api/v1/compat/dashboard"),
    ("get", "/api/v1/compat/telemetry"),
    ("get", "/api/v1/templates"),
    ("post", "/api/v1/connections"),
    ("get", "/api/v1/connections"),
    ("patch", "/api/v1/connections/{id}"),
    ("delete", "/api/v1/connections/{id}"),
    ("post", "/api/v1/sources"),
    ("get", "/api/v1/sources"),
    ("get", "/api/v1/sources/{id}"),
    ("patch", "/api/v1/sources/{id}"),
    ("delete", "/api/v1/sources/{id}"),
    ("get", "/api/v1/sources/{id}/points"),
    ("post", "/api/v1/sources/{id}/refresh"),
    ("get", "/api/v1/transformers"),
    ("get", "/api/v1/transformers/{id}"),
    ("post", "/api/v1/transformers"),
    ("post", "/api/v1/transformers/preview"),
    ("post", "/api/v1/widgets"),
    ("get", "/api/v1/widgets"),
    ("patch", "/api/v1/widgets/{id}"),
    ("delete", "/api/v1/widgets/{id}"),
    ("get", "/api/v1/widgets/{id}/chart"),
];

#[actix_web::test]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc = json_of(response).await;
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().cloned().unwrap_or_default() {
        for method in item
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            documented.push((method, path.clone()));
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Each documented route is really served (anything but the router's 404).
    for (method, path) in ROUTES {
        let url = app.url(&path.replace("{id}", "1"));
        let request = match *method {
            "post" => app.client.post(&url).json(&serde_json::json!({})),
            "patch" => app.client.patch(&url).json(&serde_json::json!({})),
            "delete" => app.client.delete(&url),
            _ => app.client.get(&url),
        };
        let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        let status = response.status();
        let body = json_of(response).await;
        assert!(
            !body["detail"]
                .as_str()
                .unwrap_or_default()
                .starts_with("no route"),
            "{method} {path} is documented but not routed ({status})"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

/// The schema `$ref` points at, or `schema` itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The schema of the `status` answer of `method path` (JSON content).
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let schema =
        &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} has no {status} JSON schema"
    );
    resolve(doc, schema)
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Asserts that `value` has exactly the properties `schema` describes, recursively for objects
/// and arrays of objects: what a generated client decoding the answer relies on.
fn assert_shape(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    if let Some(items) = schema.get("items") {
        for (i, item) in value.as_array().into_iter().flatten().enumerate() {
            assert_shape(doc, items, item, &format!("{at}[{i}]"));
        }
        return;
    }
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    assert_eq!(
        keys(value),
        properties.keys().cloned().collect::<BTreeSet<_>>(),
        "{at}: the answer and its schema have different properties"
    );
    for (name, property) in properties {
        if value[name].is_object() || value[name].is_array() {
            assert_shape(doc, property, &value[name], &format!("{at}.{name}"));
        }
    }
}

#[test]
fn no_two_schemas_share_a_name() {
    assert_eq!(
        web::routes::openapi::schema_name_clashes(),
        Vec::<String>::new()
    );
}

#[actix_web::test]
async fn summaries_and_totals_answer_the_shape_their_schema_names() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "shapes").await;
    let response = app
        .post_daily(
            &user,
            assistant,
            &serde_json::json!({"date": "2026-01-10", "callCount": 4, "totalMinutes": 2.0, "totalCost": 1.0}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let doc = json_of(app.get("/api/v1/openapi.json", None).await).await;
    let range = "start=2026-01-01&end=2026-01-31";
    for (path, template) in [
        (
            format!("/api/v1/assistants/{assistant}/metrics/summary?{range}"),
            "/api/v1/assistants/{id}/metrics/summary",
        ),
        (
            format!("/api/v1/metrics/totals?{range}"),
            "/api/v1/metrics/totals",
        ),
        (format!("/api/v1/summary?{range}"), "/api/v1/summary"),
    ] {
        let response = app.get(&path, Some(&user.token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = json_of(response).await;
        let schema = response_schema(&doc, "get", template, "200");
        assert_shape(&doc, schema, &body, template);
    }
}

/// The `properties` entry `field` of component `schema`.
fn property<'a>(doc: &'a Value, schema: &str, field: &str) -> &'a Value {
    let value = &doc["components"]["schemas"][schema]["properties"][field];
    assert!(value.is_object(), "{schema}.{field} is not documented");
    value
}

/// The schema of query or path parameter `name` of `method path`.
fn parameter<'a>(doc: &'a Value, method: &str, path: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .map(|p| &p["schema"])
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

/// The number a schema keyword holds (any JSON number).
fn number(schema: &Value, keyword: &str) -> f64 {
    schema[keyword]
        .as_f64()
        .unwrap_or_else(|| panic!("no {keyword} in {schema}"))
}

/// The union of the schema's own keywords and those of its `oneOf` branches (`Option<T>` is
/// documented as `type: [T, null]` or a `oneOf` with `null`).
fn enum_values(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut values: Vec<String> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    for branch in schema["oneOf"].as_array().into_iter().flatten() {
        values.extend(enum_values(doc, branch));
    }
    values.sort();
    values
}

#[actix_web::test]
async fn limits_in_the_document_are_the_validators_limits() {
    use hub::sample::{MAX_CALL_DURATION_MS, MAX_EVENTS_PER_REQUEST, MAX_LABEL_CHARS};
    use hub::sample::{MAX_LATENCY_MS, MAX_TOKENS};
    use web::routes::openapi::schemas::{DATE_PATTERN, NAME_PATTERN, TEXT_PATTERN};

    let app = spawn_app().await;
    let doc = json_of(app.get("/api/v1/openapi.json", None).await).await;
    let days = parameter(
        &doc,
        "get",
        "/api/v1/assistants/{id}/metrics/rolling-avg",
        "days",
    );
    assert_eq!(number(days, "minimum"), 1.0);
    assert_eq!(
        number(days, "maximum"),
        f64::from(hub::range::MAX_ROLLING_DAYS)
    );
    let limit = parameter(&doc, "get", "/api/v1/runs", "limit");
    assert_eq!(
        (number(limit, "minimum"), number(limit, "maximum")),
        (1.0, web::routes::runs::MAX_PAGE as f64)
    );
    let limit = parameter(&doc, "get", "/api/v1/budgets/alerts", "limit");
    assert_eq!(
        number(limit, "maximum"),
        web::routes::budgets::MAX_ALERTS as f64
    );
    for (path, name) in [
        ("/api/v1/assistants/{id}/metrics", "start"),
        ("/api/v1/summary", "end"),
        ("/api/v1/runs", "start"),
        ("/api/v1/dashboard", "end"),
    ] {
        let date = parameter(&doc, "get", path, name);
        assert_eq!(date["pattern"], DATE_PATTERN, "{path} {name}");
        assert_eq!(date["format"], "date", "{path} {name}");
    }
    let model = parameter(&doc, "get", "/api/v1/timeseries", "model");
    assert_eq!(number(model, "maxLength"), MAX_LABEL_CHARS as f64);
    assert_eq!(model["pattern"], TEXT_PATTERN);
    for (path, name, values) in [
        ("/api/v1/runs", "status", vec!["error", "success"]),
        ("/api/v1/export", "format", vec!["csv", "json", "ndjson"]),
        (
            "/api/v1/timeseries",
            "granularity",
            vec!["day", "hour", "week"],
        ),
        (
            "/api/v1/dashboard",
            "range",
            vec!["1m", "24h", "3m", "7d", "custom"],
        ),
    ] {
        assert_eq!(
            enum_values(&doc, parameter(&doc, "get", path, name)),
            values,
            "{path} {name}"
        );
    }

    let event = |field| property(&doc, "Event", field);
    assert_eq!(number(event("latencyMs"), "maximum"), MAX_LATENCY_MS as f64);
    assert_eq!(
        number(event("durationMs"), "maximum"),
        MAX_CALL_DURATION_MS as f64
    );
    assert_eq!(number(event("tokensIn"), "maximum"), MAX_TOKENS as f64);
    assert_eq!(
        number(event("cacheReadTokens"), "maximum"),
        MAX_TOKENS as f64
    );
    for field in ["llmCalls", "toolCalls"] {
        assert_eq!(
            number(event(field), "maximum"),
            hub::sample::MAX_AGENT_CALLS as f64,
            "{field}"
        );
    }
    assert_eq!(
        number(event("cost"), "maximum"),
        hub::units::MAX_SAMPLE_COST_USD
    );
    assert_eq!(number(event("model"), "maxLength"), MAX_LABEL_CHARS as f64);
    assert_eq!(
        number(event("clientId"), "maxLength"),
        hub::daily::MAX_CLIENT_ID_CHARS as f64
    );
    let many = &doc["components"]["schemas"]["EventsBody"]["oneOf"][1];
    assert_eq!(number(many, "minItems"), 1.0);
    assert_eq!(number(many, "maxItems"), MAX_EVENTS_PER_REQUEST as f64);

    let daily = |field| property(&doc, "DailyMetricsRequest", field);
    assert_eq!(
        number(daily("callCount"), "maximum"),
        hub::daily::MAX_DAILY_CALLS as f64
    );
    assert_eq!(
        number(daily("totalMinutes"), "maximum"),
        hub::units::MAX_SAMPLE_MINUTES
    );
    assert_eq!(
        number(daily("totalCost"), "maximum"),
        hub::units::MAX_SAMPLE_COST_USD
    );
    assert_eq!(daily("date")["pattern"], DATE_PATTERN);

    let name = property(&doc, "CreateAssistant", "name");
    assert_eq!(
        number(name, "maxLength"),
        web::routes::assistants::MAX_NAME_CHARS as f64
    );
    assert_eq!(name["pattern"], NAME_PATTERN);
    assert_eq!(property(&doc, "CreateKey", "name")["pattern"], NAME_PATTERN);
    for field in ["inputPerMtok", "outputPerMtok", "cacheReadPerMtok"] {
        assert_eq!(
            number(property(&doc, "AddPrice", field), "maximum"),
            web::routes::prices::MAX_PRICE_PER_MTOK,
            "{field}"
        );
    }
    let budget = property(&doc, "CreateBudget", "limit");
    assert_eq!(number(budget, "exclusiveMinimum"), 0.0);
    assert_eq!(number(budget, "maximum"), hub::units::MAX_SAMPLE_COST_USD);
    assert_eq!(
        enum_values(&doc, property(&doc, "CreateBudget", "period")),
        vec!["daily", "monthly"]
    );
    for schema in ["CreateBudget", "UpdateBudget"] {
        let thresholds = property(&doc, schema, "thresholds");
        assert_eq!(number(thresholds, "minItems"), 1.0, "{schema}");
        assert_eq!(
            number(thresholds, "maxItems"),
            hub::budget::MAX_THRESHOLDS as f64
        );
        assert_eq!(number(&thresholds["items"], "minimum"), 1.0);
        assert_eq!(
            number(&thresholds["items"], "maximum"),
            hub::budget::MAX_THRESHOLD_PERCENT as f64
        );
    }
    assert_eq!(
        number(property(&doc, "UpdateBudget", "limit"), "maximum"),
        hub::units::MAX_SAMPLE_COST_USD
    );
    assert_eq!(
        number(property(&doc, "CreateBudget", "domain"), "maxLength"),
        hub::budget::MAX_DOMAIN_CHARS as f64
    );

    use web::auth::password::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
    let password = property(&doc, "Credentials", "password");
    assert_eq!(number(password, "minLength"), MIN_PASSWORD_CHARS as f64);
    // The limit is in bytes; maxLength counts characters, which is the same for ASCII.
    assert_eq!(number(password, "maxLength"), MAX_PASSWORD_BYTES as f64);
    assert_eq!(property(&doc, "Credentials", "email")["format"], "email");
}

/// Every operation of the document: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().cloned().unwrap_or_default() {
        for (method, operation) in item.as_object().cloned().unwrap_or_default() {
            out.push((method, path.clone(), operation));
        }
    }
    out
}

#[actix_web::test]
async fn error_answers_are_declared_wherever_the_server_gives_them() {
    let app = spawn_app().await;
    let doc = json_of(app.get("/api/v1/openapi.json", None).await).await;
    for (method, path, operation) in operations(&doc) {
        let statuses = keys(&operation["responses"]);
        let has = |status: &str| statuses.contains(status);
        let json_body = operation["requestBody"]["content"]["application/json"].is_object();
        if json_body {
            for status in ["400", "413", "415"] {
                assert!(
                    has(status),
                    "{method} {path} reads JSON but does not declare {status}"
                );
            }
        }
        if operation["security"].is_array() {
            assert!(
                has("401"),
                "{method} {path} needs credentials but does not declare 401"
            );
        }
        if path.contains('{') {
            assert!(
                has("404"),
                "{method} {path} has an id but does not declare 404"
            );
        }
        if operation["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"))
        {
            assert!(
                has("400"),
                "{method} {path} takes a query but does not declare 400"
            );
        }
        for status in statuses
            .iter()
            .filter(|s| s.starts_with('4') || s.starts_with('5'))
        {
            let response = &operation["responses"][status.as_str()];
            if path == "/readyz" {
                continue;
            }
            assert_eq!(
                response["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path} {status} is not a problem document"
            );
        }
    }
    for path in ["/api/v1/users", "/api/v1/auth/login"] {
        let statuses = keys(&doc["paths"][path]["post"]["responses"]);
        assert!(
            statuses.contains("429"),
            "{path} is rate limited but does not declare 429"
        );
    }
}
