//! The streamed export of every call matching the runs filters, as CSV, a JSON array or NDJSON:
//! pages are read and written one at a time, never the whole result. Everything is checked and
//! the first page read before the first byte; a failure after that ends the file with a marker
//! and cuts the connection (docs/streaming.md).

use actix_web::{get, web, HttpResponse};
use futures_util::stream;
use hub::units::nanos_to_usd;
use persistence::postgres::queries::runs::{self, Run, RunCursor, RunFilter};
use persistence::PgPool;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Unauthorized, Unavailable};
use crate::state::AppState;

use protocol::runs::RunView;

use super::runs::{run_view, RunsQuery};

/// Runs read from the database per exported chunk.
const EXPORT_PAGE: i64 = 2_000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export);
}

/// Encoding of an export (the `format` parameter; its parsing and its schema in one place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(as = ExportFormat, rename_all = "lowercase")]
pub enum Format {
    Csv,
    Json,
    NdJson,
}

impl Format {
    fn parse(text: Option<&str>) -> Result<Self, ApiError> {
        match text {
            None | Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            Some("ndjson") => Ok(Self::NdJson),
            Some(other) => Err(hub::ValidationErrors::single(
                "format",
                format!("{other:?} is not one of \"csv\", \"json\", \"ndjson\""),
            )
            .into()),
        }
    }

    fn content_type_and_name(self) -> (&'static str, &'static str) {
        match self {
            Self::Csv => ("text/csv; charset=utf-8", "runs.csv"),
            Self::Json => ("application/json", "runs.json"),
            Self::NdJson => ("application/x-ndjson", "runs.ndjson"),
        }
    }
}

const CSV_HEADER: &str = "id,assistant_id,ts,model,status,status_code,latency_ms,duration_ms,tokens_in,tokens_out,cost_usd,country,domain,metadata\n";

/// One CSV cell of client-supplied text: quoted when needed, and defused when a spreadsheet
/// would read it as a formula (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'`
/// in front, as OWASP recommends), so an export is safe to open.
fn csv_field(value: Option<&str>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_line(run: &Run) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        run.id,
        run.assistant_id,
        run.ts.to_rfc3339(),
        csv_field(run.model.as_deref()),
        csv_field(run.status.as_deref()),
        opt(run.status_code.map(|c| c.to_string())),
        opt(run.latency_ms.map(|c| c.to_string())),
        run.duration_ms,
        run.tokens_in,
        run.tokens_out,
        nanos_to_usd(run.cost_nanos),
        csv_field(run.country.as_deref()),
        csv_field(run.domain.as_deref()),
        csv_field(run.metadata.as_ref().map(ToString::to_string).as_deref()),
    )
}

/// The text of one page of runs; `first` says whether nothing was written before it, `last`
/// whether the export ends with it.
fn encode_page(format: Format, page: &[Run], first: bool, last: bool) -> String {
    let mut out = String::new();
    if first {
        out.push_str(match format {
            Format::Csv => CSV_HEADER,
            Format::Json => "[",
            Format::NdJson => "",
        });
    }
    for (i, run) in page.iter().enumerate() {
        match format {
            Format::Csv => out.push_str(&csv_line(run)),
            Format::Json | Format::NdJson => {
                if format == Format::Json && !(first && i == 0) {
                    out.push(',');
                }
                let view = run_view(run.clone());
                out.push_str(&serde_json::to_string(&view).unwrap_or_default());
                if format == Format::NdJson {
                    out.push('\n');
                }
            }
        }
    }
    if last && format == Format::Json {
        out.push(']');
    }
    out
}

/// What an export that fails midway writes before the connection is cut (see docs/streaming.md):
/// a CSV gets a last line starting with `#`, NDJSON a last object with `error`; a JSON array is
/// left unclosed, so every parser rejects it.
fn failure_trailer(format: Format) -> &'static str {
    match format {
        Format::Csv => "#error: the export stopped early; this file is incomplete\n",
        Format::NdJson => "{\"error\":\"the export stopped early; this file is incomplete\"}\n",
        Format::Json => "",
    }
}

/// Where an export stream stands.
struct ExportState {
    pool: PgPool,
    filter: RunFilter,
    format: Format,
    /// A page read but not written yet (the first one is read before the answer starts).
    pending: Option<Vec<Run>>,
    cursor: Option<RunCursor>,
    started: bool,
    /// Set after a failure: the stream ends with an error, so the connection is cut.
    failed: Option<ApiError>,
    finished: bool,
}

async fn read_page(
    pool: &PgPool,
    filter: &RunFilter,
    cursor: Option<RunCursor>,
) -> Result<Vec<Run>, ApiError> {
    let mut conn = pool.get().await?;
    Ok(runs::page(&mut conn, filter, cursor, EXPORT_PAGE).await?)
}

