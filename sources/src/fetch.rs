//! The HTTP side of a poll: send a rendered request with the connection's secret, and bring
//! back a JSON body, or a reason fit for the source's `lastError`. Requests are aimed by users
//! (the generic JSON template takes any URL), so the fetcher guards the hub's own network:
//! the URL's host must be one the template names, and every address a host name resolves to
//! is judged by an [`AddressPolicy`] inside the client's own resolver, so the connection goes
//! to exactly the addresses that were checked (DNS rebinding cannot slip between check and
//! connect). Address literals, which never reach a resolver, are checked before sending. There
//! is no proxy, redirects are followed by hand (hosts and addresses re-checked at each hop, at
//! most `max_redirects`, the secret only sent to the original host), the body is read in
//! chunks and cut at the limit, and the whole exchange has one deadline.

use std::error::Error as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, LOCATION, RETRY_AFTER};
use reqwest::{redirect, Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::template::{Auth, RenderedRequest};

/// Decides which addresses the fetcher may connect to (the hub's SSRF policy: public
/// addresses, plus what settings allow-list).
pub trait AddressPolicy: Send + Sync {
    /// `Err(why)` refuses `ip`, which `host` resolved to (or is).
    fn check(&self, host: &str, ip: IpAddr) -> Result<(), String>;
}

/// Limits of one fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    /// For the whole exchange: connecting, redirects and the body.
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(10),
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 3,
            user_agent: concat!("metrics-hub/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A successful (2xx) answer. An empty body (e.g. GitHub's 202 while it computes statistics)
/// is `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub status: u16,
    pub body: Value,
}

/// Why a fetch brought nothing back; each message is a sentence for `lastError`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("the request was refused: {0}")]
    Refused(String),
    #[error("the request timed out")]
    Timeout,
    #[error("the response is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the server answered {status}: {body_excerpt}")]
    Status { status: u16, body_excerpt: String },
    #[error("the server is rate limiting requests (429){}", retry_text(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("the response is not JSON: {0}")]
    NotJson(String),
    #[error("the request failed: {0}")]
    Network(String),
}

fn retry_text(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("; retry after {} s", d.as_secs()),
        None => String::new(),
    }
}

/// A refusal raised inside the resolver, found again in reqwest's error chain.
#[derive(Debug)]
struct ResolveRefused(String);

impl std::fmt::Display for ResolveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResolveRefused {}

/// Resolves names for the client and refuses the whole answer if any address is refused.
struct GuardedResolver {
    policy: Arc<dyn AddressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for address in &found {
                policy
                    .check(&host, address.ip())
                    .map_err(|why| ResolveRefused(format!("{host} resolves to {why}")))?;
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// The guarded HTTP client; one per hub, shared by every poll.
pub struct Fetcher {
    config: FetchConfig,
    policy: Arc<dyn AddressPolicy>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .finish()
    }
}

impl Fetcher {
    pub fn new(config: FetchConfig, policy: Arc<dyn AddressPolicy>) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(redirect::Policy::none())
            .connect_timeout(config.timeout)
            .user_agent(config.user_agent.clone())
            .dns_resolver(Arc::new(GuardedResolver {
                policy: Arc::clone(&policy),
            }))
            .build()
            .map_err(|e| FetchError::Network(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            config,
            policy,
            client,
        })
    }

    /// Sends the request with the connection's secret applied per `auth`; checks the URL host
    /// is in `hosts` (when non-empty) and every resolved address with the policy (also after
    /// redirects).
    pub async fn fetch(
        &self,
        req: &RenderedRequest,
        auth: &Auth,
        secret: Option<&str>,
        hosts: &[String],
    ) -> Result<Fetched, FetchError> {
        match tokio::time::timeout(self.config.timeout, self.exchange(req, auth, secret, hosts))
            .await
        {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    async fn exchange(
        &self,
        req: &RenderedRequest,
        auth: &Auth,
        secret: Option<&str>,
        hosts: &[String],
    ) -> Result<Fetched, FetchError> {
        let origin = req.url.origin();
        let mut url = req.url.clone();
        let mut method = req.method.clone();
        let mut body = req.body.clone();
        let mut hops = 0;
        loop {
            self.check_url(&url, hosts)?;
            // The secret goes only where the template aimed (scheme, host and port), never to
            // a redirect elsewhere.
            let secret = secret.filter(|_| url.origin() == origin);
            let response = self
                .send(&url, &method, &req.headers, body.as_ref(), auth, secret)
                .await?;
            let status = response.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                return self.finish(response).await;
            }
            hops += 1;
            if hops > self.config.max_redirects {
                return Err(FetchError::Refused(format!(
                    "more than {} redirects",
                    self.config.max_redirects
                )));
            }
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| FetchError::Status {
                    status: status.as_u16(),
                    body_excerpt: "a redirect without a Location".into(),
                })?;
            url = url
                .join(location)
                .map_err(|e| FetchError::Refused(format!("bad redirect address: {e}")))?;
            // 301, 302 and 303 turn a POST into a GET without body, as browsers do.
            if matches!(status.as_u16(), 301..=303) && method != Method::HEAD {
                method = Method::GET;
                body = None;
            }
        }
    }

