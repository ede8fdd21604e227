//! The streamed export of every call matching the runs filters, in the runs list's order, as
//! CSV, a JSON array or NDJSON: pages are read and written one at a time, never the whole
//! result. Everything is checked and the first page read before the first byte; a failure
//! after that ends the file with a marker and cuts the connection (docs/streaming.md).
//!
//! Two ways in: `GET /export` with a bearer token (API clients), and the signed download link
//! of `POST /export/links` (the dashboard's Export button: a browser navigating to a URL sends
//! no `Authorization` header; see [`crate::export::links`]). `GET /export/daily` streams the
//! posted daily records the same way.

use actix_web::http::header::CONTENT_DISPOSITION;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use futures_util::stream;
use persistence::postgres::queries::daily_records::DailyFilter;
use persistence::postgres::queries::{export_links, runs::RunFilter};
use persistence::PgPool;
use protocol::runs::{DailyRecordView, ExportLink, ExportLinkRequest, RunView};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::format::{encode_page, failure_trailer, ExportRow};
use crate::export::pages::Page;
use crate::export::{CallPages, DailyPages, Format, Pager};
use crate::routes::openapi::responses::{
    BadRequest, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::routes::runs::query::Sort;
use crate::routes::API_PREFIX;
use crate::state::AppState;

use super::runs::RunsQuery;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export)
        .service(export_daily)
        .service(create_link)
        .service(download);
}

/// Where an export stream stands.
struct ExportState<P: Pager> {
    pages: P,
    format: Format,
    /// A page read but not written yet (the first one is read before the answer starts).
    pending: Option<Page<P::Row>>,
    started: bool,
    /// Set after a failure: the stream ends with an error, so the connection is cut.
    failed: Option<ApiError>,
    finished: bool,
}

async fn next_chunk<P: Pager>(
    mut state: ExportState<P>,
) -> Option<(Result<web::Bytes, ApiError>, ExportState<P>)>
where
    P::Row: ExportRow,
{
    if let Some(error) = state.failed.take() {
        state.finished = true;
        return Some((Err(error), state));
    }
    if state.finished {
        return None;
    }
    let page = match state.pending.take() {
        Some(page) => Ok(Some(page)),
        None => state.pages.next().await,
    };
    let page = match page {
        Ok(Some(page)) => page,
        Ok(None) => return None,
        Err(error) => {
            tracing::error!(%error, "export stopped midway");
            state.failed = Some(error.into());
            let trailer = failure_trailer(state.format);
            return Some((Ok(web::Bytes::from_static(trailer.as_bytes())), state));
        }
    };
    let out = encode_page(state.format, &page.rows, !state.started, page.last);
    state.started = true;
    state.finished = page.last;
    Some((Ok(web::Bytes::from(out)), state))
}

/// A download's file name: what it holds and which days, e.g. `runs-3-2026-08-01-2026-08-07.csv`.
fn file_name(
    what: &str,
    assistant: Option<i64>,
    days: [Option<NaiveDate>; 2],
    format: Format,
) -> String {
    let mut name = what.to_owned();
    if let Some(a) = assistant {
        name.push_str(&format!("-{a}"));
    }
    for day in days.into_iter().flatten() {
        name.push_str(&format!("-{day}"));
    }
    format!("{name}.{}", format.extension())
}

/// The streamed answer for the calls of `filter`.
async fn stream_calls(
    pool: &PgPool,
    query: &RunsQuery,
    filter: RunFilter,
    sort: Sort,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let pages = CallPages::new(pool.clone(), filter, sort.order());
    let name = file_name("runs", query.assistant, [query.start, query.end], format);
    stream_export(pages, format, &name).await
}

/// The streamed answer of `pages`: checks done, first page read, then the body streams.
async fn stream_export<P>(
    mut pages: P,
    format: Format,
    name: &str,
) -> Result<HttpResponse, ApiError>
where
    P: Pager + 'static,
    P::Row: ExportRow,
{
    // Reading the first page can still fail as a problem document; later pages cannot.
    let first = pages.next().await?;
    let state = ExportState {
        pages,
        format,
        pending: first,
        started: false,
        failed: None,
        finished: false,
    };
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(stream::unfold(state, next_chunk)))
}

/// Every call matching the filters, in the `sort` order, streamed as CSV, a JSON array or
/// NDJSON. Everything is checked and the first page read before the first byte; an export that
/// fails later ends with a marker (see docs/streaming.md) and a cut connection, never as a
/// silently short file.
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
            headers(("content-disposition" = String, description = "`attachment; filename=\"runs-….csv\"` (the assistant and days in the name), `.json` or `.ndjson`"))),
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
    stream_calls(pool, &query, filter, query.sort()?, format).await
}

/// Query of the daily-records export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DailyExportQuery {
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
    /// First UTC day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last UTC day, inclusive; not before `start`, at most 3,660 days in all.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// `csv` (default), `json` (one array) or `ndjson` (one object per line).
    #[param(inline, value_type = Option<Format>)]
    pub format: Option<String>,
}

