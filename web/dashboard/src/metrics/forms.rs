//! The Metrics area's forms as plain data: the choices they offer (frequencies, ranges,
//! aggregations, buckets), checking an "Add metric" form before it is sent (every parameter
//! filled, a connection where the integration needs one, a new connection's name and secret),
//! the change a widget's settings make, a transformer to preview or save, and the
//! "last updated" line. Refusals are [`ApiError::Invalid`] values naming their fields, so the
//! forms show them exactly like the hub's own (problem documents).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use protocol::sources::{
    ConnectionView, CreateConnection, CreateSource, CreateWidget, TemplateView, TransformerView,
    UpdateWidget, WidgetView, WriteTransformer,
};

use crate::api::error::FieldError;
use crate::api::ApiError;

/// Poll frequencies: wire value and label.
pub const FREQUENCIES: [(&str, &str); 5] = [
    ("frequent", "Every 15 minutes"),
    ("hourly", "Hourly"),
    ("daily", "Daily"),
    ("weekly", "Weekly"),
    ("manual", "Manual (refresh by hand)"),
];

/// Date ranges of a widget.
pub const DATE_RANGES: [(&str, &str); 4] = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("all", "All time"),
];

/// Aggregations of a widget (per bucket).
pub const AGGREGATIONS: [(&str, &str); 4] = [
    ("none", "None (every point)"),
    ("sum", "Sum"),
    ("avg", "Average"),
    ("max", "Maximum"),
];

/// Buckets of an aggregation.
pub const BUCKETS: [(&str, &str); 3] = [("day", "Day"), ("week", "Week"), ("month", "Month")];

/// The label of a frequency (the wire value when unknown).
pub fn frequency_label(frequency: &str) -> &str {
    FREQUENCIES
        .iter()
        .find(|(v, _)| *v == frequency)
        .map_or(frequency, |(_, l)| l)
}

fn refused(fields: Vec<FieldError>) -> Result<(), ApiError> {
    if fields.is_empty() {
        return Ok(());
    }
    let detail = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ");
    Err(ApiError::Invalid {
        detail: format!("invalid input: {detail}"),
        fields,
    })
}

fn field(field: impl Into<String>, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.to_owned(),
    }
}

/// The message for a form as a whole: any failure, except a refusal whose every field is one
/// the form shows a message under (`shown`); a refusal naming a field the form does not have
/// is still said, so no refusal goes unexplained.
pub fn form_message(error: Option<&ApiError>, shown: &[String]) -> Option<String> {
    let error = error?;
    match error {
        ApiError::Invalid { fields, .. }
            if !fields.is_empty() && fields.iter().all(|f| shown.contains(&f.field)) =>
        {
            None
        }
        other => Some(crate::components::states::explain(other)),
    }
}

/// The field name of a template parameter in refusals (`parameters.OWNER`).
pub fn parameter_field(name: &str) -> String {
    format!("parameters.{name}")
}

/// What the "Add metric" form holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewMetric {
    /// Values typed per parameter name.
    pub parameters: BTreeMap<String, String>,
    /// The chosen connection, if any.
    pub connection_id: Option<i64>,
    /// A wire frequency; empty means the template's default.
    pub frequency: String,
}

/// The source to create from a filled form, or why not.
pub fn new_source(template: &TemplateView, form: &NewMetric) -> Result<CreateSource, ApiError> {
    let mut fields = Vec::new();
    let mut parameters = BTreeMap::new();
    for p in &template.parameters {
        let value = form
            .parameters
            .get(&p.name)
            .map(|v| v.trim())
            .unwrap_or_default();
        if value.is_empty() {
            fields.push(field(parameter_field(&p.name), "is required"));
        } else {
            parameters.insert(p.name.clone(), value.to_owned());
        }
    }
    if template.needs_connection && form.connection_id.is_none() {
        fields.push(field(
            "connectionId",
            "choose a connection, or create one first",
        ));
    }
    let frequency = match form.frequency.trim() {
        "" => None,
        f if FREQUENCIES.iter().any(|(v, _)| *v == f) => Some(f.to_owned()),
        _ => {
            fields.push(field("frequency", "is not a known frequency"));
            None
        }
    };
    refused(fields)?;
    Ok(CreateSource {
        template_id: template.id.clone(),
        name: None,
        parameters,
        connection_id: if template.needs_connection {
            form.connection_id
        } else {
            None
        },
        frequency,
    })
}

/// The widget that shows a new source (the hub's defaults for everything else).
pub fn new_widget(source_id: i64) -> CreateWidget {
    CreateWidget {
        source_id,
        ..CreateWidget::default()
    }
}

