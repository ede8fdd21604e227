//! The OpenAPI document covers every route the server answers.

use reqwest::StatusCode;

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
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/summary"),
    ("get", "/api/v1/timeseries"),
    ("post", "/api/v1/budgets"),
    ("get", "/api/v1/budgets"),
    ("delete", "/api/v1/budgets/{id}"),
    ("get", "/api/v1/budgets/alerts"),
    ("get", "/api/v1/prices"),
    ("post", "/api/v1/prices"),
    ("get", "/api/v1/ws/ingest"),
    ("post", "/api/v1/assistants/{id}/keys"),
    ("get", "/api/v1/assistants/{id}/keys"),
    ("delete", "/api/v1/keys/{id}"),
    ("get", "/api/v1/openapi.json"),
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
