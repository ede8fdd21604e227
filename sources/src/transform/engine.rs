//! The jaq side of a transformer run: compile the program with a pure standard library (no
//! environment, no files, no halting the process, no logging), run it on the input, and turn
//! each output into points as it comes, so a limit trips as soon as it is crossed.
//!
//! jaq cannot be interrupted from outside: a run is stopped only between two outputs or inside
//! `range` (replaced by a counting version that also watches a cancel flag). Whatever loops
//! without either (`def f: f; f`) or recurses deeply is stopped by the caller, who runs this on
//! a thread it may abandon or in a worker process it may kill (see `transform::worker`).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::native::{run, v, Filter as NativeFilter, Fun};
use jaq_core::{data, Ctx, DataT, Error, Exn, RunPtr, Vars};
use jaq_json::Val;
use serde::Deserialize;
use serde_json::Value;

use super::points::{self, Point};
use super::{Limits, TransformError};

type D = data::JustLut<Val>;

/// Native filters left out: `env` (would leak the hub's settings and secrets). `halt` becomes an
/// error and the logging ones silent (so programs cannot stop or flood the hub), see
/// [`overrides`].
const REMOVED: [&str; 1] = ["env"];

/// Numbers `range` may produce in one run, across all its calls: far above what a response
/// needs, far below what exhausts memory (`[range(1e9)]`).
pub(crate) const RANGE_BUDGET: u64 = 10_000_000;

thread_local! {
    static RANGE_LEFT: Cell<u64> = const { Cell::new(RANGE_BUDGET) };
    static CANCEL: std::cell::RefCell<Option<Arc<AtomicBool>>> = const { std::cell::RefCell::new(None) };
}

fn cancelled() -> bool {
    CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

/// Takes one number from the range budget; an error once it is spent or the run is cancelled.
fn tick() -> Result<(), &'static str> {
    if cancelled() {
        return Err("the program was stopped (time limit)");
    }
    RANGE_LEFT.with(|left| match left.get() {
        0 => Err("range produced more than 10,000,000 numbers"),
        n => {
            left.set(n - 1);
            Ok(())
        }
    })
}

/// Our replacements: `range($from; $to; $by)` as jaq's, counting each number it produces, and
/// silent logging.
fn overrides<DD: for<'a> DataT<V<'a> = Val>>() -> Box<[NativeFilter<RunPtr<DD>>]> {
    Box::new([
        ("range", v(3), |mut cv| {
            use std::cmp::Ordering::{Equal, Greater, Less};
            let by = cv.0.pop_var();
            let to = cv.0.pop_var();
            let from = cv.0.pop_var();
            let direction = by.partial_cmp(&Val::from(0usize)).unwrap_or(Equal);
            let mut next = Some(from);
            Box::new(std::iter::from_fn(move || {
                let x = next.take()?;
                let go = match direction {
                    Greater => x < to,
                    Less => x > to,
                    Equal => x != to,
                };
                if !go {
                    return None;
                }
                if let Err(why) = tick() {
                    return Some(Err(Exn::from(Error::str(why))));
                }
                match x.clone() + by.clone() {
                    Ok(after) => next = Some(after),
                    Err(e) => return Some(Err(Exn::from(e))),
                }
                Some(Ok(x))
            }))
        }),
        ("debug_empty", v(0), |_| Box::new(std::iter::empty())),
        ("stderr_empty", v(0), |_| Box::new(std::iter::empty())),
        ("halt", v(1), |_| {
            Box::new(std::iter::once(Err(Exn::from(Error::str(
                "halt is not allowed in a transformer",
            )))))
        }),
    ])
}

/// Filters replaced by [`overrides`].
const REPLACED: [&str; 4] = ["range", "debug_empty", "stderr_empty", "halt"];

fn funs<DD: for<'a> DataT<V<'a> = Val>>() -> Vec<Fun<DD>> {
    let mut all: Vec<Fun<DD>> = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .filter(|(name, _, _)| !REMOVED.contains(name) && !REPLACED.contains(name))
        .collect();
    for f in overrides::<DD>().into_vec() {
        all.push(run::<DD>(f));
    }
    all
}

