//! Transformers: jq programs that turn an integration's raw response into points, written once
//! per template and shared by every user of it. They are run by jaq (a maintained Rust jq)
//! with limits on input size, points and time; their outputs are validated into
//! `{timestamp, value, dimensions}` points, and anything wrong is an error, never a partial
//! result.
//!
//! A program is untrusted (users write them; an LLM may). jaq has no way to interrupt a run,
//! so where it runs matters:
//! - by default, on a dedicated thread with a large stack and a deadline. A program that
//!   outputs forever, or spends its time in `range`, is stopped at the deadline or the point
//!   limit; but one that loops with neither (`def f: f; f`) keeps its thread spinning after
//!   the caller got its timeout (while two such threads spin, runs are refused), and deep
//!   recursion (`def f: [f]; f`) overflows even a large stack within milliseconds, which
//!   aborts the whole process. Fine for tests of well-behaved programs, not for a server;
//! - after [`use_worker_processes`], in a pool of worker processes (the hub binary started
//!   again with a hidden subcommand that calls [`worker::main`]): a run past its deadline, or
//!   one that overflows its stack or its memory limit, costs only its worker, which is killed
//!   and replaced. The hub sets this up at start-up:
//!
//! ```text
//! // first thing in main(), before parsing arguments:
//! if std::env::args().nth(1).as_deref() == Some("transform-worker") {
//!     std::process::exit(sources::transform::worker::main());
//! }
//! // when serving (tests: WorkerConfig { program: env!("CARGO_BIN_EXE_metrics-hub").into(), .. }):
//! sources::transform::use_worker_processes(WorkerConfig::current_exe(&["transform-worker"])?)?;
//! ```
//!
//! `transform` blocks the calling thread for up to `Limits::timeout`: call it from
//! `spawn_blocking` (or `web::block`) in async code.

mod engine;
mod points;
pub mod worker;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

pub use points::Point;
pub use worker::WorkerConfig;

/// Stack of the thread a program runs on: deep recursion needs it (reserved, not committed).
const STACK_BYTES: usize = 256 * 1024 * 1024;

/// Limits of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Input larger than this (as JSON text) is refused before the run.
    pub max_input_bytes: usize,
    /// More points than this is an error.
    pub max_points: usize,
    /// A run longer than this is stopped.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 8 * 1024 * 1024,
            max_points: 100_000,
            timeout: Duration::from_secs(2),
        }
    }
}

/// Why a transformer run produced no points; each message is a sentence for `lastError` or a
/// preview.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum TransformError {
    #[error("the jq program does not compile: {0}")]
    Syntax(String),
    #[error("the jq program failed: {0}")]
    Jq(String),
    #[error("output {index} of the jq program is not a valid point: {reason}")]
    InvalidOutput { index: usize, reason: String },
    #[error("two points have the same timestamp {0}")]
    DuplicateTimestamp(DateTime<Utc>),
    #[error("the jq program output more than {0} points")]
    TooManyPoints(usize),
    #[error("the jq program's points take more than {0} bytes")]
    OutputTooLarge(usize),
    #[error("the response is {size} bytes, more than the {limit} a transformer reads")]
    InputTooLarge { size: usize, limit: usize },
    #[error("the response could not be read by the transformer: {0}")]
    Input(String),
    #[error("the jq program ran longer than {0:?} and was stopped")]
    Timeout(Duration),
    #[error("the jq program crashed its worker ({0}): too deep a recursion or too much memory")]
    Crashed(String),
    #[error("the transformer could not run: {0}")]
    Internal(String),
}

/// Most bytes of points one run may output (their dimensions as JSON, plus a fixed cost per
/// point): a program cannot make the hub read, store or broadcast hundreds of megabytes.
pub const MAX_OUTPUT_BYTES: usize = 8 * 1024 * 1024;

/// Where programs run; set once by [`use_worker_processes`].
static WORKERS: OnceLock<worker::Pool> = OnceLock::new();

/// Runs every later [`transform`] in worker processes (see the module doc). Call once at
/// start-up; a second call is an error.
pub fn use_worker_processes(config: WorkerConfig) -> Result<(), TransformError> {
    WORKERS
        .set(worker::Pool::new(config))
        .map_err(|_| TransformError::Internal("worker processes are already set up".into()))
}

