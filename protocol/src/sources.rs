//! Sources on the wire (`/api/v1/templates`, `connections`, `sources`, `transformers`,
//! `widgets`): metrics pulled on a schedule from external APIs (docs/sources.md).
//!
//! A *template* (a file in the repository's `templates/`) says how to fetch one kind of metric;
//! a *connection* holds a user's credentials for an integration; a *source* is a user's instance
//! of a template; its *points* are one generic series (time, value, dimensions); a *transformer*
//! is the jq program that turns a raw response into points; a *widget* is a chart of a source,
//! whose [`ChartView`] the hub computes. Answers parse tolerantly (defaults, unknown fields
//! ignored); requests refuse unknown fields.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One parameter a template asks for (e.g. `OWNER` of a GitHub repository).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateParameter {
    /// Upper-case name, substituted for `{NAME}` in the endpoint's path, query and body.
    pub name: String,
    pub label: String,
    pub description: String,
    /// Shown as the input's placeholder.
    pub example: String,
}

/// A template, as listed (`GET /api/v1/templates`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateView {
    /// e.g. `github-repo-stars`.
    pub id: String,
    /// The integration whose connection it uses, e.g. `github`.
    pub integration: String,
    pub name: String,
    pub description: String,
    pub parameters: Vec<TemplateParameter>,
    /// How far back the historical endpoint reaches, in days (`null`: no history).
    pub historical_data_limit_days: Option<i64>,
    /// `frequent`, `hourly`, `daily`, `weekly` or `manual`.
    pub default_poll_frequency: String,
    /// `false` for snapshot data (a sheet's column): each poll replaces the points.
    pub is_time_series: bool,
    /// Whether the integration needs a connection (the generic JSON template does not).
    pub needs_connection: bool,
    /// Whether an active transformer exists for it (else one is generated or written).
    pub has_transformer: bool,
}

/// A connection to create: credentials for one integration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateConnection {
    /// e.g. `github`, `youtube`, `posthog`, `sheets`, `http`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "github", pattern = "^[a-z][a-z0-9_-]{0,39}$")
    )]
    pub integration: String,
    /// 1–100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// The API token, key or header value; encrypted at rest, never returned.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4096))]
    pub secret: String,
}

/// A change to a connection: a new name and/or a new secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateConnection {
    pub name: Option<String>,
    pub secret: Option<String>,
}

/// A connection, as listed (never with its secret).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct ConnectionView {
    pub id: i64,
    pub integration: String,
    pub name: String,
    /// The secret's last characters (e.g. `…a1b2`), to tell connections apart.
    pub secret_hint: String,
    /// Sources that use it (a connection in use cannot be deleted: 409).
    pub sources: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A source to create: a template with its parameters, a connection and a poll frequency.
/// Creating one fetches a sample, makes sure a transformer exists and backfills history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateSource {
    pub template_id: String,
    /// Defaults to the template's name with its parameters.
    #[serde(default)]
    pub name: Option<String>,
    /// Every parameter the template names, by name.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Required when the template's integration needs one.
    #[serde(default)]
    pub connection_id: Option<i64>,
    /// Defaults to the template's `defaultPollFrequency`.
    #[serde(default)]
    pub frequency: Option<String>,
}

/// A change to a source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateSource {
    pub name: Option<String>,
    pub frequency: Option<String>,
    pub connection_id: Option<i64>,
}

/// A source, as listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct SourceView {
    pub id: i64,
    pub template_id: String,
    pub name: String,
    pub parameters: BTreeMap<String, String>,
    pub connection_id: Option<i64>,
    pub frequency: String,
    pub is_time_series: bool,
    /// When it is polled next (`null`: manual).
    pub next_poll_at: Option<DateTime<Utc>>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    /// Why the last poll failed; `null` after a success.
    pub last_error: Option<String>,
    pub consecutive_failures: i64,
    /// Points stored.
    pub points: i64,
    /// The newest point's time.
    pub latest_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One stored point.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct PointView {
    pub timestamp: DateTime<Utc>,
    pub value: f64,
    /// Extra numbers or labels next to the value (e.g. `{"deletions": 12}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub dimensions: serde_json::Map<String, Value>,
}

/// A source's points in a time range (`GET /api/v1/sources/{id}/points?start&end`), oldest
/// first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct PointsPage {
    pub source_id: i64,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub points: Vec<PointView>,
    /// Whether more points matched than the page holds (the oldest are returned).
    pub truncated: bool,
}

/// What a refresh (or a source's creation) did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct PollResult {
    pub source: SourceView,
    /// Points written by this poll (inserted or updated).
    pub points_written: i64,
}

