//! Per-call event ingestion: `POST /assistants/{id}/events` with one event, a JSON array, or
//! NDJSON. All-or-nothing validation; the answer comes after the events are durable.

use actix::Addr;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use hub::actors::Registry;
use hub::sample::{validate_events, EventInput, MAX_EVENTS_PER_REQUEST};
use persistence::PgPool;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::auth::access::OwnerCache;
use crate::auth::ingest_key::Ingestor;
use crate::error::ApiError;
use crate::ingest::ingest;
use crate::routes::openapi::responses::{
    JsonBodyErrors, NotFound, Refused, TooManyRequests, Unauthorized, Unavailable,
};
use crate::routes::openapi::schemas::CallStatus;

/// Largest events body accepted.
pub const MAX_EVENTS_BODY_BYTES: usize = 4 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post_events);
}

/// One LLM call. See docs/streaming.md for every rule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    /// When the call happened (RFC 3339), from 2000-01-01 to 5 minutes ahead of the server's
    /// clock; default now.
    pub ts: Option<DateTime<Utc>>,
    /// 1 to 100 characters, no control characters.
    #[schema(
        example = "gpt-4o",
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: Option<String>,
    /// Default: `error` for a `statusCode` of 400 or more, else `success`.
    #[schema(example = "success", value_type = Option<CallStatus>)]
    pub status: Option<String>,
    /// HTTP status code of the call, `100..=599`.
    #[schema(example = 200, minimum = 100, maximum = 599)]
    #[serde(default, deserialize_with = "super::json_int::optional_integer")]
    pub status_code: Option<i64>,
    /// `0..=3600000` (one hour).
    #[schema(example = 850, minimum = 0, maximum = 3_600_000)]
    #[serde(default, deserialize_with = "super::json_int::optional_integer")]
    pub latency_ms: Option<i64>,
    /// `0..=86400000` (one day).
    #[schema(example = 42000, minimum = 0, maximum = 86_400_000)]
    #[serde(default, deserialize_with = "super::json_int::optional_integer")]
    pub duration_ms: Option<i64>,
    /// `0..=1e9`.
    #[schema(example = 1200, minimum = 0, maximum = 1_000_000_000)]
    #[serde(default, deserialize_with = "super::json_int::optional_integer")]
    pub tokens_in: Option<i64>,
    /// `0..=1e9`.
    #[schema(example = 300, minimum = 0, maximum = 1_000_000_000)]
    #[serde(default, deserialize_with = "super::json_int::optional_integer")]
    pub tokens_out: Option<i64>,
    /// US dollars, `0..=1e6`; absent: priced from the model price table when tokens are sent.
    #[schema(example = 0.0061, minimum = 0, maximum = 1_000_000)]
    pub cost: Option<f64>,
    /// Two-letter country code (stored upper-case).
    #[schema(example = "DE", pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// 1 to 100 characters, no control characters.
    #[schema(
        example = "support",
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub domain: Option<String>,
    /// Any JSON object, at most 4096 bytes serialised.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Retry-safe id, stored once per assistant; 1 to 128 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub client_id: Option<String>,
}

impl From<Event> for EventInput {
    fn from(e: Event) -> Self {
        Self {
            ts: e.ts,
            model: e.model,
            status: e.status,
            status_code: e.status_code,
            latency_ms: e.latency_ms,
            duration_ms: e.duration_ms,
            tokens_in: e.tokens_in,
            tokens_out: e.tokens_out,
            cost: e.cost,
            country: e.country,
            domain: e.domain,
            metadata: e.metadata,
            client_id: e.client_id,
        }
    }
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
pub async fn post_events(
    ingestor: Ingestor,
    path: web::Path<i64>,
    request: HttpRequest,
    payload: web::Payload,
    pool: web::Data<PgPool>,
    owners: web::Data<OwnerCache>,
    registry: web::Data<Addr<Registry>>,
) -> Result<HttpResponse, ApiError> {
    let assistant_id = path.into_inner();
    ingestor.check(&pool, &owners, assistant_id).await?;
    let format = BodyFormat::of(&request)?;
    let body = read_limited(payload, MAX_EVENTS_BODY_BYTES).await?;
    let events = parse_events(&body, format)?;
    let samples = validate_events(events, Utc::now())?;
    let ack = ingest(&registry, assistant_id, samples).await?;
    Ok(HttpResponse::Ok().json(EventsAck {
        assistant_id,
        accepted: ack.accepted,
        duplicates: ack.duplicates,
        over_budget: ack.over_budget,
    }))
}

/// How the events are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    NdJson,
}

impl BodyFormat {
    fn of(request: &HttpRequest) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "application/json" => Ok(Self::Json),
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Ok(Self::NdJson),
            _ => Err(ApiError::UnsupportedMediaType(
                "send events as application/json (one object or an array) or application/x-ndjson"
                    .into(),
            )),
        }
    }
}

async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("unreadable body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(format!(
                "the body is larger than {limit} bytes; send fewer events per request"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Decodes an array of JSON events; the error names the first malformed one by index.
pub fn parse_event_values(items: Vec<Value>) -> Result<Vec<EventInput>, ApiError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<Event>(item)
                .map(Into::into)
                .map_err(|e| ApiError::BadRequest(format!("events[{i}]: {e}")))
        })
        .collect()
}

/// Decodes the body into events; the error names the event (index or line) that is malformed.
pub fn parse_events(body: &[u8], format: BodyFormat) -> Result<Vec<EventInput>, ApiError> {
    match format {
        BodyFormat::Json => {
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
            match value {
                Value::Array(items) => parse_event_values(items),
                Value::Object(_) => serde_json::from_value::<Event>(value)
                    .map(|e| vec![e.into()])
                    .map_err(|e| ApiError::BadRequest(format!("malformed event: {e}"))),
                _ => Err(ApiError::BadRequest(
                    "expected an event object or an array of events".into(),
                )),
            }
        }
        BodyFormat::NdJson => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::BadRequest("the body is not UTF-8".into()))?;
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(i, line)| {
                    serde_json::from_str::<Event>(line)
                        .map(Into::into)
                        .map_err(|e| ApiError::BadRequest(format!("line {}: {e}", i + 1)))
                })
                .collect()
        }
    }
}