async fn next_chunk(mut state: ExportState) -> Option<(Result<web::Bytes, ApiError>, ExportState)> {
    if let Some(error) = state.failed.take() {
        state.finished = true;
        return Some((Err(error), state));
    }
    if state.finished {
        return None;
    }
    let page = match state.pending.take() {
        Some(page) => Ok(page),
        None => read_page(&state.pool, &state.filter, state.cursor).await,
    };
    let page = match page {
        Ok(page) => page,
        Err(error) => {
            tracing::error!(%error, "export stopped midway");
            state.failed = Some(error);
            let trailer = failure_trailer(state.format);
            return Some((Ok(web::Bytes::from_static(trailer.as_bytes())), state));
        }
    };
    let last = page.len() < usize::try_from(EXPORT_PAGE).unwrap_or(0);
    let out = encode_page(state.format, &page, !state.started, last);
    state.started = true;
    state.finished = last;
    state.cursor = page.last().map(|r| RunCursor { ts: r.ts, id: r.id });
    Some((Ok(web::Bytes::from(out)), state))
}

/// Every call matching the filters, streamed as CSV, a JSON array or NDJSON. Everything is
/// checked and the first page read before the first byte; an export that fails later ends with
/// a marker (see docs/streaming.md) and a cut connection, never as a silently short file.
#[utoipa::path(
    tag = "runs",
    params(
        RunsQuery,
        ("format" = inline(Option<Format>), Query, description = "`csv` (default), `json` (one array) or `ndjson` (one object per line)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every matching call, streamed: CSV (`format=csv`), a JSON array (`format=json`) or NDJSON (`format=ndjson`). A failure midway ends the file with a marker and cuts the connection (docs/streaming.md)",
            content((String = "text/csv"), ([RunView] = "application/json"), (RunView = "application/x-ndjson")),
            headers(("content-disposition" = String, description = "`attachment; filename=\"runs.csv\"`, `runs.json` or `runs.ndjson`"))),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/export")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn export(
    user: AuthUser,
    query: web::Query<RunsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    let filter = query.filter(&user, pool, owners).await?;
    let format = Format::parse(query.format.as_deref())?;
    // Everything that can fail before the first byte does so here, as a problem document: the
    // filters above, and reading the first page.
    let first = read_page(pool, &filter, None).await?;
    let state = ExportState {
        pool: pool.clone(),
        filter,
        format,
        pending: Some(first),
        cursor: None,
        started: false,
        failed: None,
        finished: false,
    };
    let (content_type, name) = format.content_type_and_name();
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(stream::unfold(state, next_chunk)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn run(id: i64, model: &str) -> Run {
        Run {
            id,
            assistant_id: 1,
            ts: DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
            model: Some(model.to_owned()),
            status: Some("success".to_owned()),
            status_code: Some(200),
            latency_ms: Some(120),
            duration_ms: 1000,
            tokens_in: 10,
            tokens_out: 5,
            cost_nanos: 1_500_000_000,
            country: None,
            domain: Some("support".to_owned()),
            metadata: None,
            session_id: None,
            ..Run::default()
        }
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused() {
        for formula in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            let cell = csv_field(Some(formula));
            let unquoted = cell.trim_start_matches('"');
            assert!(unquoted.starts_with('\''), "{formula:?} became {cell:?}");
        }
        assert_eq!(
            csv_field(Some("=HYPERLINK(\"x\")")),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_field(Some("gpt-4o")), "gpt-4o");
        assert_eq!(csv_field(Some("a,b")), "\"a,b\"");
        assert_eq!(csv_field(None), "");
    }

    #[test]
    fn pages_join_into_one_valid_document_in_every_format() {
        let pages = [vec![run(1, "a"), run(2, "b")], vec![run(3, "c")]];
        let text = |format| {
            encode_page(format, &pages[0], true, false)
                + &encode_page(format, &pages[1], false, true)
        };
        let json: Vec<serde_json::Value> =
            serde_json::from_str(&text(Format::Json)).unwrap_or_default();
        assert_eq!(json.len(), 3);
        let ndjson = text(Format::NdJson);
        let lines: Vec<&str> = ndjson.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines
            .iter()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
        let csv = text(Format::Csv);
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.starts_with("id,assistant_id"));
        assert_eq!(encode_page(Format::Json, &[], true, true), "[]");
    }

    #[test]
    fn an_export_cut_short_can_be_told_from_a_complete_one() {
        let head = encode_page(Format::Json, &[run(1, "a")], true, false);
        let cut = head + failure_trailer(Format::Json);
        assert!(serde_json::from_str::<serde_json::Value>(&cut).is_err());
        assert!(failure_trailer(Format::Csv).starts_with('#'));
        let last = failure_trailer(Format::NdJson);
        let value: serde_json::Value = serde_json::from_str(last).unwrap_or_default();
        assert!(value.get("error").is_some());
    }
}