/// A transformer: the jq program that turns a template's raw response into points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct TransformerView {
    pub id: i64,
    pub template_id: String,
    /// `historical` or `polling`.
    pub endpoint: String,
    /// Set for the generic JSON template, whose transformers belong to one source.
    pub source_id: Option<i64>,
    pub version: i64,
    pub program: String,
    /// `template`, `generated` or `user`.
    pub origin: String,
    /// `active`, `deprecated` or `failed`.
    pub status: String,
    pub failure_count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub input_example: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub output_example: Option<Value>,
    pub created_at: DateTime<Utc>,
}

/// A jq program to try against a source's sample (`POST /api/v1/transformers/preview`) or to
/// store as the active transformer (`POST /api/v1/transformers`) of a template that has none
/// (or whose transformer failed). Stored only if it runs on the sample and its output
/// validates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WriteTransformer {
    /// The source whose sample it runs on (and, for the generic JSON template, that it is for).
    pub source_id: i64,
    /// `historical` or `polling`; defaults to `polling`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The jq program; it must output `{timestamp, value, dimensions?}` objects (or an array
    /// of them).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub program: String,
}

/// What a jq program made of a source's sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct TransformerPreview {
    /// The sample it ran on.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub input: Option<Value>,
    /// The points, when it ran and validated.
    pub points: Vec<PointView>,
    /// Why it did not (a jq error, a limit, an invalid point), else `null`.
    pub error: Option<String>,
}

/// A widget to create: a chart of a source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWidget {
    pub source_id: i64,
    /// Defaults to the source's name.
    #[serde(default)]
    pub title: Option<String>,
    /// `line` (default), `bar`, `area`, `pie` or `kpi`.
    #[serde(default)]
    pub chart_type: Option<String>,
    /// `7d`, `30d` (default), `90d` or `all`.
    #[serde(default)]
    pub date_range: Option<String>,
    /// `none` (default: every point), `sum`, `avg` or `max` per bucket.
    #[serde(default)]
    pub aggregation: Option<String>,
    /// `day` (default), `week` or `month`; used when aggregating.
    #[serde(default)]
    pub bucket: Option<String>,
    /// Numeric dimension keys plotted next to the value.
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// A sentence ("weekly averages as bars") turned into the settings above by the configured
    /// LLM endpoint; explicit fields win. 400 when no endpoint is configured.
    #[serde(default)]
    pub describe: Option<String>,
}

/// A change to a widget's settings (any subset).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateWidget {
    pub title: Option<String>,
    pub chart_type: Option<String>,
    pub date_range: Option<String>,
    pub aggregation: Option<String>,
    pub bucket: Option<String>,
    pub dimensions: Option<Vec<String>>,
    pub position: Option<i64>,
    /// As in [`CreateWidget::describe`].
    pub describe: Option<String>,
}

/// A widget, as listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct WidgetView {
    pub id: i64,
    pub source_id: i64,
    pub title: String,
    pub chart_type: String,
    pub date_range: String,
    pub aggregation: String,
    pub bucket: String,
    pub dimensions: Vec<String>,
    pub position: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How one plotted series is labelled and coloured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct SeriesConfig {
    pub label: String,
    /// A CSS colour, e.g. `#4f46e5`.
    pub color: String,
}

/// A widget's chart, computed by the hub in SQL (`GET /api/v1/widgets/{id}/chart`), in the
/// shape of the plan this feature comes from: one row per x value in `chart_data`, keyed by
/// `x_axis_key` and each of `data_keys`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct ChartView {
    pub widget_id: i64,
    pub source_id: i64,
    pub title: String,
    /// `line`, `bar`, `area`, `pie` or `kpi`.
    pub chart_type: String,
    /// Rows such as `{"date": "2026-11-01", "value": 12, "deletions": 3}`; for `kpi`, one row.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub chart_data: Vec<serde_json::Map<String, Value>>,
    /// Labels and colours by data key.
    pub chart_config: BTreeMap<String, SeriesConfig>,
    /// The key of the x value in each row (`date`).
    pub x_axis_key: String,
    /// The keys plotted (`value` first, then the widget's dimensions).
    pub data_keys: Vec<String>,
    pub show_legend: bool,
    /// `7d`, `30d`, `90d` or `all`.
    pub date_range: String,
    /// `none`, `sum`, `avg` or `max`.
    pub aggregation: String,
    /// `day`, `week` or `month`.
    pub bucket: String,
    /// For `kpi`: the newest value and its change over the range.
    pub kpi: Option<KpiView>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// The headline number of a `kpi` chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct KpiView {
    pub value: f64,
    /// The newest value minus the oldest in the range (`null` with one point).
    pub change: Option<f64>,
    pub at: Option<DateTime<Utc>>,
}
