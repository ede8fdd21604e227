//! Settings of the sources feature (`APP_SOURCES__*`, `APP_LLM__*`), kept apart from
//! `crate::settings` so that file stays readable; the variables are listed in its table.

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::settings::SettingsError;

/// The key connection secrets are encrypted with when none is configured; accepted only in
/// `dev`.
pub const DEV_SOURCES_SECRET_KEY: &str = "metrics-hub-dev-sources-key-do-not-use-in-production";
/// The shortest secret key accepted, in bytes.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// Sources: polling external APIs on a schedule.
#[derive(Debug, Clone, Deserialize)]
pub struct SourcesSettings {
    /// Connection secrets are encrypted with AES-256-GCM under SHA-256 of this.
    pub secret_key: SecretString,
    /// `integration=url` pairs, comma-separated, overriding templates' base URLs.
    pub base_urls: String,
    /// Exceptions to the SSRF policy of the generic template (as `APP_WEBHOOKS__ALLOW_HOSTS`).
    pub allow_hosts: String,
    /// Whether this node runs the scheduler.
    pub scheduler: bool,
    /// Longest sleep of the scheduler between two looks for due sources.
    pub tick_ms: u64,
    /// Most sources claimed at once.
    pub claim_batch: i64,
    /// Most polls in flight on this node.
    pub concurrency: usize,
    /// Most polls in flight per integration on this node.
    pub per_integration: usize,
    /// How long a claimed source stays leased to the node polling it.
    pub lease_secs: u64,
    /// Longest random delay added to a source's next poll (at most a tenth of its interval).
    pub jitter_max_secs: u64,
    /// Time limit of one upstream request.
    pub fetch_timeout_ms: u64,
    /// Largest upstream response accepted.
    pub max_body_bytes: usize,
}

/// The optional OpenAI-compatible chat-completions endpoint (off unless all three are set).
#[derive(Debug, Clone, Deserialize)]
pub struct LlmSettings {
    pub base_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub model: Option<String>,
    pub timeout_ms: u64,
}

/// The defaults of both, as (key, value) pairs for the config builder.
pub fn defaults() -> Vec<(&'static str, config::Value)> {
    vec![
        ("sources.secret_key", DEV_SOURCES_SECRET_KEY.into()),
        ("sources.base_urls", "".into()),
        ("sources.allow_hosts", "".into()),
        ("sources.scheduler", true.into()),
        ("sources.tick_ms", 5_000.into()),
        ("sources.claim_batch", 50.into()),
        ("sources.concurrency", 16.into()),
        ("sources.per_integration", 4.into()),
        ("sources.lease_secs", 120.into()),
        ("sources.jitter_max_secs", 300.into()),
        ("sources.fetch_timeout_ms", 10_000.into()),
        ("sources.max_body_bytes", 8_388_608.into()),
        ("llm.timeout_ms", 30_000.into()),
    ]
}

