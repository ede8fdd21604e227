//! The routes that poll upstream: `POST /sources` (create: fetch a sample, make sure a
//! transformer exists, backfill history) and `POST /sources/{id}/refresh` (poll now). Both
//! answer what the poll did ([`PollResult`]); an upstream or transformer failure is recorded
//! on the source (`lastError`), not an error of the request.

use std::collections::BTreeMap;

use actix_web::{post, web, HttpResponse};
use chrono::Utc;
use hub::ValidationErrors;
use persistence::postgres::models::NewSource;
use persistence::postgres::queries::{connections, sources};
use protocol::sources::{CreateSource, PollResult};

use super::instances::{owned, view_of};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::sources::poll::{poll, Mode};
use crate::state::AppState;

/// Most sources one user may have.
pub const MAX_SOURCES: i64 = 100;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_source).service(refresh_source);
}

/// Checks what a creation names; the template, frequency and default name.
async fn check(
    state: &AppState,
    conn: &mut diesel_async::AsyncPgConnection,
    user: &AuthUser,
    body: &CreateSource,
) -> Result<(::sources::Frequency, String), ApiError> {
    let Some(template) = state.sources.template(&body.template_id) else {
        return Err(ValidationErrors::single("templateId", "no such template").into());
    };
    let mut errors = ValidationErrors::default();
    if let Some(name) = &body.name {
        errors.check_text("name", name, 200);
    }
    let frequency = match &body.frequency {
        Some(f) => ::sources::Frequency::parse(f).unwrap_or_else(|e| {
            errors.add("frequency", e.to_string());
            template.default_poll_frequency
        }),
        None => template.default_poll_frequency,
    };
    let base = state.sources.base_url(template);
    let now = Utc::now();
    if let Err(e) = template.render(
        ::sources::EndpointKind::Polling,
        &body.parameters,
        &base,
        now,
        None,
    ) {
        errors.add("parameters", e.to_string());
    }
    match body.connection_id {
        Some(id) => match connections::find_owned(conn, user.id, id).await? {
            Some((c, _)) if c.integration == template.integration => {}
            Some(_) => errors.add(
                "connectionId",
                format!(
                    "must be a connection of the `{}` integration",
                    template.integration
                ),
            ),
            None => errors.add("connectionId", "no such connection of yours"),
        },
        None if template.needs_connection => errors.add(
            "connectionId",
            format!(
                "the `{}` integration needs a connection",
                template.integration
            ),
        ),
        None => {}
    }
    errors.into_result(())?;
    let values: Vec<&str> = body.parameters.values().map(String::as_str).collect();
    let name = match &body.name {
        Some(name) => name.clone(),
        None if values.is_empty() => template.name.clone(),
        None => {
            let label: String = format!("{} {}", template.name, values.join("/"));
            label.chars().take(200).collect()
        }
    };
    Ok((frequency, name))
}

/// Creates a source from a template: checks the parameters and connection, fetches a sample
/// from the polling endpoint, makes sure a transformer exists (the template's, or one
/// generated when an LLM endpoint is configured; without one the source is created with
/// `lastError` saying a transformer is needed), backfills the history the historical endpoint
/// offers within the template's limit, and schedules the next poll.
#[utoipa::path(
    tag = "sources",
    request_body = CreateSource,
    security(("bearer" = [])),
    responses(
        (status = 201, body = PollResult),
        JsonBodyErrors,
        Unauthorized,
        Conflict,
        Unavailable,
    )
)]
#[post("/sources")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_source(
    user: AuthUser,
    body: web::Json<CreateSource>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut conn = state.pool.get().await?;
    let (frequency, name) = check(&state, &mut conn, &user, &body).await?;
    if sources::count_for_owner(&mut conn, user.id).await? >= MAX_SOURCES {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_SOURCES} sources; delete one first"
        )));
    }
    let is_time_series = state
        .sources
        .template(&body.template_id)
        .is_some_and(|t| t.is_time_series);
    let parameters: BTreeMap<&String, &String> = body.parameters.iter().collect();
    let created = sources::insert(
        &mut conn,
        &NewSource {
            owner_id: user.id,
            template_id: &body.template_id,
            name: &name,
            parameters: serde_json::json!(parameters),
            connection_id: body.connection_id,
            frequency: frequency.as_str(),
            is_time_series,
            // Scheduled by the first poll's outcome, below.
            next_poll_at: None,
        },
    )
    .await?;
    drop(conn);
    tracing::info!(source_id = created.id, "source created");
    let outcome = poll(&state, created, Mode::Create).await?;
    let mut conn = state.pool.get().await?;
    Ok(HttpResponse::Created().json(PollResult {
        source: view_of(&mut conn, outcome.source).await?,
        points_written: outcome.points_written,
    }))
}

/// Polls one of your sources now (manual sources are polled only this way) and answers what
/// the poll did; a failure is in `source.lastError`.
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Source id")),
    security(("bearer" = [])),
    responses((status = 200, body = PollResult), Unauthorized, NotFound, Conflict, Unavailable)
)]
#[post("/sources/{id}/refresh")]
#[tracing::instrument(skip_all, fields(source_id = *path, user_id = user.id))]
pub async fn refresh_source(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let source = owned(&mut conn, &user, path.into_inner()).await?;
    // The scheduler leaves it alone while this poll runs (its outcome releases the lease), and
    // a poll already running (scheduled, or another refresh) is not doubled.
    let limit = state.sources.poll_limit();
    let lease = chrono::Duration::from_std(limit + std::time::Duration::from_secs(5))
        .unwrap_or(chrono::Duration::minutes(2));
    if !sources::lease(&mut conn, source.id, Utc::now() + lease).await? {
        return Err(ApiError::Conflict(
            "this source is being polled right now; its result arrives live, or refresh again in a moment".into(),
        ));
    }
    drop(conn);
    let outcome =
        match tokio::time::timeout(limit, poll(&state, source, Mode::Refresh)).await {
            Ok(outcome) => outcome?,
            Err(_) => return Err(ApiError::Unavailable(
                "the poll did not finish within its time limit; refresh again once it is released"
                    .into(),
            )),
        };
    let mut conn = state.pool.get().await?;
    Ok(HttpResponse::Ok().json(PollResult {
        source: view_of(&mut conn, outcome.source).await?,
        points_written: outcome.points_written,
    }))
}
