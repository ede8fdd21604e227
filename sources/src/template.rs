//! Templates: how to fetch one kind of metric from one integration (GitHub stars, a PostHog
//! event count, …). They are files in the repository (`templates/*.toml`, embedded at build
//! time), so the list is version-controlled and every node has the same one; the database only
//! refers to them by id. This module parses and checks them, and renders a source's parameters
//! into the request the fetcher sends.

use std::collections::BTreeMap;

use chrono::Duration;
use serde::Deserialize;
use serde_json::Value;

mod catalog;
mod placeholder;
mod render;

pub use catalog::Catalog;
use placeholder::{collect_strings, placeholders};

/// Placeholders every template may use besides its parameters.
const BUILTINS: [&str; 4] = ["DATE_FROM", "SINCE", "NOW", "YESTERDAY"];

/// Why a template could not be loaded or rendered; each message is a sentence for the user.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TemplateError {
    #[error("template file {file} is not valid: {message}")]
    Parse { file: String, message: String },
    #[error("template {id} is not valid: {message}")]
    Invalid { id: String, message: String },
    #[error("two templates have the id {0}")]
    Duplicate(String),
    #[error("the parameter {0} is missing")]
    MissingParameter(String),
    #[error("this template has no parameter named {0}")]
    UnknownParameter(String),
    #[error("the parameter {name} is not valid: {reason}")]
    InvalidParameter { name: String, reason: String },
    #[error("template {id} has no {kind} endpoint")]
    NoEndpoint { id: String, kind: &'static str },
    #[error("the request address is not valid: {0}")]
    InvalidUrl(String),
    #[error("unknown poll frequency {0:?} (expected frequent, hourly, daily, weekly or manual)")]
    UnknownFrequency(String),
    #[error("unknown endpoint {0:?} (expected historical or polling)")]
    UnknownEndpoint(String),
}

/// Which of a template's two endpoints: the backfill or the regular poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndpointKind {
    Historical,
    Polling,
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Historical => "historical",
            Self::Polling => "polling",
        }
    }

    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        match text {
            "historical" => Ok(Self::Historical),
            "polling" => Ok(Self::Polling),
            other => Err(TemplateError::UnknownEndpoint(other.to_owned())),
        }
    }
}

/// How often a source is polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// Every 15 minutes.
    Frequent,
    Hourly,
    Daily,
    Weekly,
    /// Only on refresh.
    Manual,
}

impl Frequency {
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        match text {
            "frequent" => Ok(Self::Frequent),
            "hourly" => Ok(Self::Hourly),
            "daily" => Ok(Self::Daily),
            "weekly" => Ok(Self::Weekly),
            "manual" => Ok(Self::Manual),
            other => Err(TemplateError::UnknownFrequency(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Frequent => "frequent",
            Self::Hourly => "hourly",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Manual => "manual",
        }
    }

    /// The gap between two polls; `None` for manual sources.
    pub fn interval(self) -> Option<Duration> {
        match self {
            Self::Frequent => Some(Duration::minutes(15)),
            Self::Hourly => Some(Duration::hours(1)),
            Self::Daily => Some(Duration::days(1)),
            Self::Weekly => Some(Duration::days(7)),
            Self::Manual => None,
        }
    }
}

/// How a connection's secret is sent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Auth {
    /// Not sent.
    None,
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// `<name>: <secret>`.
    Header { name: String },
    /// `?<name>=<secret>` appended to the query.
    Query { name: String },
}

/// How a parameter's value is substituted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParameterKind {
    /// Percent-encoded in the path and query, JSON-escaped in the body.
    #[default]
    Text,
    /// A whole http(s) address, substituted as it is (the generic JSON template).
    Url,
}

/// One value a template asks for (e.g. `OWNER`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub example: String,
    #[serde(default)]
    pub kind: ParameterKind,
}

/// One request of a template: `{NAME}` placeholders in `path`, `headers` values and the
/// string values of `body`.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub method: reqwest::Method,
    /// Path and query, appended to the base URL (the whole URL for the generic template).
    pub path: String,
    /// Extra request headers (e.g. GitHub's `Accept` media type).
    pub headers: BTreeMap<String, String>,
    /// A JSON body (POST endpoints).
    pub body: Option<Value>,
}

/// The jq programs shipped with a template, by endpoint.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateTransformers {
    pub historical: Option<String>,
    pub polling: Option<String>,
}

impl TemplateTransformers {
    pub fn get(&self, kind: EndpointKind) -> Option<&str> {
        match kind {
            EndpointKind::Historical => self.historical.as_deref(),
            EndpointKind::Polling => self.polling.as_deref(),
        }
    }
}

/// A parsed and checked template file.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: String,
    pub integration: String,
    pub name: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    /// The integration's default base URL, e.g. `https://api.github.com` (empty for the
    /// generic template); settings may override it per integration.
    pub base_url: String,
    /// Hosts it may contact; empty only for the generic template (any public host).
    pub hosts: Vec<String>,
    pub auth: Auth,
    pub historical: Option<Endpoint>,
    pub polling: Endpoint,
    pub historical_data_limit_days: Option<u32>,
    pub default_poll_frequency: Frequency,
    pub is_time_series: bool,
    pub needs_connection: bool,
    pub transformer: TemplateTransformers,
}

