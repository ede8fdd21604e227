//! Sources (issue #16): metrics pulled on a schedule from external APIs. This module holds the
//! hub's side of it: the settings, connection secrets at rest, the live fan-out of poll
//! results, and the wire views; the REST routes are in `crate::routes::sources`.

pub mod chart;
pub mod config;
pub mod generation;
pub mod live;
pub mod policy;
pub mod poll;
pub mod scheduler;
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
    /// The templates shipped in the repository.
    pub catalog: ::sources::Catalog,
    /// Fetches for templates that name their hosts.
    named: ::sources::Fetcher,
    /// Fetches for the generic template, under the SSRF policy.
    generic: ::sources::Fetcher,
    /// The LLM endpoint, when configured.
    pub llm: Option<::sources::LlmClient>,
    /// Limits of one transformer run.
    limits: ::sources::transform::Limits,
    /// Longest jitter added to a next poll, in seconds.
    jitter_max_secs: i64,
    /// Whether this process stored the template files' transformers.
    seeded: std::sync::atomic::AtomicBool,
    /// How long a poll holds its source (`APP_SOURCES__LEASE_SECS`).
    lease: std::time::Duration,
}

impl Sources {
    /// Builds the services from settings (Redis is not contacted yet).
    pub fn build(settings: &Settings, cache: persistence::Cache) -> Result<Self, SettingsError> {
        let s = &settings.sources;
        let config = ::sources::FetchConfig {
            timeout: std::time::Duration::from_millis(s.fetch_timeout_ms),
            max_body_bytes: s.max_body_bytes,
            max_redirects: 3,
            user_agent: format!("metrics-hub/{}", env!("CARGO_PKG_VERSION")),
        };
        let fetch_error = |e: ::sources::FetchError| {
            SettingsError::Invalid(format!("cannot build the sources' HTTP client: {e}"))
        };
        let named =
            ::sources::Fetcher::new(config.clone(), std::sync::Arc::new(policy::NamedHosts))
                .map_err(fetch_error)?;
        let generic = ::sources::Fetcher::new(
            config,
            std::sync::Arc::new(policy::GenericPolicy(s.policy()?)),
        )
        .map_err(fetch_error)?;
        let llm = match settings.llm.endpoint() {
            Some(e) => Some(
                ::sources::LlmClient::new(::sources::LlmConfig {
                    base_url: e.base_url,
                    api_key: secrecy::ExposeSecret::expose_secret(&e.api_key).to_owned(),
                    model: e.model,
                    timeout: e.timeout,
                })
                .map_err(|e| SettingsError::Invalid(format!("APP_LLM__*: {e}")))?,
            ),
            None => None,
        };
        let limits = ::sources::transform::Limits {
            max_input_bytes: s.max_body_bytes,
            ..::sources::transform::Limits::default()
        };
        Ok(Self {
            lease: s.lease(),
            named,
            generic,
            llm,
            limits,
            secrets: secrets::SecretBox::new(&settings.sources.secret_key),
            base_urls: settings.sources.base_urls()?,
            live: live::SourceLive::new(cache),
            catalog: ::sources::Catalog::builtin()
                .map_err(|e| SettingsError::Invalid(format!("templates/: {e}")))?,
            seeded: std::sync::atomic::AtomicBool::new(false),
            jitter_max_secs: i64::try_from(settings.sources.jitter_max_secs).unwrap_or(i64::MAX),
        })
    }

    /// Stores the template files' transformers as the active shared ones (once per process;
    /// a program seen before, even one that failed since, is not brought back).
    pub async fn seed_transformers(
        &self,
        conn: &mut persistence::AsyncPgConnection,
    ) -> diesel::QueryResult<()> {
        use std::sync::atomic::Ordering;
        if self.seeded.load(Ordering::Acquire) {
            return Ok(());
        }
        for template in self.catalog.iter() {
            for kind in [
                ::sources::EndpointKind::Historical,
                ::sources::EndpointKind::Polling,
            ] {
                if let Some(program) = template.transformer.get(kind) {
                    persistence::postgres::queries::transformers::seed(
                        conn,
                        &template.id,
                        kind.as_str(),
                        program,
                    )
                    .await?;
                }
            }
        }
        self.seeded.store(true, Ordering::Release);
        Ok(())
    }

    /// When a source polled at `frequency` is polled next after `now`: one interval later plus
    /// a random jitter (at most a tenth of the interval, capped by the settings), so sources
    /// created together spread out; `None` for manual sources.
    pub fn next_poll(
        &self,
        frequency: ::sources::Frequency,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        use rand::Rng;
        let interval = frequency.interval()?;
        let cap = (interval.num_seconds() / 10).min(self.jitter_max_secs);
        let jitter = if cap > 0 {
            rand::thread_rng().gen_range(0..=cap)
        } else {
            0
        };
        Some(now + interval + chrono::Duration::seconds(jitter))
    }

    /// The fetcher for `template`'s requests.
    pub fn fetcher(&self, template: &::sources::Template) -> &::sources::Fetcher {
        if template.hosts.is_empty() {
            &self.generic
        } else {
            &self.named
        }
    }

    /// The time limit of one poll: a little less than its lease, so it ends before another
    /// node may claim the source.
    pub fn poll_limit(&self) -> std::time::Duration {
        self.lease
            .saturating_sub(std::time::Duration::from_secs(5))
            .max(std::time::Duration::from_secs(1))
    }

    /// Limits of one transformer run.
    pub fn limits(&self) -> ::sources::transform::Limits {
        self.limits.clone()
    }

    /// The template `id`, if the repository has it.
    pub fn template(&self, id: &str) -> Option<&::sources::Template> {
        self.catalog.get(id)
    }

    /// The base URL requests of `template` go to: the settings' override of its integration,
    /// else its own.
    pub fn base_url(&self, template: &::sources::Template) -> String {
        self.base_urls
            .get(&template.integration)
            .cloned()
            .unwrap_or_else(|| template.base_url.clone())
    }
}

/// Runs a transformer off the async threads (a run blocks for up to its time limit).
pub async fn transform_blocking(
    program: &str,
    input: &serde_json::Value,
    limits: ::sources::transform::Limits,
) -> Result<Vec<::sources::transform::Point>, ::sources::TransformError> {
    let (program, input) = (program.to_owned(), input.clone());
    tokio::task::spawn_blocking(move || ::sources::transform::transform(&program, &input, &limits))
        .await
        .map_err(|e| {
            ::sources::TransformError::Internal(format!("the transformer could not run: {e}"))
        })?
}

/// Turns a sentence ("weekly averages as bars") into chart settings with the configured LLM
/// endpoint (validated settings, never code); 400 when none is configured or its answer is not
/// usable.
pub async fn describe_chart(
    state: &crate::state::AppState,
    sentence: &str,
) -> Result<::sources::ChartSpec, crate::error::ApiError> {
    let Some(llm) = state.sources.llm.as_ref() else {
        return Err(crate::error::ApiError::BadRequest(
            "describing a chart needs an LLM endpoint (APP_LLM__BASE_URL, APP_LLM__MODEL), and \
             none is configured; set the chart's fields instead"
                .into(),
        ));
    };
    llm.chart_spec(sentence).await.map_err(|e| {
        crate::error::ApiError::BadRequest(format!(
            "the sentence could not be turned into chart settings: {e}"
        ))
    })
}
