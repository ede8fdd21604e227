//! TEMPORARY stand-in for `::sources::fetch` and `::sources::generate` (the contract's API),
//! until the sources crate ships them; replaced by re-exports then.

use std::time::Duration;

use serde_json::Value;

pub use ::sources::fetch::{AddressPolicy, FetchConfig, FetchError, Fetched, Fetcher};

pub struct LlmConfig {
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    pub timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GenerateError(String);

pub struct LlmClient {
    cfg: LlmConfig,
    client: reqwest::Client,
}

#[derive(Debug, Clone, Default)]
pub struct ChartSpec {
    pub chart_type: Option<String>,
    pub date_range: Option<String>,
    pub aggregation: Option<String>,
    pub bucket: Option<String>,
}

impl LlmClient {
    pub fn new(cfg: LlmConfig) -> Result<Self, GenerateError> {
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .build()
            .map_err(|e| GenerateError(e.to_string()))?;
        Ok(Self { cfg, client })
    }

    async fn ask(&self, prompt: String) -> Result<String, GenerateError> {
        let url = format!(
            "{}/chat/completions",
            self.cfg.base_url.trim_end_matches('/')
        );
        let body = serde_json::json!({"model": self.cfg.model,
            "messages": [{"role": "user", "content": prompt}]});
        let answer: Value = self
            .client
            .post(url)
            .bearer_auth(&self.cfg.api_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| GenerateError(e.to_string()))?
            .json()
            .await
            .map_err(|e| GenerateError(e.to_string()))?;
        Ok(answer["choices"][0]["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub async fn generate_transformer(
        &self,
        template: &::sources::Template,
        kind: ::sources::EndpointKind,
        sample: &Value,
        limits: &::sources::transform::Limits,
    ) -> Result<(String, Vec<::sources::transform::Point>), GenerateError> {
        let mut why = String::new();
        for _ in 0..2 {
            let prompt = format!(
                "Write a jq program for {} ({}) turning this into points: {sample} {why}",
                template.id,
                kind.as_str()
            );
            let program = self.ask(prompt).await?;
            match ::sources::transform::transform(&program, sample, limits) {
                Ok(points) if !points.is_empty() => return Ok((program, points)),
                Ok(_) => why = "it output no points".into(),
                Err(e) => why = e.to_string(),
            }
        }
        Err(GenerateError(format!("no valid program: {why}")))
    }

    pub async fn chart_spec(&self, _sentence: &str) -> Result<ChartSpec, GenerateError> {
        Err(GenerateError("not yet".into()))
    }
}
