//! The streamed export of every call matching the runs filters, in the runs list's order, as
//! CSV, a JSON array or NDJSON: pages are read and written one at a time, never the whole
//! result. Everything is checked and the first page read before the first byte; a failure
//! after that ends the file with a marker and cuts the connection (docs/streaming.md).
//!
//! Two ways in: `GET /export` with a bearer token (API clients), and the signed download link
//! of `POST /export/links` (the dashboard's Export button: a browser navigating to a URL sends
//! no `Authorization` header; see [`crate::export::links`]).

use actix_web::http::header::CONTENT_DISPOSITION;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::stream;
use persistence::postgres::queries::{export_links, runs::RunFilter};
use persistence::PgPool;
use protocol::runs::{ExportLink, ExportLinkRequest, RunView};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::format::{encode_page, failure_trailer};
use crate::export::pages::Page;
use crate::export::{ExportPages, Format};
use crate::routes::openapi::responses::{
    BadRequest, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::routes::runs::query::Sort;
use crate::routes::API_PREFIX;
use crate::state::AppState;

use super::runs::RunsQuery;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export).service(create_link).service(download);
}

/// Where an export stream stands.
struct ExportState {
    pages: ExportPages,
    format: Format,
    /// A page read but not written yet (the first one is read before the answer starts).
    pending: Option<Page>,
    started: bool,
    /// Set after a failure: the stream ends with an error, so the connection is cut.
    failed: Option<ApiError>,
    finished: bool,
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
    let out = encode_page(state.format, &page.runs, !state.started, page.last);
    state.started = true;
    state.finished = page.last;
    Some((Ok(web::Bytes::from(out)), state))
}

/// A download's file name: what it holds and which days, e.g. `runs-3-2026-08-01-2026-08-07.csv`.
fn file_name(query: &RunsQuery, format: Format) -> String {
    let mut name = "runs".to_owned();
    if let Some(a) = query.assistant {
        name.push_str(&format!("-{a}"));
    }
    for day in [query.start, query.end].into_iter().flatten() {
        name.push_str(&format!("-{day}"));
    }
    format!("{name}.{}", format.extension())
}

/// The streamed answer for `filter`: checks done, first page read, then the body streams.
async fn stream_export(
    pool: &PgPool,
    query: &RunsQuery,
    filter: RunFilter,
    sort: Sort,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let mut pages = ExportPages::new(pool.clone(), filter, sort.order());
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
            format!("attachment; filename=\"{}\"", file_name(query, format)),
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
    stream_export(pool, &query, filter, query.sort()?, format).await
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
    stream_export(pool, &query, filter, sort, format).await
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
        let query = RunsQuery {
            assistant: Some(3),
            start: chrono::NaiveDate::from_ymd_opt(2026, 8, 1),
            end: chrono::NaiveDate::from_ymd_opt(2026, 8, 7),
            ..RunsQuery::default()
        };
        assert_eq!(
            file_name(&query, Format::NdJson),
            "runs-3-2026-08-01-2026-08-07.ndjson"
        );
        assert_eq!(file_name(&RunsQuery::default(), Format::Csv), "runs.csv");
    }
}
