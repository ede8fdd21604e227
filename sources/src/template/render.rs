//! Rendering a template for one source: its parameters checked and substituted (with the
//! built-in placeholders) into the request the fetcher sends. Values are percent-encoded in
//! the path and query and JSON-escaped in bodies, so a value can never change the request's
//! shape.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::placeholder::{substitute, substitute_json};
use super::{EndpointKind, Parameter, ParameterKind, RenderedRequest, Template, TemplateError};

/// Characters percent-encoded in a value substituted into a path or query: all but the
/// unreserved ones (RFC 3986), so a value can never add a path segment or a query parameter.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Template {
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
    // Percent-encoding keeps dots, and a URL parser resolves `.` and `..` segments, so such a
    // value would move the request to another path of the API.
    if p.kind != ParameterKind::Url && matches!(value, "." | "..") {
        return Err(invalid("it cannot be `.` or `..`"));
    }
    if p.kind == ParameterKind::Url {
        let url = url::Url::parse(value).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(invalid("it must be an http or https address"));
        }
    }
    Ok(())
}