/// A compiled program.
type Filter = jaq_core::Filter<D>;

/// Parses and compiles `program` (with `$now` defined).
pub(crate) fn compile(program: &str) -> Result<Filter, TransformError> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(
            &arena,
            File {
                code: program,
                path: (),
            },
        )
        .map_err(|errs| TransformError::Syntax(load_errors(errs)))?;
    jaq_core::Compiler::default()
        .with_funs(funs::<D>())
        .with_global_vars(["$now"])
        .compile(modules)
        .map_err(|errs| {
            let names: Vec<String> = errs
                .into_iter()
                .flat_map(|(_, e)| e)
                .map(|(name, kind)| format!("{} {name}", kind.as_str()))
                .collect();
            TransformError::Syntax(format!("undefined {}", names.join(", ")))
        })
}

fn load_errors(errs: jaq_core::load::Errors<&str, ()>) -> String {
    use jaq_core::load::Error as E;
    let mut out = Vec::new();
    for (_, e) in errs {
        match e {
            E::Io(items) => out.extend(
                items
                    .into_iter()
                    .map(|(path, why)| format!("{path}: {why}")),
            ),
            E::Lex(items) => {
                out.extend(items.into_iter().map(|(expect, at)| {
                    format!("expected {} at {:?}", expect.as_str(), excerpt(at))
                }))
            }
            E::Parse(items) => {
                out.extend(items.into_iter().map(|(expect, at)| {
                    format!("expected {} at {:?}", expect.as_str(), excerpt(at))
                }))
            }
        }
    }
    out.join("; ")
}

fn excerpt(at: &str) -> String {
    let short: String = at.chars().take(20).collect();
    if short.is_empty() {
        "the end".into()
    } else {
        short
    }
}

/// Runs `program` on `input` on the current thread; `cancel` (when set) stops it between
/// outputs and in `range`. Returns the validated points, or the first reason it failed.
pub(crate) fn run_here(
    program: &str,
    input: &Value,
    now: &str,
    limits: &Limits,
    cancel: Arc<AtomicBool>,
) -> Result<Vec<Point>, TransformError> {
    let filter = compile(program)?;
    let input = Val::deserialize(input).map_err(|e| TransformError::Input(e.to_string()))?;
    RANGE_LEFT.with(|left| left.set(RANGE_BUDGET));
    CANCEL.with(|c| *c.borrow_mut() = Some(cancel));
    let deadline = Instant::now() + limits.timeout;
    let ctx = Ctx::<D>::new(&filter.lut, Vars::new([Val::from(now.to_owned())]));
    let mut out = Vec::new();
    let mut bytes = 0usize;
    let mut result = Ok(());
    for (index, output) in filter.id.run((ctx, input)).enumerate() {
        if cancelled() || Instant::now() > deadline {
            result = Err(TransformError::Timeout(limits.timeout));
            break;
        }
        let before = out.len();
        let step = match output {
            Ok(value) => points::collect(&value, index, limits.max_points, &mut out),
            Err(e) => Err(TransformError::Jq(exn_text(e))),
        };
        let step = step.and_then(|()| {
            bytes = bytes.saturating_add(out[before..].iter().map(points::size).sum());
            if bytes > super::MAX_OUTPUT_BYTES {
                Err(TransformError::OutputTooLarge(super::MAX_OUTPUT_BYTES))
            } else {
                Ok(())
            }
        });
        if let Err(e) = step {
            result = Err(e);
            break;
        }
    }
    CANCEL.with(|c| *c.borrow_mut() = None);
    result.and_then(|()| points::finish(out))
}

fn exn_text(e: Exn<'_, Val>) -> String {
    match e.get_err() {
        Ok(err) => {
            let text = err.to_string();
            // Our own guards speak for themselves.
            if text.contains("10,000,000") || text.contains("stopped (time limit)") {
                text.trim_matches('"').to_owned()
            } else {
                text
            }
        }
        Err(_) => "the program tried to halt".into(),
    }
}
