//! One webhook attempt: POST the stored body, signed, with short connect and total timeouts, no
//! proxy, no redirects (a 3xx answer is a failed attempt) and at most [`MAX_ANSWER_BYTES`] of
//! the answer read. The client resolves host names itself ([`GuardedResolver`]) and hands the
//! connector only addresses the [`Policy`] accepts, so the address checked is the address
//! connected to (no second lookup a rebinding DNS server could answer differently).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderValue, CONTENT_TYPE, USER_AGENT};
use reqwest::{redirect, Url};

use super::policy::{self, Policy};
use super::signature;

/// Most bytes of a receiver's answer read (kept for the delivery's error).
pub const MAX_ANSWER_BYTES: usize = 1024;

/// Why an attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The receiver answered, but not with a 2xx.
    #[error("answered {status}{}", if .excerpt.is_empty() { String::new() } else { format!(": {}", .excerpt) })]
    Status { status: u16, excerpt: String },
    /// The target is refused by the policy: trying again cannot help.
    #[error("refused: {0}")]
    Refused(String),
    /// No answer in time.
    #[error("timed out")]
    Timeout,
    /// Could not connect, or the connection failed.
    #[error("{0}")]
    Transport(String),
}

impl SendError {
    /// The HTTP status of the answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether a later attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Self::Refused(_))
    }
}

/// A refusal raised inside the resolver, found again in reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ResolveRefused(String);

/// Resolves host names for the delivery client and keeps only acceptable answers: every
/// address must pass the policy (unless the name itself is allow-listed), else nothing is
/// returned and the attempt fails.
struct GuardedResolver {
    policy: Arc<Policy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // A name that does not resolve may resolve later: a plain (retryable) error.
            let addresses = policy::resolve(&host, 0)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            if !policy.host_allowed(&host) {
                for address in &addresses {
                    policy.check_address(address.ip()).map_err(
                        |why| -> Box<dyn std::error::Error + Send + Sync> {
                            Box::new(ResolveRefused(format!("{host} resolves to {why}")))
                        },
                    )?;
                }
            }
            let addrs: Addrs = Box::new(addresses.into_iter());
            Ok(addrs)
        })
    }
}

/// Sends webhook attempts.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    policy: Arc<Policy>,
}

impl Sender {
    /// A sender whose attempts give up connecting after `connect_timeout` and altogether after
    /// `timeout`.
    pub fn new(
        policy: Arc<Policy>,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .dns_resolver(Arc::new(GuardedResolver {
                policy: Arc::clone(&policy),
            }))
            .build()?;
        Ok(Self { client, policy })
    }

    /// POSTs `body` to `url`, signed with `secret` at the current time; the answer's status.
    pub async fn send(
        &self,
        url: &str,
        body: &str,
        secret: &str,
        delivery_id: i64,
    ) -> Result<u16, SendError> {
        let url = Url::parse(url).map_err(|e| SendError::Refused(format!("bad URL: {e}")))?;
        // Address literals never reach the resolver: check them here.
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal {
            self.policy.check_address(ip).map_err(SendError::Refused)?;
        }
        let timestamp = chrono::Utc::now().timestamp();
        let signed = signature::header_value(secret, timestamp, body.as_bytes());
        let response = self
            .client
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static("metrics-hub-webhooks"))
            .header(signature::SIGNATURE_HEADER, signed)
            .header(signature::DELIVERY_HEADER, delivery_id.to_string())
            .body(body.to_owned())
            .send()
            .await
            .map_err(classify)?;
        let status = response.status();
        let excerpt = read_capped(response).await;
        if status.is_success() {
            Ok(status.as_u16())
        } else {
            Err(SendError::Status {
                status: status.as_u16(),
                excerpt,
            })
        }
    }
}

/// At most [`MAX_ANSWER_BYTES`] of the answer, as text; the rest is never read.
async fn read_capped(mut response: reqwest::Response) -> String {
    let mut kept: Vec<u8> = Vec::new();
    while kept.len() < MAX_ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ANSWER_BYTES - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&kept).chars().take(200).collect()
}

fn classify(error: reqwest::Error) -> SendError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<ResolveRefused>() {
            return SendError::Refused(refused.0.clone());
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return SendError::Timeout;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    SendError::Transport(text)
}
