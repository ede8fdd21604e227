//! The one way the web layer stores usage: hand checked samples to the hub's registry and wait
//! for the acknowledgement, which comes only once they are durable.

use actix::Addr;
use hub::actors::messages::{Ack, Ingest};
use hub::actors::Registry;
use hub::Sample;

use crate::error::ApiError;

/// Stores `samples` of `assistant_id` (ownership already checked) and returns the ack.
pub async fn ingest(
    registry: &Addr<Registry>,
    assistant_id: i64,
    samples: Vec<Sample>,
) -> Result<Ack, ApiError> {
    let ack = registry
        .send(Ingest {
            assistant_id,
            samples,
        })
        .await
        .map_err(|e| {
            ApiError::NotStored(format!("nothing was stored: the hub did not answer ({e})"))
        })??;
    Ok(ack)
}
