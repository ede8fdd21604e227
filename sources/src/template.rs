//! Templates: how to fetch one kind of metric from one integration (GitHub stars, a PostHog
//! event count, …). They are files in the repository (`templates/*.toml`, embedded at build
//! time), so the list is version-controlled and every node has the same one; the database only
//! refers to them by id. This module parses and checks them, and renders a source's parameters
//! into the request the fetcher sends.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::Value;

mod catalog;
mod placeholder;

pub use catalog::Catalog;
use placeholder::{collect_strings, placeholders, substitute, substitute_json};

/// Placeholders every template may use besides its parameters.
const BUILTINS: [&str; 4] = ["DATE_FROM", "SINCE", "NOW", "YESTERDAY"];

/// Characters percent-encoded in a value substituted into a path or query: all but the
/// unreserved ones (RFC 3986), so a value can never add a path segment or a query parameter.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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

    /// Checks every parameter is present (and nothing else), then substitutes `{NAME}`
    /// (percent-encoded in the path and query, JSON-escaped in the body, a `url` parameter
    /// as it is) and the built-ins: `{DATE_FROM}` (now − the historical limit, YYYY-MM-DD),
    /// `{SINCE}` (RFC 3339 of `since`, default now − one poll interval), `{NOW}` (RFC 3339)
    /// and `{YESTERDAY}` (the start of yesterday, RFC 3339).
    pub fn render(
        &self,
        kind: EndpointKind,
        params: &BTreeMap<String, String>,
        base_url: &str,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<RenderedRequest, TemplateError> {
        let endpoint = self
            .endpoint(kind)
            .ok_or_else(|| TemplateError::NoEndpoint {
                id: self.id.clone(),
                kind: kind.as_str(),
            })?;
        let values = self.values(params, now, since)?;
        let raw_names: Vec<&str> = self
            .parameters
            .iter()
            .filter(|p| p.kind == ParameterKind::Url)
            .map(|p| p.name.as_str())
            .collect();
        let path = substitute(&endpoint.path, &values, |name, value| {
            if raw_names.contains(&name) {
                value.to_owned()
            } else {
                utf8_percent_encode(value, COMPONENT).to_string()
            }
        });
        let address = format!("{}{}", base_url.trim_end_matches('/'), path);
        let url =
            url::Url::parse(&address).map_err(|e| TemplateError::InvalidUrl(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(TemplateError::InvalidUrl(
                "only http and https addresses with a host are fetched".into(),
            ));
        }
        let headers = endpoint
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    substitute(v, &values, |_, value| value.to_owned()),
                )
            })
            .collect();
        let body = endpoint.body.as_ref().map(|b| substitute_json(b, &values));
        Ok(RenderedRequest {
            method: endpoint.method.clone(),
            url,
            headers,
            body,
        })
    }

    /// The value of every placeholder, after checking the given parameters.
    fn values(
        &self,
        params: &BTreeMap<String, String>,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<BTreeMap<String, String>, TemplateError> {
        if let Some(extra) = params
            .keys()
            .find(|k| !self.parameters.iter().any(|p| &p.name == *k))
        {
            return Err(TemplateError::UnknownParameter(extra.clone()));
        }
        let mut values = BTreeMap::new();
        for p in &self.parameters {
            let value = params
                .get(&p.name)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| TemplateError::MissingParameter(p.name.clone()))?;
            check_value(p, value)?;
            values.insert(p.name.clone(), value.to_owned());
        }
        let days = i64::from(self.historical_data_limit_days.unwrap_or(0));
        let interval = self
            .default_poll_frequency
            .interval()
            .unwrap_or_else(|| Duration::days(1));
        let since = since.unwrap_or(now - interval);
        let yesterday = (now - Duration::days(1)).date_naive();
        values.insert(
            "DATE_FROM".into(),
            (now - Duration::days(days)).format("%Y-%m-%d").to_string(),
        );
        values.insert("SINCE".into(), rfc3339(since));
        values.insert("NOW".into(), rfc3339(now));
        values.insert(
            "YESTERDAY".into(),
            format!("{}T00:00:00Z", yesterday.format("%Y-%m-%d")),
        );
        Ok(values)
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Bounds on a parameter's value: short, printable, and a real address for `url` ones.
fn check_value(p: &Parameter, value: &str) -> Result<(), TemplateError> {
    let invalid = |reason: &str| TemplateError::InvalidParameter {
        name: p.name.clone(),
        reason: reason.to_owned(),
    };
    if value.len() > 2048 {
        return Err(invalid("it is longer than 2048 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid("it contains control characters"));
    }
    if p.kind == ParameterKind::Url {
        let url = url::Url::parse(value).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(invalid("it must be an http or https address"));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "template/tests.rs"]
mod tests;
