//! `POST /v1/traces`: OTLP/HTTP trace export. The GenAI spans of the request become calls of
//! the ingestion key's assistant, stored like any event (idempotent on `traceId:spanId`,
//! answered only after the commit); other spans are ignored. A span that breaks an event rule
//! is rejected alone and counted in `partial_success`, the rest is stored.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use hub::sample::validate_events;
use hub::Sample;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tracing_actix_web::RequestId;

use super::spans;
use super::wire::{read_body, Encoding};
use crate::auth::ingest_key::Ingestor;
use crate::error::ApiError;
use crate::ingest::submit;
use crate::state::AppState;

/// Rejection reasons quoted in `partial_success.error_message`.
const QUOTED_REJECTIONS: usize = 3;

/// Receive an OTLP trace export (protobuf or JSON, maybe gzip'd).
#[tracing::instrument(skip_all, fields(assistant_id))]
pub async fn export_traces(
    ingestor: Ingestor,
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let Ingestor::Key { assistant_id } = ingestor else {
        return Err(ApiError::Forbidden(
            "OTLP export needs an ingestion key of the assistant (x-api-key or Authorization: \
             Bearer mh_...), not a user's access token",
        ));
    };
    tracing::Span::current().record("assistant_id", assistant_id);
    let encoding = Encoding::of(&request)?;
    let body = read_body(&request, payload).await?;
    let export: ExportTraceServiceRequest = match encoding.decode(&body) {
        Ok(export) => export,
        Err(message) => return Ok(encoding.bad_request(message)),
    };
    let found = spans::calls(&export);
    let (samples, rejections) = validate_each(found.events);
    tracing::debug!(
        calls = samples.len(),
        rejected = rejections.len(),
        ignored = found.ignored,
        "otlp spans mapped"
    );
    if !samples.is_empty() {
        submit(
            &state.registry,
            assistant_id,
            samples,
            request_id.to_string(),
        )
        .await?;
    }
    let partial_success = (!rejections.is_empty()).then(|| ExportTracePartialSuccess {
        rejected_spans: i64::try_from(rejections.len()).unwrap_or(i64::MAX),
        error_message: summary(&rejections),
    });
    Ok(encoding.respond(
        StatusCode::OK,
        &ExportTraceServiceResponse { partial_success },
    ))
}

/// Each event checked on its own: the samples of the good ones, and why each bad one (by its
/// `traceId:spanId`) was refused.
fn validate_each(events: Vec<protocol::ingest::Event>) -> (Vec<Sample>, Vec<String>) {
    let now = Utc::now();
    let mut samples = Vec::with_capacity(events.len());
    let mut rejections = Vec::new();
    for event in events {
        let id = event.client_id.clone().unwrap_or_default();
        match validate_events(vec![event], now) {
            Ok(mut one) => samples.append(&mut one),
            Err(errors) => rejections.push(format!("span {id}: {errors}")),
        }
    }
    (samples, rejections)
}

/// `partial_success.error_message`: how many were refused and the first few reasons.
fn summary(rejections: &[String]) -> String {
    let mut text = format!(
        "{} GenAI span(s) refused: {}",
        rejections.len(),
        rejections
            .iter()
            .take(QUOTED_REJECTIONS)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    );
    if rejections.len() > QUOTED_REJECTIONS {
        text.push_str("; …");
    }
    text
}
