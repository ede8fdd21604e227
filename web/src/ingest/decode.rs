//! Decoding ingestion bodies into wire events: a JSON object, a JSON array or NDJSON over
//! HTTP, an array inside a WebSocket frame. Errors name the malformed event by index or line,
//! so a client can fix one event in ten thousand.

use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::{Stream, StreamExt};
use protocol::ingest::Event;
use serde_json::Value;

use crate::error::ApiError;

/// How the events of a body are encoded (from its `Content-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    NdJson,
}

impl BodyFormat {
    pub fn of(request: &HttpRequest) -> Result<Self, ApiError> {
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

/// Reads the whole body (the request's payload, or a decompressing stream over it), refusing
/// it with a 413 as soon as it grows past `limit` bytes.
pub async fn read_limited<S>(mut payload: S, limit: usize) -> Result<web::BytesMut, ApiError>
where
    S: Stream<Item = Result<web::Bytes, PayloadError>> + Unpin,
{
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
pub fn parse_event_values(items: Vec<Value>) -> Result<Vec<Event>, ApiError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<Event>(item)
                .map_err(|e| ApiError::BadRequest(format!("events[{i}]: {e}")))
        })
        .collect()
}

/// Decodes the body into events; the error names the event (index or line) that is malformed.
pub fn parse_events(body: &[u8], format: BodyFormat) -> Result<Vec<Event>, ApiError> {
    match format {
        BodyFormat::Json => {
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
            match value {
                Value::Array(items) => parse_event_values(items),
                Value::Object(_) => serde_json::from_value::<Event>(value)
                    .map(|e| vec![e])
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
                        .map_err(|e| ApiError::BadRequest(format!("line {}: {e}", i + 1)))
                })
                .collect()
        }
    }
}