    /// Scheme, allowed hosts, and address literals (names are checked by the resolver).
    fn check_url(&self, url: &Url, hosts: &[String]) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused(format!(
                "the scheme {} is not http or https",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(FetchError::Refused(
                "addresses with a user name or password are not fetched".into(),
            ));
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::Refused("the address has no host".into()))?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if !hosts.is_empty() && !hosts.iter().any(|h| h.eq_ignore_ascii_case(bare)) {
            return Err(FetchError::Refused(format!(
                "{bare} is not a host of this template ({})",
                hosts.join(", ")
            )));
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal {
            self.policy.check(bare, ip).map_err(FetchError::Refused)?;
        }
        Ok(())
    }

    async fn send(
        &self,
        url: &Url,
        method: &Method,
        headers: &[(String, String)],
        body: Option<&Value>,
        auth: &Auth,
        secret: Option<&str>,
    ) -> Result<reqwest::Response, FetchError> {
        let mut url = url.clone();
        if let (Auth::Query { name }, Some(secret)) = (auth, secret) {
            url.query_pairs_mut().append_pair(name, secret);
        }
        let mut request = self
            .client
            .request(method.clone(), url)
            .header(ACCEPT, "application/json");
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| FetchError::Network(format!("bad header name {name}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| FetchError::Network(format!("bad header value: {e}")))?;
            request = request.header(name, value);
        }
        if let Some(secret) = secret {
            request = match auth {
                Auth::None | Auth::Query { .. } => request,
                Auth::Bearer => request.header(AUTHORIZATION, bearer(secret)?),
                Auth::Header { name } => {
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|e| FetchError::Network(format!("bad header name: {e}")))?;
                    request.header(name, sensitive(secret)?)
                }
            };
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.map_err(classify)
    }

    /// Status handling and the capped body.
    async fn finish(&self, mut response: reqwest::Response) -> Result<Fetched, FetchError> {
        let status = response.status();
        let limit = self.config.max_body_bytes;
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after(v, SystemTime::now()));
            return Err(FetchError::RateLimited { retry_after });
        }
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge(limit));
        }
        let mut bytes: Vec<u8> = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if bytes.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                status: status.as_u16(),
                body_excerpt: excerpt(&bytes),
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Fetched {
                status: status.as_u16(),
                body: Value::Null,
            });
        }
        let body = serde_json::from_slice(&bytes)
            .map_err(|e| FetchError::NotJson(format!("{e} (starts with {:?})", excerpt(&bytes))))?;
        Ok(Fetched {
            status: status.as_u16(),
            body,
        })
    }
}

fn bearer(secret: &str) -> Result<HeaderValue, FetchError> {
    sensitive(&format!("Bearer {secret}"))
}

fn sensitive(value: &str) -> Result<HeaderValue, FetchError> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| FetchError::Network("the secret cannot be sent in a header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// `Retry-After` as seconds or an HTTP date (relative to `now`).
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The longest `Retry-After` honoured: an upstream cannot park a source for years (or make
/// the next poll time overflow).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The first 200 characters of a body, for error messages.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(800)]);
    let short: String = text.chars().take(200).collect();
    short.trim().to_owned()
}

fn classify(error: reqwest::Error) -> FetchError {
    let mut cause = error.source();
    while let Some(c) = cause {
        if let Some(refused) = c.downcast_ref::<ResolveRefused>() {
            return FetchError::Refused(refused.0.clone());
        }
        cause = c.source();
    }
    if error.is_timeout() {
        return FetchError::Timeout;
    }
    // The URL may carry a secret (`Auth::Query`, e.g. YouTube's `key=`): never in the text,
    // which becomes the source's `lastError`, a live message and a log line.
    let error = error.without_url();
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    FetchError::Network(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Thu, 03 Dec 2026 07:00:00 GMT")
            .unwrap_or(SystemTime::UNIX_EPOCH);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Thu, 03 Dec 2026 07:01:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            retry_after("Thu, 03 Dec 2026 06:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(
            retry_after("10000000000000", now),
            Some(MAX_RETRY_AFTER),
            "an absurd wait is capped"
        );
    }

    #[test]
    fn errors_read_as_sentences() {
        let e = FetchError::RateLimited {
            retry_after: Some(Duration::from_secs(30)),
        };
        assert_eq!(
            e.to_string(),
            "the server is rate limiting requests (429); retry after 30 s"
        );
        let e = FetchError::Status {
            status: 500,
            body_excerpt: "oops".into(),
        };
        assert_eq!(e.to_string(), "the server answered 500: oops");
    }
}
