//! Individual calls: the paginated runs list, the models list, and the streamed CSV/JSON export
//! of any filtered range (pages are read and written one at a time, never the whole result).

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::stream;
use hub::units::nanos_to_usd;
use persistence::queries::runs::{self, Run, RunCursor, RunFilter};
use persistence::PgPool;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::access::OwnerCache;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Unauthorized, Unavailable};
use crate::routes::openapi::schemas::{CallStatus, ExportFormat};

/// Most runs one page may hold.
pub const MAX_PAGE: i64 = 500;
/// Runs read from the database per exported chunk.
const EXPORT_PAGE: i64 = 2_000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_runs).service(list_models).service(export);
}

/// Filters shared by the runs list and the export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
    /// Only calls with this status.
    #[param(inline, value_type = Option<CallStatus>)]
    pub status: Option<String>,
    /// Only calls of this model (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: Option<String>,
    /// First UTC day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last UTC day, inclusive; not before `start`, at most 3,660 days in all.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// Page size (runs list only; documented there).
    #[param(ignore)]
    pub limit: Option<i64>,
    /// `nextCursor` of the previous page (runs list only; documented there).
    #[param(ignore)]
    pub cursor: Option<String>,
    /// `csv` or `json` (export only; documented there).
    #[param(ignore)]
    pub format: Option<String>,
}

impl RunsQuery {
    async fn filter(
        &self,
        user: &AuthUser,
        pool: &PgPool,
        owners: &OwnerCache,
    ) -> Result<RunFilter, ApiError> {
        if let Some(assistant) = self.assistant {
            owners.check(pool, user, assistant).await?;
        }
        let mut errors = hub::ValidationErrors::default();
        if let Some(message) = self.status.as_deref().and_then(hub::sample::status_error) {
            errors.add("status", message);
        }
        if let Some(model) = &self.model {
            errors.check_text("model", model, hub::sample::MAX_LABEL_CHARS);
        }
        errors.into_result(())?;
        if let (Some(start), Some(end)) = (self.start, self.end) {
            hub::DateRange::new(start, end)?;
        }
        let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        Ok(RunFilter {
            owner_id: user.id,
            assistant_id: self.assistant,
            status: self.status.clone(),
            model: self.model.clone(),
            from: self.start.map(midnight),
            until: self
                .end
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .map(midnight),
        })
    }
}

/// One call.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub id: i64,
    pub assistant_id: i64,
    pub ts: DateTime<Utc>,
    pub model: Option<String>,
    #[schema(value_type = Option<CallStatus>)]
    pub status: Option<String>,
    pub status_code: Option<i16>,
    pub latency_ms: Option<i32>,
    pub duration_ms: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// US dollars.
    pub cost: f64,
    pub country: Option<String>,
    pub domain: Option<String>,
}

impl From<Run> for RunView {
    fn from(r: Run) -> Self {
        Self {
            id: r.id,
            assistant_id: r.assistant_id,
            ts: r.ts,
            model: r.model,
            status: r.status,
            status_code: r.status_code,
            latency_ms: r.latency_ms,
            duration_ms: r.duration_ms,
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            cost: nanos_to_usd(r.cost_nanos),
            country: r.country,
            domain: r.domain,
        }
    }
}

/// A page of runs.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunsPage {
    /// Newest first.
    pub runs: Vec<RunView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn encode_cursor(run: &Run) -> String {
    format!("{}_{}", run.ts.timestamp_micros(), run.id)
}

