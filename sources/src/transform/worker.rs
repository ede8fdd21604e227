//! Transformer runs in worker processes, the one way to really stop a jq program: jaq cannot be
//! interrupted, and deep recursion overflows any stack (which aborts the process it runs in).
//! A worker is the hub binary started again with a hidden subcommand (or the
//! `sources-transform-worker` binary) whose `main` is [`main`] here: it limits its own address
//! space, then answers one JSON line per request on stdin with one JSON line on stdout. The
//! parent keeps a few idle workers; a run past its deadline kills its worker, a worker that
//! dies (stack overflow, out of memory) is reported as [`TransformError::Crashed`], and the
//! next run starts a fresh one. The cost of a runaway is one process start, not a spinning
//! thread.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{engine, points, Limits, Point, TransformError, STACK_BYTES};

/// How to start workers.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The executable (e.g. `std::env::current_exe()`).
    pub program: PathBuf,
    /// Its arguments (e.g. `["transform-worker"]`).
    pub args: Vec<String>,
    /// Idle workers kept; more run at once when needed, and the extra ones exit after.
    pub workers: usize,
    /// Address-space limit of a worker (`RLIMIT_AS`), passed in `MH_TRANSFORM_MEMORY_BYTES`.
    pub memory_limit_bytes: u64,
}

impl WorkerConfig {
    /// Workers that are this very executable started with `args`.
    pub fn current_exe(args: &[&str]) -> Result<Self, TransformError> {
        let program = std::env::current_exe()
            .map_err(|e| TransformError::Internal(format!("no path to this program: {e}")))?;
        Ok(WorkerConfig {
            program,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            workers: 2,
            memory_limit_bytes: 2 * 1024 * 1024 * 1024,
        })
    }
}

const MEMORY_VAR: &str = "MH_TRANSFORM_MEMORY_BYTES";
/// How long a new worker may take to start.
const STARTUP: Duration = Duration::from_secs(5);
/// The line a worker writes once it is ready.
const READY: &str = "\"ready\"";

#[derive(Serialize, Deserialize)]
struct Request {
    program: String,
    input: Value,
    now: String,
    max_points: usize,
    timeout_ms: u64,
}

#[derive(Serialize, Deserialize)]
enum Response {
    Points(Vec<Value>),
    Failed(WireError),
}

/// A [`TransformError`] on the pipe: which one and its text.
#[derive(Serialize, Deserialize)]
struct WireError {
    kind: String,
    detail: String,
}

/// The worker process: serves requests until stdin closes. Returns the exit code.
pub fn main() -> i32 {
    if let Some(bytes) = std::env::var(MEMORY_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        if let Err(e) = rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes) {
            eprintln!("transform worker: cannot limit memory: {e}");
        }
    }
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{READY}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return 1;
    }
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return 1 };
        let response = match serde_json::from_str::<Request>(&line) {
            Ok(request) => serve(request),
            Err(e) => {
                Response::Failed(wire(&TransformError::Internal(format!("bad request: {e}"))))
            }
        };
        let written = serde_json::to_writer(&mut stdout, &response)
            .map_err(std::io::Error::from)
            .and_then(|()| stdout.write_all(b"\n"))
            .and_then(|()| stdout.flush());
        if written.is_err() {
            return 1;
        }
    }
    0
}

/// One request, on a thread with a large stack (the main thread's is small).
fn serve(request: Request) -> Response {
    let job = std::thread::Builder::new()
        .name("jq-transformer".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let limits = Limits {
                max_input_bytes: usize::MAX,
                max_points: request.max_points,
                timeout: Duration::from_millis(request.timeout_ms),
            };
            let cancel = Arc::new(AtomicBool::new(false));
            engine::run_here(
                &request.program,
                &request.input,
                &request.now,
                &limits,
                cancel,
            )
        });
    let result = match job {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(TransformError::Crashed("the interpreter panicked".into()))),
        Err(e) => Err(TransformError::Internal(format!("no thread: {e}"))),
    };
    match result {
        Ok(points) => Response::Points(points.iter().map(Point::to_json).collect()),
        Err(e) => Response::Failed(wire(&e)),
    }
}

fn wire(e: &TransformError) -> WireError {
    let (kind, detail) = match e {
        TransformError::Syntax(d) => ("syntax", d.clone()),
        TransformError::Jq(d) => ("jq", d.clone()),
        TransformError::InvalidOutput { index, reason } => ("output", format!("{index}\n{reason}")),
        TransformError::DuplicateTimestamp(t) => ("duplicate", t.to_rfc3339()),
        TransformError::TooManyPoints(n) => ("points", n.to_string()),
        TransformError::OutputTooLarge(n) => ("output-size", n.to_string()),
        other => ("other", other.to_string()),
    };
    WireError {
        kind: kind.into(),
        detail,
    }
}

