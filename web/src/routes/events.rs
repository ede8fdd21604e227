//! Per-call event ingestion: `POST /assistants/{id}/events` with one event, a JSON array, or
//! NDJSON. All-or-nothing validation; the answer comes after the events are durable.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hub::sample::MAX_EVENTS_PER_REQUEST;
use protocol::ingest::Event;
use serde::Serialize;
use tracing_actix_web::RequestId;
use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::auth::ingest_key::Ingestor;
use crate::error::ApiError;
use crate::ingest::accept_events;
use crate::ingest::decode::{parse_events, read_limited, BodyFormat};
use crate::routes::openapi::responses::{
    JsonBodyErrors, NotFound, Refused, TooManyRequests, Unauthorized, Unavailable,
};
use crate::state::AppState;

/// Largest events body accepted.
pub const MAX_EVENTS_BODY_BYTES: usize = 4 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post_events);
}

/// The body of an events post: one event or an array of them (schema only; the handler reads
/// the bytes itself to accept NDJSON too).
pub struct EventsBody;

impl utoipa::PartialSchema for EventsBody {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name(Event::name()))
            .item(
                ArrayBuilder::new()
                    .items(Ref::from_schema_name(Event::name()))
                    .min_items(Some(1))
                    .max_items(Some(MAX_EVENTS_PER_REQUEST)),
            )
            .into()
    }
}

impl ToSchema for EventsBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Event::name().into_owned(), Event::schema()));
        <Event as ToSchema>::schemas(schemas);
    }
}

/// The acknowledgement of stored events.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventsAck {
    pub assistant_id: i64,
    /// Events stored now.
    pub accepted: usize,
    /// Events whose `clientId` was stored before (not stored again).
    pub duplicates: usize,
    /// A budget covering the assistant is spent for its current period: agents may throttle.
    pub over_budget: bool,
}

/// Ingest per-call events (JSON object, JSON array, or NDJSON). Answered after commit.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Assistant id")),
    request_body(
        description = "One event, an array of 1 to 10,000, or NDJSON: one event per line",
        content(
            (EventsBody = "application/json"),
            (String = "application/x-ndjson"),
        ),
    ),
    security(("bearer" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Stored", body = EventsAck),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        TooManyRequests,
        Refused,
        Unavailable,
    )
)]
#[post("/assistants/{id}/events")]
#[tracing::instrument(skip_all, fields(assistant_id = *path))]
pub async fn post_events(
    ingestor: Ingestor,
    path: web::Path<i64>,
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        registry,
        ..
    } = state.get_ref();
    let assistant_id = path.into_inner();
    ingestor.check(pool, owners, assistant_id).await?;
    let format = BodyFormat::of(&request)?;
    let body = read_limited(payload, MAX_EVENTS_BODY_BYTES).await?;
    let ack = accept_events(
        registry,
        assistant_id,
        parse_events(&body, format)?,
        request_id.to_string(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(EventsAck {
        assistant_id,
        accepted: ack.accepted,
        duplicates: ack.duplicates,
        over_budget: ack.over_budget,
    }))
}