/// A request ready to send (the secret is added by the fetcher).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedRequest {
    pub method: reqwest::Method,
    pub url: url::Url,
    /// The endpoint's extra headers, rendered.
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    integration: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    parameters: Vec<Parameter>,
    base_url: String,
    #[serde(default)]
    hosts: Vec<String>,
    auth: Auth,
    historical: Option<RawEndpoint>,
    polling: RawEndpoint,
    historical_data_limit_days: Option<u32>,
    default_poll_frequency: Frequency,
    is_time_series: bool,
    needs_connection: bool,
    #[serde(default)]
    transformer: TemplateTransformers,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpoint {
    method: String,
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// JSON text (a string in the TOML file, so it reads like the request it is).
    body: Option<String>,
}

impl Template {
    /// Parses and checks one template file (`file` names it in errors).
    pub fn from_toml(file: &str, text: &str) -> Result<Self, TemplateError> {
        let raw: RawTemplate = toml::from_str(text).map_err(|e| TemplateError::Parse {
            file: file.to_owned(),
            message: e.message().to_owned(),
        })?;
        let invalid = |message: String| TemplateError::Invalid {
            id: raw.id.clone(),
            message,
        };
        let endpoint = |raw: &RawEndpoint| -> Result<Endpoint, TemplateError> {
            let method = reqwest::Method::from_bytes(raw.method.as_bytes())
                .map_err(|_| invalid(format!("unknown method {}", raw.method)))?;
            let body = match &raw.body {
                Some(text) => Some(
                    serde_json::from_str(text)
                        .map_err(|e| invalid(format!("the body is not JSON: {e}")))?,
                ),
                None => None,
            };
            Ok(Endpoint {
                method,
                path: raw.path.clone(),
                headers: raw.headers.clone(),
                body,
            })
        };
        let template = Template {
            historical: raw.historical.as_ref().map(endpoint).transpose()?,
            polling: endpoint(&raw.polling)?,
            id: raw.id.clone(),
            integration: raw.integration.clone(),
            name: raw.name.clone(),
            description: raw.description.clone(),
            parameters: raw.parameters.clone(),
            base_url: raw.base_url.clone(),
            hosts: raw.hosts.clone(),
            auth: raw.auth.clone(),
            historical_data_limit_days: raw.historical_data_limit_days,
            default_poll_frequency: raw.default_poll_frequency,
            is_time_series: raw.is_time_series,
            needs_connection: raw.needs_connection,
            transformer: raw.transformer.clone(),
        };
        template.check().map_err(invalid)?;
        Ok(template)
    }

    /// Load-time checks: ids, names and that every placeholder is known.
    fn check(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err("the id must be lower-case letters, digits and dashes".into());
        }
        let mut names: Vec<&str> = Vec::new();
        for p in &self.parameters {
            let ok = !p.name.is_empty()
                && p.name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !ok || BUILTINS.contains(&p.name.as_str()) || names.contains(&p.name.as_str()) {
                return Err(format!("bad or repeated parameter name {:?}", p.name));
            }
            names.push(&p.name);
        }
        if self.hosts.is_empty() && !self.base_url.is_empty() {
            return Err("a template with a base URL must name its hosts".into());
        }
        for endpoint in self.historical.iter().chain([&self.polling]) {
            let mut texts: Vec<&str> = vec![&endpoint.path];
            texts.extend(endpoint.headers.values().map(String::as_str));
            if let Some(body) = &endpoint.body {
                collect_strings(body, &mut texts);
            }
            for text in texts {
                for name in placeholders(text) {
                    if !names.contains(&name) && !BUILTINS.contains(&name) {
                        return Err(format!("unknown placeholder {{{name}}}"));
                    }
                }
            }
        }
        if self.historical.is_some() != self.historical_data_limit_days.is_some() {
            return Err("historical_data_limit_days goes with a historical endpoint".into());
        }
        Ok(())
    }

    /// The wire form, for `GET /api/v1/templates`.
    pub fn view(&self, has_transformer: bool) -> protocol::sources::TemplateView {
        protocol::sources::TemplateView {
            id: self.id.clone(),
            integration: self.integration.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            parameters: self
                .parameters
                .iter()
                .map(|p| protocol::sources::TemplateParameter {
                    name: p.name.clone(),
                    label: p.label.clone(),
                    description: p.description.clone(),
                    example: p.example.clone(),
                })
                .collect(),
            historical_data_limit_days: self
                .historical
                .as_ref()
                .and(self.historical_data_limit_days)
                .map(i64::from),
            default_poll_frequency: self.default_poll_frequency.as_str().to_owned(),
            is_time_series: self.is_time_series,
            needs_connection: self.needs_connection,
            has_transformer,
        }
    }

    /// The endpoint of that kind (`None`: the template has no historical endpoint).
    pub fn endpoint(&self, kind: EndpointKind) -> Option<&Endpoint> {
        match kind {
            EndpointKind::Historical => self.historical.as_ref(),
            EndpointKind::Polling => Some(&self.polling),
        }
    }

    /// The hosts a request may go to when `base_url` is used: the template's own hosts, or the
    /// host of an overriding base URL from settings (an administrator's choice, e.g. a fixture
    /// server in tests). Empty means any host the address policy allows (generic template).
    pub fn allowed_hosts(&self, base_url: &str) -> Vec<String> {
        if base_url.is_empty() || base_url == self.base_url {
            return self.hosts.clone();
        }
        match url::Url::parse(base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
        {
            Some(host) => vec![host],
            None => self.hosts.clone(),
        }
    }
}

#[cfg(test)]
#[path = "template/tests.rs"]
mod tests;
