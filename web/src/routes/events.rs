//! Per-call event ingestion: `POST /assistants/{id}/events` with one event, a JSON array, or
//! NDJSON. All-or-nothing validation; the answer comes after the events are durable.

use actix::Addr;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use hub::actors::Registry;
use hub::sample::{validate_events, EventInput};
use persistence::PgPool;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::access::OwnerCache;
use crate::auth::ingest_key::Ingestor;
use crate::error::{ApiError, Problem};
use crate::ingest::ingest;

/// Largest events body accepted.
pub const MAX_EVENTS_BODY_BYTES: usize = 4 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post_events);
}

/// One LLM call. See docs/streaming.md for every rule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    /// When the call happened (RFC 3339); default now.
    pub ts: Option<DateTime<Utc>>,
    #[schema(example = "gpt-4o")]
    pub model: Option<String>,
    /// `success` or `error` (default: from `statusCode`).
    #[schema(example = "success")]
    pub status: Option<String>,
    #[schema(example = 200)]
    pub status_code: Option<i64>,
    #[schema(example = 850)]
    pub latency_ms: Option<i64>,
    #[schema(example = 42000)]
    pub duration_ms: Option<i64>,
    #[schema(example = 1200)]
    pub tokens_in: Option<i64>,
    #[schema(example = 300)]
    pub tokens_out: Option<i64>,
    /// US dollars.
    #[schema(example = 0.0061)]
    pub cost: Option<f64>,
    #[schema(example = "DE")]
    pub country: Option<String>,
    #[schema(example = "support")]
    pub domain: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Retry-safe id: stored once per assistant.
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
    request_body(content = Vec<Event>, description = "One event, an array, or NDJSON (application/x-ndjson)"),
    security(("bearer" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Stored", body = EventsAck),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Buffer full; retry after Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Not stored; retry", body = Problem, content_type = "application/problem+json"),
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
