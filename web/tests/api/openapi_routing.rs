//! The router answers what the OpenAPI document says: 405 with `Allow` for a method a path does
//! not document, 404 for an unknown path, and a problem document (426) from the WebSocket
//! endpoints when the request is not a WebSocket handshake.

use reqwest::{Method, StatusCode};

use crate::helpers::{assert_problem, json_of, spawn_app};

const METHODS: [&str; 6] = ["get", "post", "put", "patch", "delete", "options"];

#[actix_web::test]
async fn every_undocumented_method_of_a_documented_path_answers_405_with_allow() {
    let app = spawn_app().await;
    let doc = json_of(app.get("/api/v1/openapi.json", None).await).await;
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    assert!(paths.len() > 20);
    for (template, item) in paths {
        let documented: Vec<String> = METHODS
            .iter()
            .filter(|m| item.get(**m).is_some())
            .map(|m| m.to_uppercase())
            .collect();
        // `/budgets/alerts` is also `/budgets/{id}` to the router: use ids that match no
        // literal segment.
        let path = template.replace("{id}", "12345");
        for method in METHODS.iter().map(|m| m.to_uppercase()) {
            if documented.contains(&method) {
                continue;
            }
            let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
            let response = app
                .client
                .request(method.clone(), app.url(&path))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            let allow = response
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let problem = assert_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
            assert_eq!(problem["type"], "/problems/method-not-allowed");
            let mut allowed: Vec<&str> = allow.split(", ").collect();
            allowed.sort_unstable();
            let mut expected: Vec<&str> = documented.iter().map(String::as_str).collect();
            expected.sort_unstable();
            assert_eq!(allowed, expected, "Allow of {method} {path}");
        }
    }
}

#[actix_web::test]
async fn unknown_paths_still_answer_404() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/nothing",
        "/api/v1/budgets/",
        "/api/v1/assistants/1/nothing",
    ] {
        let response = app
            .client
            .put(app.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let problem = assert_problem(response, StatusCode::NOT_FOUND).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .starts_with("no route"),
            "{path}: {problem}"
        );
    }
}

#[actix_web::test]
async fn websocket_endpoints_explain_a_plain_http_request() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    for path in ["/api/v1/ws/live", "/api/v1/ws/ingest"] {
        for token in [None, Some(user.token.as_str())] {
            let response = app.get(path, token).await;
            let upgrade = response
                .headers()
                .get("upgrade")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let problem = assert_problem(response, StatusCode::UPGRADE_REQUIRED).await;
            assert_eq!(upgrade, "websocket", "{path}");
            assert_eq!(problem["type"], "/problems/upgrade-required");
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("WebSocket"),
                "{problem}"
            );
        }
        // An upgrade without the rest of the handshake is a bad request, also explained.
        let response = app
            .client
            .get(app.url(path))
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("handshake"),
            "{problem}"
        );
    }
}
