//! The one way usage enters the hub from the web layer. The HTTP routes, the ingestion
//! WebSocket and the OTLP receiver (`crate::otlp`) all do the same three steps through this module:
//! decode the body into wire types ([`decode`]), validate them into samples (the hub's rules),
//! and hand the samples to the registry, answering only once they are durable.
//!
//! Callers check that the ingestor may write to the assistant first, before reading the body,
//! so an unauthorised caller learns nothing about its contents' validity.

pub mod decode;

use actix::Addr;
use chrono::Utc;
use hub::actors::messages::{Ack, Ingest};
use hub::actors::Registry;
use hub::sample::validate_events;
use hub::{DailyRecord, Sample};
use protocol::ingest::{DailyMetricsRequest, Event};

use crate::error::ApiError;

/// Validates `events` of `assistant_id` (all or nothing), stores them and returns the ack.
/// `request_id` names the request in the hub's logs (see [`Ingest::request_id`]).
pub async fn accept_events(
    registry: &Addr<Registry>,
    assistant_id: i64,
    events: Vec<Event>,
    request_id: String,
) -> Result<Ack, ApiError> {
    let samples = validate_events(events, Utc::now())?;
    submit(registry, assistant_id, samples, request_id).await
}

/// Validates one daily record of `assistant_id`, stores it and returns it (in storage units)
/// with the ack.
pub async fn accept_daily(
    registry: &Addr<Registry>,
    assistant_id: i64,
    request: DailyMetricsRequest,
    request_id: String,
) -> Result<(DailyRecord, Ack), ApiError> {
    let record = DailyRecord::validate(request, Utc::now().date_naive())?;
    let samples = vec![Sample::from_daily(record.clone())];
    let ack = submit(registry, assistant_id, samples, request_id).await?;
    Ok((record, ack))
}

/// Hands checked samples to the registry and waits for the acknowledgement, which comes only
/// once they are durable.
pub async fn submit(
    registry: &Addr<Registry>,
    assistant_id: i64,
    samples: Vec<Sample>,
    request_id: String,
) -> Result<Ack, ApiError> {
    let ack = registry
        .send(Ingest {
            assistant_id,
            samples,
            request_id,
        })
        .await
        .map_err(|e| {
            ApiError::NotStored(format!("nothing was stored: the hub did not answer ({e})"))
        })??;
    Ok(ack)
}
