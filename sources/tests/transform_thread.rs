//! The in-thread runner (no worker processes) on programs it cannot interrupt: the caller gets
//! its timeout on time, and once two abandoned threads still spin, further runs are refused
//! instead of taking every core. (Its own test binary: the spinning threads end with it.)

use std::time::{Duration, Instant};

use serde_json::json;
use sources::transform::{transform, Limits, TransformError};

#[test]
fn abandoned_runs_are_counted_and_then_refused() {
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    for _ in 0..2 {
        let started = Instant::now();
        let r = transform("def f: f; f", &json!(null), &limits);
        assert_eq!(r, Err(TransformError::Timeout(limits.timeout)));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    let refused = transform("{timestamp: 0, value: 1}", &json!(null), &limits);
    assert!(
        matches!(&refused, Err(TransformError::Internal(m)) if m.contains("still running")),
        "{refused:?}"
    );
}
