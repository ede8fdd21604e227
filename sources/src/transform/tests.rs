//! Unit tests of transformers on the in-thread runner: every shipped template's program on a
//! response in the real shape of its API, and the validation of outputs. The runaway programs
//! that need a worker process are in `tests/transform_worker.rs`.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::*;
use crate::template::{Catalog, EndpointKind};

fn program(template: &str, kind: EndpointKind) -> String {
    Catalog::builtin()
        .ok()
        .and_then(|c| {
            c.get(template)
                .and_then(|t| t.transformer.get(kind).map(str::to_owned))
        })
        .unwrap_or_default()
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn run(template: &str, kind: EndpointKind, input: Value) -> Result<Vec<Point>, TransformError> {
    transform(&program(template, kind), &input, &Limits::default())
}

fn values(points: &[Point]) -> Vec<f64> {
    points.iter().map(|p| p.value).collect()
}

#[test]
fn github_stars_history_is_a_running_total_per_day() -> Result<(), TransformError> {
    let user = json!({"login": "octocat", "id": 1, "type": "User"});
    let input = json!([
        {"starred_at": "2026-11-01T08:00:00Z", "user": user},
        {"starred_at": "2026-11-01T21:30:00Z", "user": user},
        {"starred_at": "2026-11-03T10:00:00Z", "user": user},
        {"starred_at": "2026-11-07T00:00:01Z", "user": user},
        {"starred_at": "2026-11-07T23:59:59Z", "user": user}
    ]);
    let points = run("github-repo-stars", EndpointKind::Historical, input)?;
    let times: Vec<DateTime<Utc>> = points.iter().map(|p| p.timestamp).collect();
    assert_eq!(times, [at(2026, 11, 1), at(2026, 11, 3), at(2026, 11, 7)]);
    assert_eq!(values(&points), [2.0, 3.0, 5.0]);
    Ok(())
}

#[test]
fn github_stars_poll_is_one_point_now() -> Result<(), TransformError> {
    let input = json!({"id": 1, "full_name": "o/r", "stargazers_count": 1234, "forks": 5});
    let before = Utc::now() - chrono::Duration::seconds(1);
    let points = run("github-repo-stars", EndpointKind::Polling, input)?;
    assert_eq!(values(&points), [1234.0]);
    assert!(points[0].timestamp >= before && points[0].timestamp <= Utc::now());
    Ok(())
}

#[test]
fn code_frequency_has_additions_and_positive_deletions() -> Result<(), TransformError> {
    let input = json!([[1_761_436_800, 1200, -300], [1_762_041_600, 40, 0]]);
    let points = run("github-code-frequency", EndpointKind::Historical, input)?;
    assert_eq!(points[0].timestamp, at(2025, 10, 26));
    assert_eq!(values(&points), [1200.0, 40.0]);
    assert_eq!(points[0].dimensions.get("deletions"), Some(&json!(300)));
    // GitHub answers 202 with {} while it computes the statistics.
    assert_eq!(
        run("github-code-frequency", EndpointKind::Polling, json!({}))?,
        vec![]
    );
    Ok(())
}

#[test]
fn commit_activity_history_and_polls_count_per_day() -> Result<(), TransformError> {
    // 2026-11-01 is a Sunday.
    let sunday = at(2026, 11, 1).timestamp();
    let input = json!([{"week": sunday, "total": 6, "days": [0, 1, 2, 0, 3, 0, 0]}]);
    let points = run("github-commit-activity", EndpointKind::Historical, input)?;
    assert_eq!(points.len(), 7);
    assert_eq!(points[1].timestamp, at(2026, 11, 2));
    assert_eq!(values(&points), [0.0, 1.0, 2.0, 0.0, 3.0, 0.0, 0.0]);

    let commit = |date: &str| json!({"sha": "abc", "commit": {"author": {"name": "a", "date": date}, "message": "m"}});
    let input = json!([
        commit("2026-12-03T06:00:00Z"),
        commit("2026-12-02T23:00:00Z"),
        commit("2026-12-02T01:00:00Z"),
        commit("2026-12-02T00:00:00Z")
    ]);
    let points = run("github-commit-activity", EndpointKind::Polling, input)?;
    assert_eq!(
        points.iter().map(|p| p.timestamp).collect::<Vec<_>>(),
        [at(2026, 12, 2), at(2026, 12, 3)]
    );
    assert_eq!(values(&points), [3.0, 1.0]);
    Ok(())
}

#[test]
fn youtube_counts_are_strings_turned_into_numbers() -> Result<(), TransformError> {
    let input = json!({"kind": "youtube#videoListResponse", "items": [{"kind": "youtube#video", "id": "x",
        "statistics": {"viewCount": "1500000", "likeCount": "4200", "favoriteCount": "0", "commentCount": "310"}}]});
    let points = run("youtube-video-stats", EndpointKind::Polling, input)?;
    assert_eq!(values(&points), [1_500_000.0]);
    assert_eq!(points[0].dimensions.get("likes"), Some(&json!(4200)));
    assert_eq!(points[0].dimensions.get("comments"), Some(&json!(310)));
    // Hidden likes: the dimension is left out, not zero.
    let hidden = json!({"items": [{"statistics": {"viewCount": "7", "commentCount": "0"}}]});
    let points = run("youtube-video-stats", EndpointKind::Polling, hidden)?;
    assert_eq!(points[0].dimensions.get("likes"), None);
    let none = run(
        "youtube-video-stats",
        EndpointKind::Polling,
        json!({"items": []}),
    );
    assert!(
        matches!(&none, Err(TransformError::Jq(m)) if m.contains("no video")),
        "{none:?}"
    );
    Ok(())
}

#[test]
fn posthog_trends_are_one_point_per_day() -> Result<(), TransformError> {
    let input = json!({"results": [{"action": {"id": "$pageview"}, "label": "$pageview", "count": 8,
        "data": [3, 0, 5], "labels": ["1-Nov-2026", "2-Nov-2026", "3-Nov-2026"],
        "days": ["2026-11-01", "2026-11-02", "2026-11-03"]}], "is_cached": false});
    for kind in [EndpointKind::Historical, EndpointKind::Polling] {
        let points = run("posthog-events-total", kind, input.clone())?;
        assert_eq!(points[2].timestamp, at(2026, 11, 3));
        assert_eq!(values(&points), [3.0, 0.0, 5.0]);
    }
    Ok(())
}

#[test]
fn sheet_rows_become_labelled_snapshot_points() -> Result<(), TransformError> {
    let input = json!({"range": "Sheet1!A1:B5", "majorDimension": "ROWS",
        "values": [["Region", "Revenue"], ["north", "12"], ["south", "1,204.5"], ["empty"], ["west", "n/a"]]});
    let points = run("sheet-column", EndpointKind::Polling, input)?;
    assert_eq!(values(&points), [12.0, 1204.5]);
    let labels: Vec<&Value> = points
        .iter()
        .filter_map(|p| p.dimensions.get("label"))
        .collect();
    assert_eq!(labels, [&json!("north"), &json!("south")]);
    // Row index in seconds after now: rows 1 and 2.
    assert_eq!((points[1].timestamp - points[0].timestamp).num_seconds(), 1);
    Ok(())
}

fn run_program(program: &str, input: Value) -> Result<Vec<Point>, TransformError> {
    transform(program, &input, &Limits::default())
}

#[test]
fn outputs_may_be_objects_or_arrays_with_flexible_timestamps() -> Result<(), TransformError> {
    let points = run_program(
        r#"{timestamp: "2026-11-01", value: 1}, [{timestamp: 1793577600.5, value: 2.5, dimensions: {a: "x"}}],
           {timestamp: "2026-11-03T10:00:00", value: -3, dimensions: null},
           {timestamp: "2026-11-04T10:00:00+02:00", value: 4}"#,
        json!(null),
    )?;
    assert_eq!(values(&points), [1.0, 2.5, -3.0, 4.0]);
    assert_eq!(points[0].timestamp, at(2026, 11, 1));
    assert_eq!(points[1].timestamp.timestamp_subsec_millis(), 500);
    assert_eq!(
        points[3].timestamp,
        Utc.with_ymd_and_hms(2026, 11, 4, 8, 0, 0)
            .single()
            .unwrap_or_default()
    );
    assert_eq!(points[1].view().dimensions.get("a"), Some(&json!("x")));
    Ok(())
}

#[test]
fn invalid_outputs_are_errors_never_partial_results() {
    let cases = [
        ("{timestamp: 0}", "\"value\" is missing"),
        ("{value: 1}", "\"timestamp\" is missing"),
        (r#"{timestamp: 0, value: "12"}"#, "must be a number"),
        ("{timestamp: 0, value: nan}", "NaN"),
        ("{timestamp: 0, value: infinite}", "NaN or an infinite"),
        (r#"{timestamp: "yesterday", value: 1}"#, "RFC 3339"),
        ("{timestamp: 1762041600000, value: 1}", "unix seconds"),
        ("{timestamp: -5, value: 1}", "unix seconds"),
        ("1", "expected an object"),
        (r#""point""#, "expected an object"),
        ("[1, 2]", "expected an object"),
        (
            "{timestamp: 0, value: 1, dimensions: [1]}",
            "must be an object",
        ),
        ("{timestamp: 0, value: 1, label: 2}", "unknown key"),
        ("{timestamp: 0, value: 1}, 5", "output 1"),
    ];
    for (program, expected) in cases {
        let result = run_program(program, json!(null));
        let text = result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(text.contains(expected), "{program}: {result:?}");
    }
    let twice = run_program(
        "{timestamp: 0, value: 1}, {timestamp: 0, value: 2}",
        json!(null),
    );
    assert!(
        matches!(twice, Err(TransformError::DuplicateTimestamp(_))),
        "{twice:?}"
    );
}

#[test]
fn jq_errors_syntax_and_purity() {
    assert!(matches!(
        run_program(".a.b", json!({"a": 5})),
        Err(TransformError::Jq(_))
    ));
    assert!(
        matches!(run_program("error(\"boom\")", json!(1)), Err(TransformError::Jq(m)) if m.contains("boom"))
    );
    assert!(matches!(
        check_program("{timestamp: ."),
        Err(TransformError::Syntax(_))
    ));
    assert!(matches!(check_program(""), Err(TransformError::Syntax(_))));
    assert!(
        matches!(check_program("nosuchfilter(1)"), Err(TransformError::Syntax(m)) if m.contains("nosuchfilter"))
    );
    // No environment (secrets live there), no modules from disk, no halting the hub.
    assert!(matches!(
        check_program("env"),
        Err(TransformError::Syntax(_))
    ));
    assert!(check_program("$ENV").is_err());
    assert!(check_program("import \"x\" as x; 1").is_err());
    assert!(matches!(
        run_program("halt", json!(1)),
        Err(TransformError::Syntax(_) | TransformError::Jq(_))
    ));
    // Logging filters are accepted but silent.
    assert!(run_program("debug | stderr | {timestamp: 0, value: 1}", json!(1)).is_ok());
    assert_eq!(
        check_program("{timestamp: $now, value: (.a | tonumber)}"),
        Ok(())
    );
    for kind in [EndpointKind::Historical, EndpointKind::Polling] {
        for t in Catalog::builtin()
            .map(|c| c.iter().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if let Some(p) = t.transformer.get(kind) {
                assert_eq!(check_program(p), Ok(()), "{} {}", t.id, kind.as_str());
            }
        }
    }
}

#[test]
fn limits_on_input_points_and_range() {
    let limits = Limits {
        max_input_bytes: 100,
        ..Limits::default()
    };
    let big = json!({"data": "x".repeat(200)});
    let r = transform("{timestamp: 0, value: 1}", &big, &limits);
    assert!(
        matches!(r, Err(TransformError::InputTooLarge { limit: 100, .. })),
        "{r:?}"
    );

    // A million points one by one meet the default 100,000; as one array (which jaq builds
    // in about 1.5 µs a point before we see it) the point limit or the deadline.
    let r = run_program("range(1000000) | {timestamp: ., value: 1}", json!(null));
    assert_eq!(r, Err(TransformError::TooManyPoints(100_000)));
    let r = run_program("[range(1000000) | {timestamp: ., value: 1}]", json!(null));
    assert!(
        matches!(
            r,
            Err(TransformError::TooManyPoints(_) | TransformError::Timeout(_))
        ),
        "{r:?}"
    );
    let r = run_program("[range(200000) | {timestamp: ., value: 1}]", json!(null));
    assert_eq!(r, Err(TransformError::TooManyPoints(100_000)));
    let small = Limits {
        max_points: 3,
        ..Limits::default()
    };
    let r = transform("range(4) | {timestamp: ., value: 1}", &json!(null), &small);
    assert_eq!(r, Err(TransformError::TooManyPoints(3)));
    assert_eq!(
        transform("range(3) | {timestamp: ., value: 1}", &json!(null), &small).map(|p| p.len()),
        Ok(3)
    );

    // `[range(1e9)]` would take gigabytes: range has a budget.
    let started = std::time::Instant::now();
    let r = run_program("[range(1e9)] | length", json!(null));
    assert!(
        matches!(&r, Err(TransformError::Jq(m)) if m.contains("10,000,000")),
        "{r:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn endless_outputs_stop_at_the_deadline_or_the_point_limit() {
    let limits = Limits {
        timeout: std::time::Duration::from_millis(300),
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let r = transform("repeat(1)", &json!(null), &limits);
    assert!(
        matches!(r, Err(TransformError::InvalidOutput { index: 0, .. })),
        "{r:?}"
    );
    let r = transform("repeat({timestamp: 0, value: 1})", &json!(null), &limits);
    let stopped = matches!(
        r,
        Err(TransformError::TooManyPoints(_) | TransformError::Timeout(_))
    );
    assert!(stopped, "{r:?}");
    // No output at all: only the cancel flag in `range` stops it.
    let r = transform("last(range(1e12))", &json!(null), &limits);
    assert!(
        matches!(r, Err(TransformError::Timeout(_) | TransformError::Jq(_))),
        "{r:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn points_with_huge_dimensions_hit_the_output_limit() {
    // 3,000 points of 200 kB each: about 600 MB if nothing stopped it.
    let program = r#"range(0; 3000) | {timestamp: ., value: 1, dimensions: {x: ("a" * 200000)}}"#;
    let r = run_program(program, json!(null));
    assert_eq!(r, Err(TransformError::OutputTooLarge(MAX_OUTPUT_BYTES)));
    // Reasonable dimensions pass.
    let r = run_program(
        r#"range(0; 1000) | {timestamp: ., value: 1, dimensions: {x: "small"}}"#,
        json!(null),
    );
    assert_eq!(r.map(|p| p.len()), Ok(1000));
}