/// Runs a jq program on `input`. Outputs must be point objects `{timestamp: RFC 3339 string or
/// unix seconds, value: finite number, dimensions?: object}` or arrays of them; `$now` is the
/// current time (RFC 3339). Any invalid output, jq error or limit is an error. The points come
/// sorted by time.
pub fn transform(
    program: &str,
    input: &Value,
    limits: &Limits,
) -> Result<Vec<Point>, TransformError> {
    let size = json_size(input);
    if size > limits.max_input_bytes {
        return Err(TransformError::InputTooLarge {
            size,
            limit: limits.max_input_bytes,
        });
    }
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    match WORKERS.get() {
        Some(pool) => pool.run(program, input, &now, limits),
        None => run_on_thread(program, input, &now, limits),
    }
}

/// Parses and compiles a program without running it.
pub fn check_program(program: &str) -> Result<(), TransformError> {
    if program.trim().is_empty() {
        return Err(TransformError::Syntax("the program is empty".into()));
    }
    engine::compile(program).map(|_| ())
}

/// Abandoned runs whose thread still spins (see [`run_on_thread`]).
static RUNAWAYS: AtomicUsize = AtomicUsize::new(0);
/// Past this many, thread runs are refused: they would take every core.
const MAX_RUNAWAYS: usize = 2;

/// Whether a thread run finished and whether its caller gave up on it; under one lock so the
/// runaway count is exact.
#[derive(Default)]
struct RunState {
    finished: bool,
    abandoned: bool,
}

struct Finish(Arc<Mutex<RunState>>);

impl Drop for Finish {
    fn drop(&mut self) {
        if let Ok(mut state) = self.0.lock() {
            state.finished = true;
            if state.abandoned {
                RUNAWAYS.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// Runs on a fresh thread and waits at most `limits.timeout` (plus a little for compiling).
/// On timeout the thread is told to stop; it notices only between outputs or in `range`, and
/// otherwise spins until its program ends. While [`MAX_RUNAWAYS`] such threads spin, further
/// runs are refused.
pub(crate) fn run_on_thread(
    program: &str,
    input: &Value,
    now: &str,
    limits: &Limits,
) -> Result<Vec<Point>, TransformError> {
    if RUNAWAYS.load(Ordering::SeqCst) >= MAX_RUNAWAYS {
        return Err(TransformError::Internal(
            "earlier jq programs that ran past their time limit are still running; \
             transformers run again once they end (worker processes would have stopped them)"
                .into(),
        ));
    }
    let (tx, rx) = sync_channel(1);
    let cancel = Arc::new(AtomicBool::new(false));
    let state = Arc::new(Mutex::new(RunState::default()));
    let (program, input, now, job_limits, flag, job_state) = (
        program.to_owned(),
        input.clone(),
        now.to_owned(),
        limits.clone(),
        Arc::clone(&cancel),
        Arc::clone(&state),
    );
    std::thread::Builder::new()
        .name("jq-transformer".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            // Marks the run finished when the thread ends, even by a panic.
            let _finish = Finish(job_state);
            let result = engine::run_here(&program, &input, &now, &job_limits, flag);
            // The caller may have given up already; then nobody wants the result.
            let _ = tx.send(result);
        })
        .map_err(|e| TransformError::Internal(format!("no thread for the program: {e}")))?;
    match rx.recv_timeout(limits.timeout + Duration::from_millis(100)) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => {
            if let Ok(mut state) = state.lock() {
                if state.finished {
                    // It ended just now.
                    return rx
                        .try_recv()
                        .unwrap_or(Err(TransformError::Timeout(limits.timeout)));
                }
                state.abandoned = true;
                RUNAWAYS.fetch_add(1, Ordering::SeqCst);
            }
            cancel.store(true, Ordering::Relaxed);
            Err(TransformError::Timeout(limits.timeout))
        }
        Err(RecvTimeoutError::Disconnected) => {
            Err(TransformError::Crashed("the interpreter panicked".into()))
        }
    }
}

/// The size of a value as compact JSON, without building the text.
fn json_size(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

#[cfg(test)]
#[path = "transform/tests.rs"]
mod tests;
