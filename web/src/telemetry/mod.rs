//! The hub's own logs and traces, set up before anything else runs.
//!
//! - Logs through `tracing`, filtered by `RUST_LOG` (default `info`), as text or, with
//!   `APP_LOG_FORMAT=json`, one JSON object per line (for log shippers).
//! - Traces exported over OTLP/HTTP when the standard OpenTelemetry variables name a collector
//!   (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; the exporter reads
//!   the rest itself: `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME` (default
//!   `metrics-hub`), `OTEL_BSP_*`). Every `tracing` span becomes an OpenTelemetry span: the
//!   request spans of `tracing-actix-web` (continuing the caller's trace from its `traceparent`
//!   header, [`propagation`]), the handlers' `#[tracing::instrument]` spans and the actors'.
//!
//! These are read from the environment directly, not from `Settings`: logging starts before
//! the settings are loaded, so that their errors are logged too.

pub mod propagation;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::SpanExporter;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Flushes the exported traces when dropped (keep it until the process ends).
#[must_use = "dropping the guard stops the trace export"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            if let Err(error) = provider.shutdown() {
                eprintln!("metrics-hub: flushing traces failed: {error}");
            }
        }
    }
}

/// Whether the environment names an OTLP collector for traces.
fn exporting() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let disabled = std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    !disabled && (set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
}

fn tracer_provider() -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = SpanExporter::builder().with_http().build()?;
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("metrics-hub");
    }
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build())
}

/// Installs the global subscriber once, logging to stdout; later calls (tests) change nothing
/// and export nothing.
pub fn init() -> Telemetry {
    init_with(false)
}

/// As [`init`], but logging to stderr: for commands whose stdout is their output
/// (`metrics-hub export`).
pub fn init_stderr() -> Telemetry {
    init_with(true)
}

fn init_with(stderr: bool) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("APP_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let logs = match (json, stderr) {
        (true, false) => tracing_subscriber::fmt::layer()
            .json()
            .with_target(false)
            .boxed(),
        (true, true) => tracing_subscriber::fmt::layer()
            .json()
            .with_target(false)
            .with_writer(std::io::stderr)
            .boxed(),
        (false, false) => tracing_subscriber::fmt::layer().with_target(false).boxed(),
        (false, true) => tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let (provider, problem) = if exporting() {
        match tracer_provider() {
            Ok(provider) => (Some(provider), None),
            Err(error) => (None, Some(error.to_string())),
        }
    } else {
        (None, None)
    };
    let traces = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("metrics-hub"))
            .boxed()
    });
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(traces)
        .try_init()
        .is_ok();
    if let Some(problem) = problem {
        tracing::warn!(%problem, "traces are not exported: the OTLP exporter could not be built");
    }
    Telemetry {
        // A subscriber was already installed (tests): this provider would export nothing.
        provider: provider.filter(|_| installed),
    }
}
