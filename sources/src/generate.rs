//! The optional LLM side of sources, off unless an OpenAI-compatible chat-completions endpoint
//! is configured (`APP_LLM__BASE_URL`, `APP_LLM__API_KEY`, `APP_LLM__MODEL`). It does two
//! things, and neither trusts the model:
//! - writes a transformer for a template that has none, from the *real* sample response and
//!   the point schema. A program is accepted only if it compiles, runs on the sample within the
//!   usual limits and yields at least one valid point; a second attempt tells the model why
//!   the first failed;
//! - turns a sentence ("weekly averages as bars") into chart settings: a JSON object whose
//!   every value must be one of the allowed ones. It is data, never code.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::template::{EndpointKind, Template};
use crate::transform::{self, Limits, Point, TransformError};

/// Largest sample sent to the model (as JSON text); bigger samples are shortened (arrays to
/// their first items, long strings cut) so the shape survives.
const MAX_SAMPLE_CHARS: usize = 12_000;
/// Attempts at a transformer.
const ATTEMPTS: usize = 2;

pub const CHART_TYPES: [&str; 5] = ["line", "bar", "area", "pie", "kpi"];
pub const DATE_RANGES: [&str; 4] = ["7d", "30d", "90d", "all"];
pub const AGGREGATIONS: [&str; 4] = ["none", "sum", "avg", "max"];
pub const BUCKETS: [&str; 3] = ["day", "week", "month"];

/// Where the endpoint is and how to call it.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmConfig {
    /// e.g. `https://api.openai.com/v1` (`/chat/completions` is appended).
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    pub timeout: Duration,
}

/// Why generation gave nothing usable; each message is a sentence for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GenerateError {
    #[error("the LLM endpoint is not configured correctly: {0}")]
    Config(String),
    #[error("the LLM endpoint could not be reached: {0}")]
    Request(String),
    #[error("the LLM endpoint answered {status}: {excerpt}")]
    Status { status: u16, excerpt: String },
    #[error("the LLM endpoint's answer could not be read: {0}")]
    BadAnswer(String),
    #[error("the generated transformer was rejected after {attempts} attempts: {reason}")]
    Rejected {
        attempts: usize,
        reason: TransformError,
    },
    #[error("the chart description could not be used: {0}")]
    InvalidSpec(String),
}

/// Chart settings from a sentence; `None` where the sentence says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartSpec {
    pub chart_type: Option<String>,
    pub date_range: Option<String>,
    pub aggregation: Option<String>,
    pub bucket: Option<String>,
}

/// A client of the configured endpoint.
pub struct LlmClient {
    config: LlmConfig,
    http: reqwest::Client,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("base_url", &self.config.base_url)
            .field("model", &self.config.model)
            .finish()
    }
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

