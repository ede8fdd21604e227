//! Runaway jq programs in worker processes (`sources-transform-worker`): each is stopped
//! within its timeout, and the process running the tests is never hurt, whatever the program
//! does (loops with no output, deep recursion that overflows the stack, huge allocations).

use std::time::{Duration, Instant};

use serde_json::json;
use sources::transform::{transform, use_worker_processes, Limits, TransformError, WorkerConfig};

fn setup() {
    let config = WorkerConfig {
        program: env!("CARGO_BIN_EXE_sources-transform-worker").into(),
        args: Vec::new(),
        workers: 2,
        memory_limit_bytes: 1024 * 1024 * 1024,
    };
    // Several tests share the process-wide setting; the first one sets it.
    let _ = use_worker_processes(config);
}

fn limits() -> Limits {
    Limits {
        timeout: Duration::from_millis(1500),
        ..Limits::default()
    }
}

#[test]
fn the_four_runaway_programs_are_stopped_within_the_timeout() {
    setup();
    let programs = [
        "def f: f; f",
        "repeat(1)",
        "[range(1e9)]",
        "def f: [f]; f",
        "def f(n): 1 + f(n + 1); f(0)",
        "last(range(1e12))",
        "[limit(1e9; repeat(\"xxxxxxxxxxxxxxxx\"))] | length",
    ];
    for program in programs {
        let started = Instant::now();
        let result = transform(program, &json!(null), &limits());
        let took = started.elapsed();
        assert!(result.is_err(), "{program}: {result:?}");
        // Timeout plus the worker's start and the kill.
        assert!(took < Duration::from_secs(4), "{program}: {took:?}");
        eprintln!(
            "{program}: {took:?} {}",
            result.err().map(|e| e.to_string()).unwrap_or_default()
        );
    }
}

#[test]
fn workers_give_the_same_answers_as_the_thread_and_survive_kills() -> Result<(), TransformError> {
    setup();
    let input = json!({"items": [{"statistics": {"viewCount": "12", "likeCount": "3"}}]});
    let program = "{timestamp: $now, value: (.items[0].statistics.viewCount | tonumber), \
                   dimensions: {likes: (.items[0].statistics.likeCount | tonumber)}}";
    for _ in 0..3 {
        let points = transform(program, &input, &limits())?;
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].value, 12.0);
        assert_eq!(points[0].dimensions.get("likes"), Some(&json!(3)));
        // A runaway in between kills a worker; the next run gets a fresh one.
        let r = transform("def f: f; f", &json!(null), &limits());
        assert!(matches!(r, Err(TransformError::Timeout(_))), "{r:?}");
    }
    let r = transform("{timestamp: 0}", &json!(null), &limits());
    assert!(
        matches!(&r, Err(TransformError::InvalidOutput { index: 0, reason }) if reason.contains("value")),
        "{r:?}"
    );
    let r = transform(
        "range(1e6) | {timestamp: ., value: 1}",
        &json!(null),
        &limits(),
    );
    assert_eq!(r, Err(TransformError::TooManyPoints(100_000)));
    let r = transform(
        "{timestamp: 0, value: 1}, {timestamp: 0, value: 2}",
        &json!(null),
        &limits(),
    );
    assert!(
        matches!(r, Err(TransformError::DuplicateTimestamp(_))),
        "{r:?}"
    );
    let r = transform("{timestamp: .", &json!(null), &limits());
    assert!(matches!(r, Err(TransformError::Syntax(_))), "{r:?}");
    Ok(())
}

#[test]
fn concurrent_runs_each_get_their_own_answer() {
    setup();
    let handles: Vec<_> = (0..6)
        .map(|i| {
            std::thread::spawn(move || {
                let program = format!("{{timestamp: {i}, value: (.n * {i})}}");
                transform(&program, &json!({"n": 10}), &limits())
            })
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let points = handle
            .join()
            .unwrap_or_else(|_| Err(TransformError::Internal("panic".into())));
        let values: Vec<f64> = points
            .map(|p| p.iter().map(|p| p.value).collect())
            .unwrap_or_default();
        assert_eq!(values, [10.0 * i as f64], "run {i}");
    }
}

#[test]
fn a_worker_stops_a_program_whose_points_are_too_large() {
    setup();
    let program = r#"range(0; 3000) | {timestamp: ., value: 1, dimensions: {x: ("a" * 200000)}}"#;
    let r = transform(program, &serde_json::Value::Null, &limits());
    assert_eq!(
        r,
        Err(TransformError::OutputTooLarge(
            sources::transform::MAX_OUTPUT_BYTES
        ))
    );
}
