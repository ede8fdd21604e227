//! Unit tests of templates: every shipped file loads and renders, parameters are checked, and
//! values are encoded for where they go.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 7, 30, 0)
        .single()
        .unwrap_or_default()
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn example_params(t: &Template) -> BTreeMap<String, String> {
    t.parameters
        .iter()
        .map(|p| (p.name.clone(), p.example.clone()))
        .collect()
}

#[test]
fn every_builtin_template_loads_and_renders_both_endpoints() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let ids: Vec<&str> = catalog.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "github-repo-stars",
            "github-code-frequency",
            "github-commit-activity",
            "youtube-video-stats",
            "posthog-events-total",
            "sheet-column",
            "http-json"
        ]
    );
    for t in catalog.iter() {
        let base = t.base_url.clone();
        for kind in [EndpointKind::Historical, EndpointKind::Polling] {
            if t.endpoint(kind).is_none() {
                continue;
            }
            let req = t.render(kind, &example_params(t), &base, now(), None)?;
            if !t.hosts.is_empty() {
                let host = req.url.host_str().unwrap_or_default().to_owned();
                assert!(t.hosts.contains(&host), "{}: {host}", t.id);
            }
            assert!(!req.url.as_str().contains('{'), "{}: {}", t.id, req.url);
        }
        let view = t.view(t.transformer.polling.is_some());
        assert_eq!(view.id, t.id);
        assert_eq!(view.parameters.len(), t.parameters.len());
        // Templates with a shared transformer ship one per endpoint they have.
        if t.id != "http-json" {
            assert!(t.transformer.polling.is_some(), "{}", t.id);
            assert_eq!(
                t.transformer.historical.is_some(),
                t.historical.is_some(),
                "{}",
                t.id
            );
        }
    }
    let generic = catalog
        .get("http-json")
        .map(|t| (t.needs_connection, t.hosts.len()));
    assert_eq!(generic, Some((false, 0)));
    assert_eq!(
        catalog.get("sheet-column").map(|t| t.is_time_series),
        Some(false)
    );
    assert!(catalog.get("nope").is_none());
    Ok(())
}

#[test]
fn github_stars_renders_path_headers_and_view() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("github-repo-stars")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("OWNER", "rust-lang"), ("REPO", "rust")]);
    let req = t.render(EndpointKind::Historical, &p, &t.base_url, now(), None)?;
    assert_eq!(req.method, reqwest::Method::GET);
    assert_eq!(
        req.url.as_str(),
        "https://api.github.com/repos/rust-lang/rust/stargazers?per_page=100"
    );
    assert_eq!(
        req.headers,
        vec![(
            "Accept".to_owned(),
            "application/vnd.github.star+json".to_owned()
        )]
    );
    let poll = t.render(
        EndpointKind::Polling,
        &p,
        "http://127.0.0.1:9999/",
        now(),
        None,
    )?;
    assert_eq!(
        poll.url.as_str(),
        "http://127.0.0.1:9999/repos/rust-lang/rust"
    );
    assert_eq!(
        t.allowed_hosts("http://127.0.0.1:9999"),
        vec!["127.0.0.1".to_owned()]
    );
    assert_eq!(
        t.allowed_hosts(&t.base_url),
        vec!["api.github.com".to_owned()]
    );
    let view = t.view(true);
    assert_eq!(view.historical_data_limit_days, Some(90));
    assert_eq!(view.default_poll_frequency, "daily");
    assert!(view.has_transformer && view.needs_connection && view.is_time_series);
    Ok(())
}