impl SourcesSettings {
    /// Refuses the dev key outside `dev`, short keys and zero limits.
    pub fn check(&self, dev: bool) -> Result<(), SettingsError> {
        let key = self.secret_key.expose_secret();
        if !dev && key == DEV_SOURCES_SECRET_KEY {
            return Err(SettingsError::Invalid(
                "APP_SOURCES__SECRET_KEY is the built-in dev key; set your own (at least 32 \
                 bytes) or run with APP_ENVIRONMENT=dev"
                    .into(),
            ));
        }
        if key.len() < MIN_SECRET_KEY_BYTES {
            return Err(SettingsError::Invalid(format!(
                "APP_SOURCES__SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes long"
            )));
        }
        self.base_urls()?;
        self.policy()?;
        if self.tick_ms == 0
            || self.claim_batch < 1
            || self.concurrency == 0
            || self.per_integration == 0
            || self.lease_secs == 0
            || self.fetch_timeout_ms == 0
            || self.max_body_bytes == 0
        {
            return Err(SettingsError::Invalid(
                "APP_SOURCES__TICK_MS, __CLAIM_BATCH, __CONCURRENCY, __PER_INTEGRATION, \
                 __LEASE_SECS, __FETCH_TIMEOUT_MS and __MAX_BODY_BYTES must be at least 1"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The base URL overrides by integration.
    pub fn base_urls(&self) -> Result<BTreeMap<String, String>, SettingsError> {
        let mut out = BTreeMap::new();
        for pair in self
            .base_urls
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (name, url) = pair.split_once('=').ok_or_else(|| {
                SettingsError::Invalid(format!(
                    "APP_SOURCES__BASE_URLS: `{pair}` is not integration=url"
                ))
            })?;
            let parsed = url::Url::parse(url.trim()).map_err(|e| {
                SettingsError::Invalid(format!("APP_SOURCES__BASE_URLS: {url}: {e}"))
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(SettingsError::Invalid(format!(
                    "APP_SOURCES__BASE_URLS: {url} is not http(s)"
                )));
            }
            out.insert(
                name.trim().to_owned(),
                url.trim().trim_end_matches('/').to_owned(),
            );
        }
        Ok(out)
    }

    /// The SSRF policy of the generic template.
    pub fn policy(&self) -> Result<crate::webhooks::Policy, SettingsError> {
        crate::webhooks::AllowList::parse(&self.allow_hosts)
            .map(crate::webhooks::Policy::new)
            .map_err(|e| SettingsError::Invalid(format!("APP_SOURCES__ALLOW_HOSTS: {e}")))
    }

    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_secs)
    }
}

/// A configured LLM endpoint.
#[derive(Debug, Clone)]
pub struct LlmEndpoint {
    pub base_url: String,
    pub api_key: SecretString,
    pub model: String,
    pub timeout: Duration,
}

impl LlmSettings {
    /// The endpoint, when all of base URL, key and model are set (else generation is off).
    pub fn endpoint(&self) -> Option<LlmEndpoint> {
        let base_url = self.base_url.as_ref().filter(|u| !u.trim().is_empty())?;
        let model = self.model.as_ref().filter(|m| !m.trim().is_empty())?;
        Some(LlmEndpoint {
            base_url: base_url.trim().to_owned(),
            api_key: self
                .api_key
                .clone()
                .unwrap_or_else(|| SecretString::from(String::new())),
            model: model.trim().to_owned(),
            timeout: Duration::from_millis(self.timeout_ms.max(1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Environment, Settings};

    #[test]
    fn production_refuses_the_dev_key_and_bad_base_urls() {
        let Ok(mut settings) = Settings::read() else {
            panic!("the built-in defaults must load");
        };
        settings.environment = Environment::Dev;
        settings.sources.secret_key = SecretString::from(DEV_SOURCES_SECRET_KEY);
        assert!(settings.check().is_ok());
        settings.environment = Environment::Production;
        settings.auth.jwt_secret = SecretString::from("j".repeat(40));
        assert!(settings.check().is_err(), "the dev key in production");
        settings.sources.secret_key = SecretString::from("k".repeat(40));
        assert!(settings.check().is_ok());
        settings.sources.secret_key = SecretString::from("short");
        assert!(settings.check().is_err());
        settings.sources.secret_key = SecretString::from("k".repeat(40));
        settings.sources.base_urls = "github=http://127.0.0.1:9999/, youtube=https://y.test".into();
        let Ok(urls) = settings.sources.base_urls() else {
            panic!("valid overrides refused")
        };
        assert_eq!(
            urls.get("github").map(String::as_str),
            Some("http://127.0.0.1:9999")
        );
        for bad in ["github", "github=ftp://x", "github=not a url"] {
            settings.sources.base_urls = bad.into();
            assert!(settings.check().is_err(), "{bad}");
        }
    }

    #[test]
    fn generation_is_off_unless_base_url_and_model_are_set() {
        let mut llm = LlmSettings {
            base_url: Some("http://127.0.0.1:1/v1".into()),
            api_key: None,
            model: None,
            timeout_ms: 1_000,
        };
        assert!(llm.endpoint().is_none());
        llm.model = Some("m".into());
        assert!(llm.endpoint().is_some());
        llm.base_url = Some(" ".into());
        assert!(llm.endpoint().is_none());
    }
}