/// A new connection from its form, or why not (the secret is sent once, never shown again).
pub fn new_connection(
    integration: &str,
    name: &str,
    secret: &str,
) -> Result<CreateConnection, ApiError> {
    let mut fields = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        fields.push(field("name", "is required"));
    } else if name.chars().count() > 100 {
        fields.push(field("name", "must be at most 100 characters"));
    }
    if secret.trim().is_empty() {
        fields.push(field("secret", "is required"));
    }
    refused(fields)?;
    Ok(CreateConnection {
        integration: integration.to_owned(),
        name: name.to_owned(),
        secret: secret.trim().to_owned(),
    })
}

/// The user's connections of one integration.
pub fn connections_for<'a>(
    connections: &'a [ConnectionView],
    integration: &str,
) -> Vec<&'a ConnectionView> {
    connections
        .iter()
        .filter(|c| c.integration == integration)
        .collect()
}

/// A widget's settings as edited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WidgetSettings {
    pub title: String,
    pub chart_type: String,
    pub date_range: String,
    pub aggregation: String,
    pub bucket: String,
    /// Comma-separated dimension keys.
    pub dimensions: String,
}

impl WidgetSettings {
    /// The settings of a widget, to start editing from.
    pub fn of(widget: &WidgetView) -> Self {
        Self {
            title: widget.title.clone(),
            chart_type: widget.chart_type.clone(),
            date_range: widget.date_range.clone(),
            aggregation: widget.aggregation.clone(),
            bucket: widget.bucket.clone(),
            dimensions: widget.dimensions.join(", "),
        }
    }
}

/// `a, b,,c ` → `["a", "b", "c"]` (each once, in order).
pub fn parse_dimensions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in text.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        if !out.iter().any(|k| k == key) {
            out.push(key.to_owned());
        }
    }
    out
}

/// The `PATCH` of what changed (`Ok(None)`: nothing did), or why the settings are refused.
pub fn widget_change(
    widget: &WidgetView,
    edited: &WidgetSettings,
) -> Result<Option<UpdateWidget>, ApiError> {
    let title = edited.title.trim();
    if title.is_empty() {
        refused(vec![field("title", "is required")])?;
    }
    let changed = |new: &str, old: &str| (new != old).then(|| new.to_owned());
    let dimensions = parse_dimensions(&edited.dimensions);
    let change = UpdateWidget {
        title: changed(title, &widget.title),
        chart_type: changed(&edited.chart_type, &widget.chart_type),
        date_range: changed(&edited.date_range, &widget.date_range),
        aggregation: changed(&edited.aggregation, &widget.aggregation),
        bucket: changed(&edited.bucket, &widget.bucket),
        dimensions: (dimensions != widget.dimensions).then_some(dimensions),
        ..UpdateWidget::default()
    };
    Ok((change != UpdateWidget::default()).then_some(change))
}

/// A transformer to preview or save, or why not.
pub fn transformer_request(
    source_id: i64,
    endpoint: &str,
    program: &str,
) -> Result<WriteTransformer, ApiError> {
    if program.trim().is_empty() {
        refused(vec![field("program", "write a jq program first")])?;
    }
    Ok(WriteTransformer {
        source_id,
        endpoint: Some(endpoint.to_owned()),
        program: program.to_owned(),
    })
}

/// The transformer in use for `endpoint`: the newest active one (else the newest at all,
/// e.g. one marked failed, which the editor then offers to replace).
pub fn current_transformer<'a>(
    transformers: &'a [TransformerView],
    endpoint: &str,
) -> Option<&'a TransformerView> {
    let of_endpoint = || transformers.iter().filter(|t| t.endpoint == endpoint);
    of_endpoint()
        .filter(|t| t.status == "active")
        .max_by_key(|t| t.version)
        .or_else(|| of_endpoint().max_by_key(|t| t.version))
}

/// Whether a user may write the transformer: the template has none that works, or it is the
/// source's own (the generic JSON template). The hub decides in the end.
pub fn may_write(current: Option<&TransformerView>) -> bool {
    current.is_none_or(|t| t.status != "active" || t.source_id.is_some())
}

/// `1 point`, `12 points`.
pub fn points_text(n: usize) -> String {
    if n == 1 {
        "1 point".to_owned()
    } else {
        format!("{n} points")
    }
}

/// "Updated 3 min ago", or that it was never fetched.
pub fn updated_text(last_fetched_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match last_fetched_at {
        Some(at) => format!(
            "Updated {}",
            crate::format::age((now - at).num_seconds().max(0))
        ),
        None => "Not fetched yet".to_owned(),
    }
}

#[cfg(test)]
mod tests;
