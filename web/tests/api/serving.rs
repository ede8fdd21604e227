//! Serving: the dashboard's files and the API's JSON are compressed for clients that accept it,
//! and left as they are for clients that do not; the page names its assets with content
//! hashes, which are cached for good, while the page itself is revalidated.

use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use reqwest::StatusCode;

use crate::helpers::{spawn_with, test_settings, TestDatabase};

/// A dashboard directory with an index and a large, compressible script.
fn dashboard_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mh-dashboard-{}", uuid::Uuid::new_v4().simple()));
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    };
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
    write(
        "index.html",
        "<!doctype html><title>metrics-hub</title><script src=\"/app.js\"></script><p>dashboard</p>",
    );
    write(
        "app.js",
        &"console.log('metrics-hub dashboard');\n".repeat(4000),
    );
    dir
}

#[actix_web::test]
async fn files_and_json_are_compressed_only_for_clients_that_accept_it() {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    let dir = dashboard_dir();
    settings.http.dashboard_dir = dir.display().to_string();
    let app = spawn_with(database, settings).await;
    let raw_len = std::fs::metadata(dir.join("app.js")).map_or(0, |m| m.len());

    for (path, encoding) in [
        ("/app.js", "gzip"),
        ("/app.js", "br"),
        ("/api/v1/openapi.json", "gzip"),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .header(ACCEPT_ENCODING, encoding)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let header = response.headers().get(CONTENT_ENCODING).cloned();
        assert_eq!(
            header.as_ref().and_then(|v| v.to_str().ok()),
            Some(encoding),
            "{path}"
        );
        if path == "/app.js" {
            let body = response.bytes().await.unwrap_or_default();
            assert!(
                (body.len() as u64) * 10 < raw_len,
                "{encoding}: {} bytes for {raw_len}",
                body.len()
            );
        }
    }

    let plain = app
        .client
        .get(format!("{}/app.js", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET /app.js: {e}"));
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(plain.bytes().await.map_or(0, |b| b.len() as u64), raw_len);
    let _ = std::fs::remove_dir_all(dir);
}

#[actix_web::test]
async fn assets_are_versioned_by_content_and_cached_for_good_the_page_is_not() {
    use reqwest::header::CACHE_CONTROL;
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    let dir = dashboard_dir();
    settings.http.dashboard_dir = dir.display().to_string();
    let app = spawn_with(database, settings).await;
    let get = |path: String| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.address);
        async move {
            client
                .get(&url)
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        }
    };
    let cache = |r: &reqwest::Response| {
        r.headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };

    for path in ["/", "/index.html", "/assistants/3?range=1m"] {
        let page = get(path.to_owned()).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(cache(&page), "no-cache", "{path}");
        let body = page.text().await.unwrap_or_default();
        assert!(body.contains("<p>dashboard</p>"), "{path}: {body}");
    }
    let body = get("/".to_owned()).await.text().await.unwrap_or_default();
    let start = body.find("/app.js?v=").map(|i| i + "/app.js?v=".len());
    let hash: String = start
        .map(|i| {
            body[i..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(hash.len(), 16, "{body}");

    let current = get(format!("/app.js?v={hash}")).await;
    assert_eq!(current.status(), StatusCode::OK);
    assert_eq!(cache(&current), "public, max-age=31536000, immutable");
    for path in [
        "/app.js".to_owned(),
        "/app.js?v=0123456789abcdef".to_owned(),
    ] {
        let response = get(path.clone()).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(cache(&response), "no-cache", "{path}");
    }
    // The API keeps its own caching rules.
    assert!(get("/api/v1/openapi.json".to_owned())
        .await
        .headers()
        .get(CACHE_CONTROL)
        .is_none());
    let _ = std::fs::remove_dir_all(dir);
}