fn decode_cursor(text: &str) -> Result<RunCursor, ApiError> {
    let bad = || ApiError::BadRequest(format!("invalid cursor {text:?}"));
    let (micros, id) = text.split_once('_').ok_or_else(bad)?;
    let ts = DateTime::from_timestamp_micros(micros.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok(RunCursor {
        ts,
        id: id.parse().map_err(|_| bad())?,
    })
}

/// Your assistants' calls, newest first, filtered and paginated.
#[utoipa::path(
    tag = "runs",
    params(
        RunsQuery,
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size, 1..=500 (default 50)"),
        ("cursor" = Option<String>, Query, pattern = "^-?[0-9]{1,19}_-?[0-9]{1,19}$", description = "`nextCursor` of the previous page"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, body = RunsPage),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/runs")]
pub async fn list_runs(
    user: AuthUser,
    query: web::Query<RunsQuery>,
    pool: web::Data<PgPool>,
    owners: web::Data<OwnerCache>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter(&user, &pool, &owners).await?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(
            hub::ValidationErrors::single("limit", format!("must be 1 to {MAX_PAGE}")).into(),
        );
    }
    let cursor = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let mut conn = pool.get().await?;
    let mut page = runs::page(&mut conn, &filter, cursor, limit + 1).await?;
    let more = page.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    page.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if more {
        page.last().map(encode_cursor)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(RunsPage {
        runs: page.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Query of the models list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModelsQuery {
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
}

/// A model and its calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelView {
    pub model: String,
    pub calls: i64,
}

/// The models your assistants have called, most used first.
#[utoipa::path(
    tag = "runs",
    params(ModelsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [ModelView]),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/models")]
pub async fn list_models(
    user: AuthUser,
    query: web::Query<ModelsQuery>,
    pool: web::Data<PgPool>,
    owners: web::Data<OwnerCache>,
) -> Result<HttpResponse, ApiError> {
    if let Some(assistant) = query.assistant {
        owners.check(&pool, &user, assistant).await?;
    }
    let mut conn = pool.get().await?;
    let models = runs::models(&mut conn, user.id, query.assistant).await?;
    let body: Vec<ModelView> = models
        .into_iter()
        .map(|m| ModelView {
            model: m.model,
            calls: m.calls,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

const CSV_HEADER: &str = "id,assistant_id,ts,model,status,status_code,latency_ms,duration_ms,tokens_in,tokens_out,cost_usd,country,domain\n";

fn csv_field(value: Option<&str>) -> String {
    match value {
        None => String::new(),
        Some(v) if v.contains([',', '"', '\n', '\r']) => format!("\"{}\"", v.replace('"', "\"\"")),
        Some(v) => v.to_owned(),
    }
}

fn csv_line(run: &Run) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
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
    )
}

/// Where an export stream stands.
struct ExportState {
    pool: PgPool,
    filter: RunFilter,
    format: Format,
    cursor: Option<RunCursor>,
    started: bool,
    finished: bool,
}

async fn next_chunk(mut state: ExportState) -> Option<(Result<web::Bytes, ApiError>, ExportState)> {
    if state.finished {
        return None;
    }
    let mut out = String::new();
    if !state.started {
        out.push_str(match state.format {
            Format::Csv => CSV_HEADER,
            Format::Json => "[",
        });
    }
    let page = match state.pool.get().await {
        Ok(mut conn) => runs::page(&mut conn, &state.filter, state.cursor, EXPORT_PAGE)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(ApiError::from(e)),
    };
    let page = match page {
        Ok(page) => page,
        Err(error) => {
            tracing::error!(%error, "export aborted");
            state.finished = true;
            return Some((Err(error), state));
        }
    };
    for run in &page {
        match state.format {
            Format::Csv => out.push_str(&csv_line(run)),
            Format::Json => {
                if state.started || !out.ends_with('[') {
                    out.push(',');
                }
                let view = RunView::from(run.clone());
                out.push_str(&serde_json::to_string(&view).unwrap_or_default());
            }
        }
        state.started = true;
    }
    state.started = true;
    state.cursor = page.last().map(|r| RunCursor { ts: r.ts, id: r.id });
    if page.len() < usize::try_from(EXPORT_PAGE).unwrap_or(0) {
        state.finished = true;
        if state.format == Format::Json {
            out.push(']');
        }
    }
    Some((Ok(web::Bytes::from(out)), state))
}

/// Every call matching the filters, streamed as CSV or a JSON array.
#[utoipa::path(
    tag = "runs",
    params(
        RunsQuery,
        ("format" = inline(Option<ExportFormat>), Query, description = "`csv` (default) or `json`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every matching call, streamed: CSV (`format=csv`) or a JSON array (`format=json`)",
            content((String = "text/csv"), ([RunView] = "application/json")),
            headers(("content-disposition" = String, description = "`attachment; filename=\"runs.csv\"` or `runs.json`"))),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/export")]
pub async fn export(
    user: AuthUser,
    query: web::Query<RunsQuery>,
    pool: web::Data<PgPool>,
    owners: web::Data<OwnerCache>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter(&user, &pool, &owners).await?;
    let format = match query.format.as_deref() {
        None | Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        Some(other) => {
            return Err(hub::ValidationErrors::single(
                "format",
                format!("{other:?} is neither \"csv\" nor \"json\""),
            )
            .into())
        }
    };
    let state = ExportState {
        pool: pool.get_ref().clone(),
        filter,
        format,
        cursor: None,
        started: false,
        finished: false,
    };
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "runs.csv"),
        Format::Json => ("application/json", "runs.json"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(stream::unfold(state, next_chunk)))
}
