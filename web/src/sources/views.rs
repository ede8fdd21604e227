//! Stored rows as wire types (`protocol::sources`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use persistence::postgres::models::{Connection, Role, Source, Transformer, Widget};
use protocol::sources::{ConnectionView, SourceView, TransformerView, WidgetView};

use crate::auth::AuthUser;

/// A connection, without its secret.
pub fn connection(c: Connection, sources: i64) -> ConnectionView {
    ConnectionView {
        id: c.id,
        integration: c.integration,
        name: c.name,
        secret_hint: c.secret_hint,
        sources,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// A source's parameters as stored (a JSON object of strings).
pub fn parameters(value: &serde_json::Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// A source with its point count and newest point's time.
pub fn source(s: Source, stats: Option<(i64, Option<DateTime<Utc>>)>) -> SourceView {
    let (points, latest_at) = stats.unwrap_or((0, None));
    SourceView {
        id: s.id,
        template_id: s.template_id,
        name: s.name,
        parameters: parameters(&s.parameters),
        connection_id: s.connection_id,
        frequency: s.frequency,
        is_time_series: s.is_time_series,
        next_poll_at: s.next_poll_at,
        last_fetched_at: s.last_fetched_at,
        last_error: s.last_error,
        consecutive_failures: i64::from(s.consecutive_failures),
        points,
        latest_at,
        created_at: s.created_at,
    }
}

/// A widget.
pub fn widget(w: Widget) -> WidgetView {
    WidgetView {
        id: w.id,
        source_id: w.source_id,
        title: w.title,
        chart_type: w.chart_type,
        date_range: w.date_range,
        aggregation: w.aggregation,
        bucket: w.bucket,
        dimensions: serde_json::from_value(w.dimensions).unwrap_or_default(),
        position: i64::from(w.position),
        created_at: w.created_at,
        updated_at: w.updated_at,
    }
}

/// A transformer, as `user` may see it: the examples of a transformer shared by every user of
/// its template were fetched with someone's credentials (a private repository, a PostHog
/// project), so only administrators see those; a source's own transformer shows its examples.
pub fn transformer(t: Transformer, user: &AuthUser) -> TransformerView {
    let examples = t.source_id.is_some() || user.role == Role::Admin;
    TransformerView {
        id: t.id,
        template_id: t.template_id,
        endpoint: t.endpoint,
        source_id: t.source_id,
        version: i64::from(t.version),
        program: t.program,
        origin: t.origin,
        status: t.status,
        failure_count: i64::from(t.failure_count),
        input_example: t.input_example.filter(|_| examples),
        output_example: t.output_example.filter(|_| examples),
        created_at: t.created_at,
    }
}