impl LlmClient {
    pub fn new(config: LlmConfig) -> Result<Self, GenerateError> {
        let parsed = url::Url::parse(&config.base_url)
            .map_err(|e| GenerateError::Config(format!("base URL {:?}: {e}", config.base_url)))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(GenerateError::Config(
                "the base URL must be http or https".into(),
            ));
        }
        if config.model.trim().is_empty() {
            return Err(GenerateError::Config("no model is set".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .no_proxy()
            .build()
            .map_err(|e| GenerateError::Config(e.to_string()))?;
        Ok(LlmClient { config, http })
    }

    /// One chat completion: the text of the first choice.
    async fn complete(&self, messages: &[Value]) -> Result<String, GenerateError> {
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.config.api_key)
            .json(&json!({"model": self.config.model, "messages": messages, "temperature": 0}))
            .send()
            .await
            .map_err(|e| GenerateError::Request(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| GenerateError::Request(e.to_string()))?;
        if !status.is_success() {
            return Err(GenerateError::Status {
                status: status.as_u16(),
                excerpt: text.chars().take(200).collect(),
            });
        }
        let completion: Completion =
            serde_json::from_str(&text).map_err(|e| GenerateError::BadAnswer(e.to_string()))?;
        completion
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| GenerateError::BadAnswer("the answer has no content".into()))
    }

    /// Sends the sample (shortened to a size limit) and the point schema, asks for a jq
    /// program, and accepts it only if [`transform::transform`] on the whole sample succeeds
    /// with at least one point; up to 2 attempts (the second tells the model why the first
    /// failed). Returns the program and its points.
    pub async fn generate_transformer(
        &self,
        template: &Template,
        kind: EndpointKind,
        sample: &Value,
        limits: &Limits,
    ) -> Result<(String, Vec<Point>), GenerateError> {
        let mut messages = vec![
            json!({"role": "system", "content": TRANSFORMER_PROMPT}),
            json!({"role": "user", "content": transformer_request(template, kind, sample)}),
        ];
        let mut reason = TransformError::Internal("no attempt was made".into());
        for _ in 0..ATTEMPTS {
            let answer = self.complete(&messages).await?;
            let program = strip_fences(&answer);
            match try_program(&program, sample, limits).await {
                Ok(points) => return Ok((program, points)),
                Err(why) => {
                    messages.push(json!({"role": "assistant", "content": answer}));
                    messages.push(json!({"role": "user", "content": format!(
                        "That program was rejected: {why}. Answer with a corrected jq program only."
                    )}));
                    reason = why;
                }
            }
        }
        Err(GenerateError::Rejected {
            attempts: ATTEMPTS,
            reason,
        })
    }

    /// Turns a sentence into validated chart settings (never code).
    pub async fn chart_spec(&self, sentence: &str) -> Result<ChartSpec, GenerateError> {
        let sentence: String = sentence.chars().take(500).collect();
        let messages = [
            json!({"role": "system", "content": CHART_PROMPT}),
            json!({"role": "user", "content": sentence}),
        ];
        let answer = self.complete(&messages).await?;
        parse_chart_spec(&strip_fences(&answer))
    }
}

/// Checks and runs a program on the sample, off the async threads (a run blocks).
async fn try_program(
    program: &str,
    sample: &Value,
    limits: &Limits,
) -> Result<Vec<Point>, TransformError> {
    transform::check_program(program)?;
    let (program, sample, limits) = (program.to_owned(), sample.clone(), limits.clone());
    let points =
        tokio::task::spawn_blocking(move || transform::transform(&program, &sample, &limits))
            .await
            .map_err(|e| TransformError::Internal(e.to_string()))??;
    if points.is_empty() {
        return Err(TransformError::Jq(
            "it produced no points from the sample".into(),
        ));
    }
    Ok(points)
}

const TRANSFORMER_PROMPT: &str = "You write jq programs (jq 1.7 as implemented by jaq) that \
turn an API's JSON response into data points. Every output of the program must be an object \
{\"timestamp\": <RFC 3339 string or unix seconds>, \"value\": <number>, \"dimensions\": \
<optional object of extra numbers or labels>}, or an array of such objects. One point per \
timestamp. Numbers sent as strings must be converted with tonumber. The variable $now holds \
the current time as an RFC 3339 string; use it when the response has no time of its own. The \
program gets the whole response as its input. Answer with the jq program only, no prose.";

const CHART_PROMPT: &str = "You turn a sentence about a chart into settings. Answer with one \
JSON object only, with these keys, each null when the sentence does not say: \"chartType\": \
one of line, bar, area, pie, kpi; \"dateRange\": one of 7d, 30d, 90d, all; \"aggregation\": \
one of none, sum, avg, max; \"bucket\": one of day, week, month.";

fn transformer_request(template: &Template, kind: EndpointKind, sample: &Value) -> String {
    let endpoint = template
        .endpoint(kind)
        .map(|e| format!("{} {}", e.method, e.path))
        .unwrap_or_default();
    format!(
        "Template: {} ({})\nWhat the points should be: {}\nEndpoint ({}): {}\nA real response \
         (possibly shortened):\n{}",
        template.name,
        template.id,
        template.description,
        kind.as_str(),
        endpoint,
        shorten_sample(sample)
    )
}

/// The sample as JSON text of at most about [`MAX_SAMPLE_CHARS`]: arrays keep fewer items and
/// strings get shorter until it fits.
pub(crate) fn shorten_sample(sample: &Value) -> String {
    let full = sample.to_string();
    if full.len() <= MAX_SAMPLE_CHARS {
        return full;
    }
    for (items, chars) in [(20, 200), (5, 80), (2, 40), (1, 20)] {
        let text = shrink(sample, items, chars).to_string();
        if text.len() <= MAX_SAMPLE_CHARS {
            return text;
        }
    }
    shrink(sample, 1, 20)
        .to_string()
        .chars()
        .take(MAX_SAMPLE_CHARS)
        .collect()
}

fn shrink(value: &Value, items: usize, chars: usize) -> Value {
    match value {
        Value::String(s) if s.chars().count() > chars => {
            Value::String(s.chars().take(chars).collect::<String>() + "…")
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .take(items)
                .map(|v| shrink(v, items, chars))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), shrink(v, items, chars)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

/// The program in an answer: the first fenced block if there is one, else the whole text.
pub(crate) fn strip_fences(answer: &str) -> String {
    let trimmed = answer.trim();
    if let Some(start) = trimmed.find("```") {
        let after = &trimmed[start + 3..];
        // Skip the info string (```jq).
        let body = after.split_once('\n').map_or("", |(_, rest)| rest);
        let body = body.find("```").map_or(body, |end| &body[..end]);
        return body.trim().to_owned();
    }
    trimmed.to_owned()
}

/// Reads and validates the model's settings object.
pub(crate) fn parse_chart_spec(text: &str) -> Result<ChartSpec, GenerateError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| GenerateError::InvalidSpec(format!("the answer is not a JSON object: {e}")))?;
    let Value::Object(map) = value else {
        return Err(GenerateError::InvalidSpec(
            "the answer is not a JSON object".into(),
        ));
    };
    let field = |names: [&str; 2], allowed: &[&str]| -> Result<Option<String>, GenerateError> {
        let found = names.iter().find_map(|n| map.get(*n));
        match found {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let s = s.trim().to_ascii_lowercase();
                if allowed.contains(&s.as_str()) {
                    Ok(Some(s))
                } else {
                    Err(GenerateError::InvalidSpec(format!(
                        "{} {s:?} is not one of {}",
                        names[0],
                        allowed.join(", ")
                    )))
                }
            }
            Some(other) => Err(GenerateError::InvalidSpec(format!(
                "{} must be a string, got {other}",
                names[0]
            ))),
        }
    };
    let spec = ChartSpec {
        chart_type: field(["chartType", "chart_type"], &CHART_TYPES)?,
        date_range: field(["dateRange", "date_range"], &DATE_RANGES)?,
        aggregation: field(["aggregation", "aggregation"], &AGGREGATIONS)?,
        bucket: field(["bucket", "bucket"], &BUCKETS)?,
    };
    if spec == ChartSpec::default() {
        return Err(GenerateError::InvalidSpec(
            "the sentence names no chart setting".into(),
        ));
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_stripped() {
        assert_eq!(
            strip_fences("```jq\n.a | {timestamp: 0, value: .}\n```"),
            ".a | {timestamp: 0, value: .}"
        );
        assert_eq!(strip_fences("Here you go:\n```\n.x\n```\nEnjoy"), ".x");
        assert_eq!(strip_fences("  .x  "), ".x");
    }

    #[test]
    fn chart_specs_are_validated() {
        let spec = parse_chart_spec(
            r#"{"chartType": "bar", "dateRange": null, "aggregation": "avg", "bucket": "Week"}"#,
        );
        assert_eq!(
            spec,
            Ok(ChartSpec {
                chart_type: Some("bar".into()),
                date_range: None,
                aggregation: Some("avg".into()),
                bucket: Some("week".into()),
            })
        );
        assert!(parse_chart_spec(r#"{"chartType": "scatter"}"#).is_err());
        assert!(parse_chart_spec(r#"{"bucket": 7}"#).is_err());
        assert!(parse_chart_spec("[]").is_err());
        assert!(parse_chart_spec("bars please").is_err());
        assert!(parse_chart_spec(r#"{"chartType": null}"#).is_err());
    }

    #[test]
    fn big_samples_are_shortened_but_stay_json() {
        let rows: Vec<Value> = (0..5000)
            .map(|i| json!({"day": i, "label": "x".repeat(500)}))
            .collect();
        let text = shorten_sample(&json!({"rows": rows}));
        assert!(text.len() <= MAX_SAMPLE_CHARS, "{}", text.len());
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back["rows"][0]["day"], json!(0));
    }
}