fn unwire(e: WireError, limits: &Limits) -> TransformError {
    match e.kind.as_str() {
        "syntax" => TransformError::Syntax(e.detail),
        "jq" => TransformError::Jq(e.detail),
        "output" => match e.detail.split_once('\n') {
            Some((index, reason)) => TransformError::InvalidOutput {
                index: index.parse().unwrap_or(0),
                reason: reason.to_owned(),
            },
            None => TransformError::Internal(e.detail),
        },
        "duplicate" => chrono::DateTime::parse_from_rfc3339(&e.detail)
            .map(|t| TransformError::DuplicateTimestamp(t.with_timezone(&chrono::Utc)))
            .unwrap_or(TransformError::Internal(e.detail)),
        "points" => TransformError::TooManyPoints(limits.max_points),
        "output-size" => TransformError::OutputTooLarge(super::MAX_OUTPUT_BYTES),
        _ => TransformError::Internal(e.detail),
    }
}

/// A running worker: its stdin, and the lines of its stdout (read by a thread of its own, so
/// the parent can wait with a deadline).
struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Worker {
    fn start(config: &WorkerConfig) -> Result<Self, TransformError> {
        let mut child = Command::new(&config.program)
            .args(&config.args)
            .env(MEMORY_VAR, config.memory_limit_bytes.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                TransformError::Internal(format!("cannot start a transform worker: {e}"))
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(TransformError::Internal("the worker has no pipes".into()));
        };
        let (tx, lines) = channel();
        std::thread::Builder::new()
            .name("jq-worker-reader".into())
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| TransformError::Internal(format!("no reader thread: {e}")))?;
        let worker = Worker {
            child,
            stdin,
            lines,
        };
        // It says so when it is ready, so its start-up does not count against a program.
        match worker.lines.recv_timeout(STARTUP) {
            Ok(line) if line == READY => Ok(worker),
            _ => {
                let status = worker.stop();
                Err(TransformError::Internal(format!(
                    "the transform worker did not start ({status})"
                )))
            }
        }
    }

    /// Ends this worker (ours, by its handle) and reaps it.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => e.to_string(),
        }
    }
}

/// The parent's side: idle workers, started on demand.
pub struct Pool {
    config: WorkerConfig,
    idle: Mutex<Vec<Worker>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("config", &self.config)
            .finish()
    }
}

impl Pool {
    pub fn new(config: WorkerConfig) -> Self {
        Pool {
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn take(&self) -> Result<Worker, TransformError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(worker) => Ok(worker),
            None => Worker::start(&self.config),
        }
    }

    fn give_back(&self, worker: Worker) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < self.config.workers.max(1) {
                idle.push(worker);
                return;
            }
        }
        worker.stop();
    }

    /// Runs one program in a worker; blocks for at most the timeout (plus start-up).
    pub fn run(
        &self,
        program: &str,
        input: &Value,
        now: &str,
        limits: &Limits,
    ) -> Result<Vec<Point>, TransformError> {
        let request = Request {
            program: program.to_owned(),
            input: input.clone(),
            now: now.to_owned(),
            max_points: limits.max_points,
            timeout_ms: u64::try_from(limits.timeout.as_millis()).unwrap_or(u64::MAX),
        };
        let mut line = serde_json::to_vec(&request)
            .map_err(|e| TransformError::Internal(format!("cannot encode the request: {e}")))?;
        line.push(b'\n');
        let mut worker = self.take()?;
        if worker
            .stdin
            .write_all(&line)
            .and_then(|()| worker.stdin.flush())
            .is_err()
        {
            // An idle worker that died meanwhile: once more with a fresh one.
            worker.stop();
            worker = Worker::start(&self.config)?;
            worker
                .stdin
                .write_all(&line)
                .and_then(|()| worker.stdin.flush())
                .map_err(|e| {
                    TransformError::Internal(format!("the worker does not listen: {e}"))
                })?;
        }
        // Compiling and decoding take a little time beyond the program's own.
        match worker
            .lines
            .recv_timeout(limits.timeout + Duration::from_millis(250))
        {
            Ok(answer) => {
                let response = serde_json::from_str::<Response>(&answer);
                self.give_back(worker);
                match response {
                    Ok(Response::Points(values)) => values
                        .iter()
                        .map(|v| points::point(v).map_err(TransformError::Internal))
                        .collect(),
                    Ok(Response::Failed(e)) => Err(unwire(e, limits)),
                    Err(e) => Err(TransformError::Internal(format!("bad worker answer: {e}"))),
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                worker.stop();
                Err(TransformError::Timeout(limits.timeout))
            }
            Err(RecvTimeoutError::Disconnected) => Err(TransformError::Crashed(worker.stop())),
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Ok(mut idle) = self.idle.lock() {
            for worker in idle.drain(..) {
                worker.stop();
            }
        }
    }
}