#[test]
fn missing_empty_and_extra_parameters_are_clear_errors() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("github-repo-stars")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let render =
        |p: &BTreeMap<String, String>| t.render(EndpointKind::Polling, p, &t.base_url, now(), None);
    let missing = render(&params(&[("OWNER", "a")]));
    assert_eq!(missing, Err(TemplateError::MissingParameter("REPO".into())));
    assert_eq!(
        missing.err().map(|e| e.to_string()).unwrap_or_default(),
        "the parameter REPO is missing"
    );
    let empty = render(&params(&[("OWNER", "a"), ("REPO", "  ")]));
    assert_eq!(empty, Err(TemplateError::MissingParameter("REPO".into())));
    let extra = render(&params(&[
        ("OWNER", "a"),
        ("REPO", "b"),
        ("BRANCH", "main"),
    ]));
    assert_eq!(extra, Err(TemplateError::UnknownParameter("BRANCH".into())));
    // A built-in cannot be passed in as a parameter.
    let builtin = render(&params(&[("OWNER", "a"), ("REPO", "b"), ("NOW", "x")]));
    assert_eq!(builtin, Err(TemplateError::UnknownParameter("NOW".into())));
    let control = render(&params(&[("OWNER", "a\nb"), ("REPO", "b")]));
    assert!(matches!(
        control,
        Err(TemplateError::InvalidParameter { .. })
    ));
    Ok(())
}

#[test]
fn values_are_percent_encoded_in_paths_and_queries() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("github-repo-stars")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("OWNER", "../admin"), ("REPO", "a b?x=1&y#z")]);
    let req = t.render(EndpointKind::Historical, &p, &t.base_url, now(), None)?;
    assert_eq!(
        req.url.path(),
        "/repos/..%2Fadmin/a%20b%3Fx%3D1%26y%23z/stargazers"
    );
    assert_eq!(req.url.query(), Some("per_page=100"));

    let sheet = catalog
        .get("sheet-column")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("SHEET_ID", "abc"), ("RANGE", "Sheet 1!A2:B20")]);
    let req = sheet.render(EndpointKind::Polling, &p, &sheet.base_url, now(), None)?;
    assert_eq!(
        req.url.as_str(),
        "https://sheets.googleapis.com/v4/spreadsheets/abc/values/Sheet%201%21A2%3AB20"
    );

    let yt = catalog
        .get("youtube-video-stats")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("VIDEO_ID", "a&key=stolen")]);
    let req = yt.render(EndpointKind::Polling, &p, &yt.base_url, now(), None)?;
    let pairs: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![
            ("part".to_owned(), "statistics".to_owned()),
            ("id".to_owned(), "a&key=stolen".to_owned())
        ]
    );
    assert!(yt
        .render(EndpointKind::Historical, &p, &yt.base_url, now(), None)
        .is_err());
    Ok(())
}

#[test]
fn posthog_bodies_are_json_escaped_and_differ_per_endpoint() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("posthog-events-total")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("PROJECT_ID", "12345"), ("EVENT", "say \"hi\" \\ {NOW}")]);
    let hist = t.render(EndpointKind::Historical, &p, &t.base_url, now(), None)?;
    assert_eq!(hist.method, reqwest::Method::POST);
    assert_eq!(
        hist.url.as_str(),
        "https://us.posthog.com/api/projects/12345/query"
    );
    let body = hist.body.clone().unwrap_or_default();
    assert_eq!(body["query"]["dateRange"]["date_from"], json!("2026-09-04"));
    // Substituted values are never re-scanned for placeholders.
    assert_eq!(
        body["query"]["series"][0]["event"],
        json!("say \"hi\" \\ {NOW}")
    );
    let text = serde_json::to_string(&body).unwrap_or_default();
    assert!(text.contains(r#""event":"say \"hi\" \\ {NOW}""#), "{text}");
    let poll = t.render(EndpointKind::Polling, &p, &t.base_url, now(), None)?;
    let body = poll.body.unwrap_or_default();
    assert_eq!(body["query"]["dateRange"]["date_from"], json!("-1d"));
    Ok(())
}

#[test]
fn commit_polling_uses_the_start_of_yesterday() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("github-commit-activity")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("OWNER", "o"), ("REPO", "r")]);
    let req = t.render(EndpointKind::Polling, &p, &t.base_url, now(), None)?;
    let since: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    assert_eq!(
        since[0],
        ("since".to_owned(), "2026-12-02T00:00:00Z".to_owned())
    );
    Ok(())
}

