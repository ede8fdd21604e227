//! The demo's GitHub stand-in answers in GitHub's shapes, with a stable history per repository
//! that the shipped stars template turns into 90 days of points (the chain the demo relies on).

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use serde_json::Value;
use sources::transform::{transform, Limits};
use sources::Catalog;

fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("a free port: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("its address: {e}"))
}

async fn get(addr: SocketAddr, path: &str) -> Value {
    let client = awc::Client::default();
    for _ in 0..50 {
        if let Ok(mut answer) = client.get(format!("http://{addr}{path}")).send().await {
            assert!(answer.status().is_success(), "{path}: {}", answer.status());
            return answer
                .json::<Value>()
                .limit(1 << 20)
                .await
                .unwrap_or_else(|e| panic!("JSON: {e}"));
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the fixture never answered {path}");
}

#[actix_rt::test]
async fn the_github_stand_in_feeds_the_stars_template_a_stable_90_day_history() {
    let addr = free_addr();
    actix_rt::spawn(metrics_hub_bench::fixtures::serve(addr));

    let stars = get(addr, "/repos/acme/rocket/stargazers?per_page=100").await;
    let again = get(addr, "/repos/acme/rocket/stargazers?per_page=100").await;
    let other = get(addr, "/repos/acme/other/stargazers?per_page=100").await;
    assert_eq!(stars, again, "the same repository gets the same history");
    assert_ne!(stars, other, "another repository gets another history");
    let list = stars
        .as_array()
        .unwrap_or_else(|| panic!("an array of stargazers"));
    assert!((30..=90).contains(&list.len()), "{} stargazers", list.len());
    assert!(list
        .iter()
        .all(|s| s["starred_at"].is_string() && s["user"]["login"].is_string()));

    let repo = get(addr, "/repos/acme/rocket").await;
    let count = repo["stargazers_count"]
        .as_u64()
        .unwrap_or_else(|| panic!("stargazers_count"));
    assert!(count >= list.len() as u64, "{count} < {}", list.len());

    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("the shipped templates: {e}"));
    let template = catalog
        .get("github-repo-stars")
        .unwrap_or_else(|| panic!("the stars template"));
    let program = template
        .transformer
        .historical
        .as_deref()
        .unwrap_or_else(|| panic!("its history program"));
    let points =
        transform(program, &stars, &Limits::default()).unwrap_or_else(|e| panic!("points: {e}"));
    let oldest = points
        .first()
        .unwrap_or_else(|| panic!("at least one point"))
        .timestamp;
    let newest = points.last().unwrap_or_else(|| panic!("a last point"));
    assert!(chrono::Utc::now() - oldest <= chrono::Duration::days(90));
    assert!(chrono::Utc::now() - oldest >= chrono::Duration::days(80));
    assert_eq!(
        newest.value,
        list.len() as f64,
        "the running total ends at every star"
    );

    for path in [
        "/repos/acme/rocket/stats/code_frequency",
        "/repos/acme/rocket/stats/commit_activity",
        "/repos/acme/rocket/commits?since=2026-01-01T00:00:00Z&per_page=100",
    ] {
        assert!(get(addr, path).await.is_array(), "{path}");
    }
}
