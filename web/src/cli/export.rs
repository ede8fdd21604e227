//! `metrics-hub export`: an operator's export of one assistant's calls (or, with `--daily`, its
//! posted daily records), straight from the database, with the same filters, query code and
//! file writers as `GET /api/v1/export` (so the file is the one the API would send), streamed a
//! page at a time to stdout or a file.
//!
//! It needs the hub's database settings (`APP_DATABASE__URL`), not a login: whoever may run it
//! can read every user's data, like `psql` on the same database. Run it as the operator.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use persistence::postgres::models::Assistant;
use persistence::postgres::queries::assistants;
use persistence::{PersistenceError, PgPool};

use crate::error::ApiError;
use crate::export::format::{encode_page, failure_trailer, ExportRow};
use crate::export::{CallPages, DailyPages, Format, Pager};
use crate::routes::export::daily_filter;
use crate::routes::runs::RunsQuery;

/// What to export (`metrics-hub export --help`).
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The assistant: its id, or its name (an error lists the ids if several users use it).
    #[arg(long)]
    pub assistant: String,
    /// First UTC day, YYYY-MM-DD.
    #[arg(long)]
    pub start: NaiveDate,
    /// Last UTC day, inclusive (default: every call from `start` on).
    #[arg(long)]
    pub end: Option<NaiveDate>,
    /// File format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Only calls with this status: success or error.
    #[arg(long)]
    pub status: Option<String>,
    /// Only calls of this model.
    #[arg(long)]
    pub model: Option<String>,
    /// Only calls labelled with this domain.
    #[arg(long)]
    pub domain: Option<String>,
    /// Only calls from this country (two letters).
    #[arg(long)]
    pub country: Option<String>,
    /// Only calls with at least this latency, in ms.
    #[arg(long)]
    pub min_latency_ms: Option<i64>,
    /// Only calls that cost at least this many US dollars.
    #[arg(long)]
    pub min_cost: Option<f64>,
    /// Only the calls of this session.
    #[arg(long)]
    pub session: Option<String>,
    /// Order: newest (default), oldest, slowest or costliest.
    #[arg(long)]
    pub sort: Option<String>,
    /// Export the assistant's posted daily records (oldest first) instead of its calls; the
    /// call filters and `--sort` do not apply to them.
    #[arg(long, conflicts_with_all = ["status", "model", "domain", "country", "min_latency_ms", "min_cost", "session", "sort"])]
    pub daily: bool,
}

/// Why an export could not be made or finished.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no assistant has the id or name {0:?}")]
    NoSuchAssistant(String),
    #[error("several assistants are called {name:?} (ids {ids}): pass the id")]
    Ambiguous { name: String, ids: String },
    #[error("invalid filter: {0}")]
    Invalid(String),
    #[error("could not read from the database")]
    Storage(#[from] PersistenceError),
    #[error("could not write the export")]
    Write(#[from] std::io::Error),
}

impl From<ApiError> for ExportError {
    fn from(error: ApiError) -> Self {
        Self::Invalid(match error {
            ApiError::Validation(errors) => errors
                .errors()
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        })
    }
}

async fn resolve(pool: &PgPool, which: &str) -> Result<Assistant, ExportError> {
    let mut conn = pool.get().await.map_err(PersistenceError::from)?;
    if let Ok(id) = which.parse::<i64>() {
        if let Some(found) = assistants::find(&mut conn, id)
            .await
            .map_err(PersistenceError::from)?
        {
            return Ok(found);
        }
    }
    let mut named = assistants::find_by_name(&mut conn, which)
        .await
        .map_err(PersistenceError::from)?;
    match named.len() {
        0 => Err(ExportError::NoSuchAssistant(which.to_owned())),
        1 => Ok(named.remove(0)),
        _ => Err(ExportError::Ambiguous {
            name: which.to_owned(),
            ids: named
                .iter()
                .map(|a| a.id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Writes the export `args` describe; returns how many rows it holds. A failure midway
/// leaves the format's failure marker at the end of what was written, as the API does.
pub async fn run(pool: &PgPool, args: &ExportArgs) -> Result<u64, ExportError> {
    let assistant = resolve(pool, &args.assistant).await?;
    if args.daily {
        let filter = daily_filter(
            assistant.owner_id,
            Some(assistant.id),
            Some(args.start),
            args.end,
        )?;
        return write(DailyPages::new(pool.clone(), filter), args).await;
    }
    let query = RunsQuery {
        assistant: Some(assistant.id),
        status: args.status.clone(),
        model: args.model.clone(),
        domain: args.domain.clone(),
        country: args.country.clone(),
        min_latency_ms: args.min_latency_ms,
        min_cost: args.min_cost,
        session: args.session.clone(),
        start: Some(args.start),
        end: args.end,
        sort: args.sort.clone(),
        ..RunsQuery::default()
    };
    let mut filter = query.parse_filter()?;
    filter.owner_id = assistant.owner_id;
    write(
        CallPages::new(pool.clone(), filter, query.sort()?.order()),
        args,
    )
    .await
}

/// Writes every page of `pages` to the output `args` name.
async fn write<P: Pager>(mut pages: P, args: &ExportArgs) -> Result<u64, ExportError>
where
    P::Row: ExportRow,
{
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    let (mut first, mut count) = (true, 0_u64);
    loop {
        let page = match pages.next().await {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(error) => {
                out.write_all(failure_trailer(args.format).as_bytes())?;
                out.flush()?;
                return Err(error.into());
            }
        };
        out.write_all(encode_page(args.format, &page.rows, first, page.last).as_bytes())?;
        count += page.rows.len() as u64;
        first = false;
        if page.last {
            break;
        }
    }
    out.flush()?;
    Ok(count)
}