/// The filter of a daily-records export for `owner_id` (every check that needs no database).
pub fn daily_filter(
    owner_id: i64,
    assistant: Option<i64>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> Result<DailyFilter, ApiError> {
    let days = RunsQuery {
        start,
        end,
        ..RunsQuery::default()
    }
    .parse_filter()?;
    Ok(DailyFilter {
        owner_id,
        assistant_id: assistant,
        from: days.from,
        until: days.until,
    })
}

/// Every daily record you posted (one row per record as stored, oldest first), streamed as
/// CSV, a JSON array or NDJSON, like the calls export.
#[utoipa::path(
    tag = "runs",
    params(DailyExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every matching daily record, streamed (see `GET /export`)",
            content((String = "text/csv"), ([DailyRecordView] = "application/json"), (DailyRecordView = "application/x-ndjson")),
            headers(("content-disposition" = String, description = "`attachment; filename=\"daily-….csv\"`"))),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/export/daily")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn export_daily(
    user: AuthUser,
    query: web::Query<DailyExportQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    if let Some(assistant) = query.assistant {
        owners.check(pool, &user, assistant).await?;
    }
    let filter = daily_filter(user.id, query.assistant, query.start, query.end)?;
    let format = Format::parse(query.format.as_deref())?;
    let name = file_name("daily", query.assistant, [query.start, query.end], format);
    stream_export(DailyPages::new(pool.clone(), filter), format, &name).await
}

/// The export query of a link request, checked and in canonical form (the order and spelling
/// the link signs and the download compares).
fn canonical_query(request: &ExportLinkRequest) -> Result<(RunsQuery, String), ApiError> {
    let mut query: RunsQuery = serde_urlencoded::from_str(request.query.trim_start_matches('?'))
        .map_err(|e| {
            hub::ValidationErrors::single("query", format!("is not an export query: {e}"))
        })?;
    if query.cursor.is_some() || query.limit.is_some() {
        return Err(hub::ValidationErrors::single(
            "query",
            "an export has no `cursor` or `limit`: it holds every matching call",
        )
        .into());
    }
    query.format = Some(
        Format::parse(query.format.as_deref())?
            .extension()
            .to_owned(),
    );
    let text = serde_urlencoded::to_string(&query).map_err(ApiError::internal)?;
    Ok((query, text))
}

/// A download link for an export: the URL carries the export query and a token made for it,
/// valid once and for 60 seconds, so a browser can download by navigating to it.
#[utoipa::path(
    tag = "runs",
    request_body = ExportLinkRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = ExportLink, description = "The link; `GET` it once within `expiresAt`"),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[post("/export/links")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_link(
    user: AuthUser,
    body: web::Json<ExportLinkRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        export_links,
        ..
    } = state.get_ref();
    let (query, text) = canonical_query(&body)?;
    // The same checks as the download: a bad filter or another user's assistant fails here.
    query.filter(&user, pool, owners).await?;
    let link = export_links.issue(&user, &text)?;
    Ok(HttpResponse::Created().json(ExportLink {
        url: format!("{API_PREFIX}/export/download?{text}&token={}", link.token),
        expires_at: link.expires_at,
    }))
}

/// The export a download link names: its query exactly as signed, its token last.
#[utoipa::path(
    tag = "runs",
    params(
        RunsQuery,
        ("format" = inline(Option<Format>), Query, description = "As signed"),
        ("token" = String, Query, description = "The link's token (from `POST /export/links`); it must come last"),
    ),
    responses(
        (status = 200, description = "As `GET /export`", content((String = "text/csv"), ([RunView] = "application/json"), (RunView = "application/x-ndjson"))),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/export/download")]
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        export_links,
        ..
    } = state.get_ref();
    let raw = req.query_string();
    let (signed, token) = raw
        .rsplit_once("&token=")
        .or_else(|| raw.strip_prefix("token=").map(|t| ("", t)))
        .ok_or(ApiError::Unauthorized(
            "a download link needs its token: make one with POST /api/v1/export/links",
        ))?;
    let grant = export_links.verify(token, signed)?;
    tracing::Span::current().record("user_id", grant.user.id);
    let query: RunsQuery = serde_urlencoded::from_str(signed)
        .map_err(|_| ApiError::Unauthorized("the download link is invalid"))?;
    let filter = query.filter(&grant.user, pool, owners).await?;
    let format = Format::parse(query.format.as_deref())?;
    let sort = query.sort()?;
    let mut conn = pool.get().await?;
    if !export_links::claim(&mut conn, &grant.id, grant.expires_at).await? {
        return Err(ApiError::Unauthorized(
            "the download link has been used already: export again from the dashboard",
        ));
    }
    drop(conn);
    stream_calls(pool, &query, filter, sort, format).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_queries_are_canonical_and_never_page() {
        let request = |q: &str| ExportLinkRequest {
            query: q.to_owned(),
        };
        let a = canonical_query(&request("?format=csv&start=2026-08-01&assistant=3"));
        let b = canonical_query(&request("assistant=3&start=2026-08-01"));
        assert_eq!(a.map(|(_, t)| t).ok(), b.map(|(_, t)| t).ok());
        assert!(canonical_query(&request("cursor=newest.1_1")).is_err());
        assert!(canonical_query(&request("limit=5")).is_err());
        assert!(canonical_query(&request("format=xml")).is_err());
        assert!(canonical_query(&request("nope=1")).is_err());
    }

    #[test]
    fn file_names_say_what_and_when() {
        let days = [
            NaiveDate::from_ymd_opt(2026, 8, 1),
            NaiveDate::from_ymd_opt(2026, 8, 7),
        ];
        assert_eq!(
            file_name("runs", Some(3), days, Format::NdJson),
            "runs-3-2026-08-01-2026-08-07.ndjson"
        );
        assert_eq!(
            file_name("daily", None, [None, None], Format::Csv),
            "daily.csv"
        );
    }
}