#[test]
fn the_generic_template_takes_a_whole_url() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("http-json")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    let p = params(&[("URL", "https://api.example.com/v1/stats.json?a=1&b=%20")]);
    let req = t.render(EndpointKind::Polling, &p, "", now(), None)?;
    assert_eq!(
        req.url.as_str(),
        "https://api.example.com/v1/stats.json?a=1&b=%20"
    );
    assert!(t.allowed_hosts("").is_empty());
    for bad in ["file:///etc/passwd", "not a url", "ftp://example.com/x"] {
        let r = t.render(
            EndpointKind::Polling,
            &params(&[("URL", bad)]),
            "",
            now(),
            None,
        );
        assert!(
            matches!(r, Err(TemplateError::InvalidParameter { .. })),
            "{bad}: {r:?}"
        );
    }
    Ok(())
}

#[test]
fn broken_template_files_are_refused() {
    let good = include_str!("../../../templates/github-repo-stars.toml");
    let cases = [
        good.replace("/repos/{OWNER}", "/repos/{OWNR}"),
        good.replace("id = \"github-repo-stars\"", "id = \"GitHub Stars\""),
        good.replace("method = \"GET\"", "method = \"G E T\""),
        good.replace(
            "default_poll_frequency = \"daily\"",
            "default_poll_frequency = \"yearly\"",
        ),
        good.replace("hosts = [\"api.github.com\"]", "hosts = []"),
        format!("{good}\nsurprise = 1\n"),
    ];
    for case in &cases {
        assert!(
            Catalog::from_files([("x.toml", case.as_str())]).is_err(),
            "{case}"
        );
    }
    let twice = Catalog::from_files([("a.toml", good), ("b.toml", good)]);
    assert_eq!(
        twice.err(),
        Some(TemplateError::Duplicate("github-repo-stars".into()))
    );
}

#[test]
fn frequencies_and_endpoint_kinds_round_trip() {
    for f in ["frequent", "hourly", "daily", "weekly", "manual"] {
        assert_eq!(Frequency::parse(f).map(Frequency::as_str), Ok(f));
    }
    assert_eq!(
        Frequency::Frequent.interval(),
        Some(chrono::Duration::minutes(15))
    );
    assert_eq!(
        Frequency::Weekly.interval(),
        Some(chrono::Duration::days(7))
    );
    assert_eq!(Frequency::Manual.interval(), None);
    assert!(Frequency::parse("yearly").is_err());
    assert_eq!(
        EndpointKind::parse("historical").map(EndpointKind::as_str),
        Ok("historical")
    );
    assert!(EndpointKind::parse("x").is_err());
}

#[test]
fn every_file_in_templates_is_embedded() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut ids: Vec<String> = Catalog::builtin()
        .map(|c| c.iter().map(|t| format!("{}.toml", t.id)).collect())
        .unwrap_or_default();
    ids.sort();
    // Each file is named after its template's id, and none is forgotten in catalog.rs.
    assert_eq!(files, ids);
}

#[test]
fn dot_segments_cannot_move_a_request_to_another_path() -> Result<(), TemplateError> {
    let catalog = Catalog::builtin()?;
    let t = catalog
        .get("github-repo-stars")
        .ok_or(TemplateError::Duplicate("x".into()))?;
    for bad in [".", ".."] {
        let r = t.render(
            EndpointKind::Polling,
            &params(&[("OWNER", bad), ("REPO", "user")]),
            "https://api.github.com",
            now(),
            None,
        );
        assert!(
            matches!(r, Err(TemplateError::InvalidParameter { .. })),
            "{bad}: {r:?}"
        );
    }
    let ok = t.render(
        EndpointKind::Polling,
        &params(&[("OWNER", "a.b"), ("REPO", "..x")]),
        "https://api.github.com",
        now(),
        None,
    )?;
    assert_eq!(ok.url.path(), "/repos/a.b/..x");
    Ok(())
}
