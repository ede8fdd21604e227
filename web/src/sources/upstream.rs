//! TEMPORARY stand-in for `::sources::fetch` and `::sources::generate` (the contract's API),
//! until the sources crate ships them; replaced by re-exports then.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

pub trait AddressPolicy: Send + Sync {
    fn check(&self, host: &str, ip: std::net::IpAddr) -> Result<(), String>;
}

#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub user_agent: String,
}

pub struct Fetched {
    pub status: u16,
    pub body: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Refused(String),
    #[error("the upstream did not answer in time")]
    Timeout,
    #[error("the response is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the upstream answered {status}: {body_excerpt}")]
    Status { status: u16, body_excerpt: String },
    #[error("the upstream is rate limiting (429)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the response is not JSON: {0}")]
    NotJson(String),
    #[error("network error: {0}")]
    Network(String),
}

pub struct Fetcher {
    client: reqwest::Client,
    _policy: Arc<dyn AddressPolicy>,
}

impl Fetcher {
    pub fn new(cfg: FetchConfig, policy: Arc<dyn AddressPolicy>) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .user_agent(cfg.user_agent)
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(Self {
            client,
            _policy: policy,
        })
    }

    pub async fn fetch(
        &self,
        req: &::sources::RenderedRequest,
        auth: &::sources::Auth,
        secret: Option<&str>,
        _hosts: &[String],
    ) -> Result<Fetched, FetchError> {
        let mut builder = self.client.request(req.method.clone(), req.url.clone());
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let (Some(secret), ::sources::Auth::Bearer) = (secret, auth) {
            builder = builder.bearer_auth(secret);
        }
        if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        let response = builder.send().await.map_err(|e| {
            if e.is_timeout() {
                FetchError::Timeout
            } else {
                FetchError::Network(e.to_string())
            }
        })?;
        let status = response.status().as_u16();
        if status == 429 {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(FetchError::RateLimited { retry_after });
        }
        let text = response.text().await.map_err(|e| {
            if e.is_timeout() {
                FetchError::Timeout
            } else {
                FetchError::Network(e.to_string())
            }
        })?;
        if status >= 300 {
            return Err(FetchError::Status {
                status,
                body_excerpt: text.chars().take(200).collect(),
            });
        }
        let body = serde_json::from_str(&text).map_err(|e| FetchError::NotJson(e.to_string()))?;
        Ok(Fetched { status, body })
    }
}

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
        let url = format!("{}/chat/completions", self.cfg.base_url.trim_end_matches('/'));
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
