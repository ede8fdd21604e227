//! `/sources`: a user's instances of templates. Listing, reading, changing (name, frequency,
//! connection), deleting (with its points and widgets), and `GET /sources/{id}/points`. Creation
//! and `POST /sources/{id}/refresh` poll upstream (`crate::sources::poll`) and are in
//! `polling.rs`.

use actix_web::{delete, get, patch, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use hub::ValidationErrors;
use persistence::postgres::models::{Source, SourceChanges};
use persistence::postgres::queries::{connections, points, sources};
use protocol::sources::{PointView, PointsPage, SourceView, UpdateSource};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::sources::views;
use crate::state::AppState;

/// Most points one page returns.
pub const MAX_POINTS: i64 = 10_000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_sources)
        .service(get_source)
        .service(update_source)
        .service(delete_source)
        .service(source_points);
}

/// `sources` as views, with their point counts.
pub async fn views_of(
    conn: &mut AsyncPgConnection,
    list: Vec<Source>,
) -> Result<Vec<SourceView>, ApiError> {
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let stats = sources::stats(conn, &ids).await?;
    Ok(list
        .into_iter()
        .map(|s| {
            let found = stats.iter().find(|(id, _, _)| *id == s.id);
            let stat = found.map(|(_, n, latest)| (*n, *latest));
            views::source(s, stat)
        })
        .collect())
}

/// One source as a view.
pub async fn view_of(conn: &mut AsyncPgConnection, source: Source) -> Result<SourceView, ApiError> {
    let mut list = views_of(conn, vec![source]).await?;
    list.pop()
        .ok_or_else(|| ApiError::internal(diesel::result::Error::NotFound))
}

/// One of the user's sources, else 404.
pub async fn owned(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: i64,
) -> Result<Source, ApiError> {
    sources::find_owned(conn, user.id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("source {id} not found")))
}

/// Your sources, oldest first.
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    responses((status = 200, body = [SourceView]), Unauthorized, Unavailable)
)]
#[get("/sources")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_sources(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let list = sources::list_for_owner(&mut conn, user.id).await?;
    Ok(HttpResponse::Ok().json(views_of(&mut conn, list).await?))
}

/// One of your sources.
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Source id")),
    security(("bearer" = [])),
    responses((status = 200, body = SourceView), Unauthorized, NotFound, Unavailable)
)]
#[get("/sources/{id}")]
#[tracing::instrument(skip_all, fields(source_id = *path, user_id = user.id))]
pub async fn get_source(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let source = owned(&mut conn, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view_of(&mut conn, source).await?))
}

/// Changes one of your sources: its name, its poll frequency (the next poll is rescheduled
/// from now) or its connection (one of yours, of the template's integration).
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Source id")),
    request_body = UpdateSource,
    security(("bearer" = [])),
    responses(
        (status = 200, body = SourceView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[patch("/sources/{id}")]
#[tracing::instrument(skip_all, fields(source_id = *path, user_id = user.id))]
pub async fn update_source(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateSource>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let mut conn = state.pool.get().await?;
    let source = owned(&mut conn, &user, id).await?;
    let mut errors = ValidationErrors::default();
    if let Some(name) = &body.name {
        errors.check_text("name", name, 200);
    }
    let frequency = match body.frequency.as_deref().map(::sources::Frequency::parse) {
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => {
            errors.add("frequency", e.to_string());
            None
        }
        None => None,
    };
    if let Some(connection_id) = body.connection_id {
        let template = state.sources.template(&source.template_id);
        let found = connections::find_owned(&mut conn, user.id, connection_id).await?;
        match (found, template) {
            (Some((c, _)), Some(t)) if c.integration == t.integration => {}
            (Some(_), Some(t)) => errors.add(
                "connectionId",
                format!(
                    "must be a connection of the `{}` integration",
                    t.integration
                ),
            ),
            _ => errors.add("connectionId", "no such connection of yours"),
        }
    }
    errors.into_result(())?;
    let changes = SourceChanges {
        name: body.name,
        frequency: frequency.map(|f| f.as_str().to_owned()),
        connection_id: body.connection_id.map(Some),
        next_poll_at: frequency.map(|f| state.sources.next_poll(f, Utc::now())),
        updated_at: None,
    };
    let updated = sources::update(&mut conn, user.id, id, changes)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("source {id} not found")))?;
    Ok(HttpResponse::Ok().json(view_of(&mut conn, updated).await?))
}

/// Deletes one of your sources with its points, widgets and own transformers.
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Source id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), Unauthorized, NotFound, Unavailable)
)]
#[delete("/sources/{id}")]
#[tracing::instrument(skip_all, fields(source_id = *path, user_id = user.id))]
pub async fn delete_source(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    if sources::delete(&mut conn, user.id, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("source {id} not found")))
    }
}

/// Query of a points page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PointsQuery {
    /// First time included: RFC 3339, or a date (`YYYY-MM-DD`, its start in UTC).
    pub start: Option<String>,
    /// Last time included: RFC 3339, or a date (its end in UTC).
    pub end: Option<String>,
}

fn parse_time(
    errors: &mut ValidationErrors,
    field: &str,
    text: Option<&str>,
    end: bool,
) -> Option<DateTime<Utc>> {
    let text = text?;
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => {
            let day = if end { day.succ_opt()? } else { day };
            let start = day.and_hms_opt(0, 0, 0)?.and_utc();
            Some(if end {
                start - chrono::Duration::microseconds(1)
            } else {
                start
            })
        }
        Err(_) => {
            errors.add(field, "must be an RFC 3339 time or a YYYY-MM-DD date");
            None
        }
    }
}

/// The points of one of your sources within `[start, end]`, oldest first (at most 10,000:
/// `truncated` says whether more matched).
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Source id"), PointsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PointsPage),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/sources/{id}/points")]
#[tracing::instrument(skip_all, fields(source_id = *path, user_id = user.id))]
pub async fn source_points(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PointsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = ValidationErrors::default();
    let start = parse_time(&mut errors, "start", query.start.as_deref(), false);
    let end = parse_time(&mut errors, "end", query.end.as_deref(), true);
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            errors.add("end", "must not be before start");
        }
    }
    errors.into_result(())?;
    let mut conn = state.pool.get().await?;
    let source = owned(&mut conn, &user, path.into_inner()).await?;
    let mut rows = points::range(&mut conn, source.id, start, end, MAX_POINTS + 1).await?;
    let truncated = rows.len() > MAX_POINTS as usize;
    rows.truncate(MAX_POINTS as usize);
    let page = PointsPage {
        source_id: source.id,
        start,
        end,
        points: rows
            .into_iter()
            .map(|p| PointView {
                timestamp: p.ts,
                value: p.value,
                dimensions: p.dimensions.as_object().cloned().unwrap_or_default(),
            })
            .collect(),
        truncated,
    };
    Ok(HttpResponse::Ok().json(page))
}
