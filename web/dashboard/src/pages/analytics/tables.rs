//! The analytics tables: the model comparison (calls, share, cost, tokens, error rate, p95,
//! cost per call), countries and domains with inline bars, failed calls by status code, and the
//! anomalies with their reason. Each table says what to do when it is empty.

use protocol::analytics::{Anomaly, LabelUsage, ModelUsage, StatusCodeCount};
use yew::prelude::*;

use super::specs::{anomaly_reason, model_name};
use crate::format;

#[derive(Properties, PartialEq)]
pub struct ModelTableProps {
    pub models: Vec<ModelUsage>,
    /// All calls of the view (for the share).
    pub calls: i64,
}

/// One row per model, most used first.
#[component]
pub fn ModelTable(props: &ModelTableProps) -> Html {
    if props.models.is_empty() {
        return html! { <p class="muted">{ "No calls in this view, so no models to compare." }</p> };
    }
    let rows = props.models.iter().map(|m| {
        let share = (props.calls > 0).then(|| m.calls as f64 / props.calls as f64);
        let per_call = (m.calls > 0).then(|| m.cost / m.calls as f64);
        html! {
            <tr data-testid="model-row" data-model={m.model.clone()} data-calls={m.calls.to_string()}>
                <th scope="row">{ model_name(&m.model) }</th>
                <td>{ format::count(m.calls) }</td>
                <td>{ share.map_or("–".into(), format::percent) }</td>
                <td>{ format::usd(m.cost) }</td>
                <td>{ format::compact((m.tokens_in + m.tokens_out) as f64) }</td>
                <td>{ format::error_rate_text(m.errors, m.calls) }</td>
                <td>{ m.latency.p95.map_or("–".into(), |v| format!("{} ms", format::count(v))) }</td>
                <td>{ per_call.map_or("–".into(), format::usd) }</td>
            </tr>
        }
    });
    html! {
        <div class="table-wrap">
            <table class="table" data-testid="model-table">
                <thead><tr>
                    <th scope="col">{ "Model" }</th><th scope="col">{ "Calls" }</th><th scope="col">{ "Share" }</th>
                    <th scope="col">{ "Cost" }</th><th scope="col">{ "Tokens" }</th><th scope="col">{ "Error rate" }</th>
                    <th scope="col">{ "p95" }</th><th scope="col">{ "Cost / call" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LabelTableProps {
    /// `countries` or `domains` (test ids).
    pub name: AttrValue,
    pub title: AttrValue,
    pub labels: Vec<LabelUsage>,
}

/// Calls per label, with a bar relative to the largest.
#[component]
pub fn LabelTable(props: &LabelTableProps) -> Html {
    let most = props
        .labels
        .iter()
        .map(|l| l.calls)
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = props.labels.iter().map(|l| {
        let width = format!("width: {:.2}rem", 0.2 + 4.0 * l.calls as f64 / most as f64);
        html! {
            <tr data-testid={format!("{}-row", props.name)} data-label={l.label.clone()} data-calls={l.calls.to_string()}>
                <th scope="row">{ l.label.clone() }</th>
                <td class="bar-cell"><span class="bar" style={width}></span>{ format::count(l.calls) }</td>
                <td>{ format::error_rate_text(l.errors, l.calls) }</td>
                <td>{ format::usd(l.cost) }</td>
            </tr>
        }
    });
    html! {
        <section class="card" data-testid={props.name.clone()}>
            <h3>{ props.title.clone() }</h3>
            if props.labels.is_empty() {
                <p class="muted">{ "None yet: events name them in their optional country and domain fields." }</p>
            } else {
                <div class="table-wrap"><table class="table">
                    <thead><tr><th scope="col">{ props.title.clone() }</th><th scope="col">{ "Calls" }</th><th scope="col">{ "Error rate" }</th><th scope="col">{ "Cost" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table></div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusCodesProps {
    pub codes: Vec<StatusCodeCount>,
}

/// Failed calls by HTTP status code.
#[component]
pub fn StatusCodes(props: &StatusCodesProps) -> Html {
    let rows = props.codes.iter().map(|c| {
        html! {
            <li data-testid="status-code" data-code={c.status_code.clone()} data-count={c.count.to_string()}>
                <span class="badge badge-error">{ c.status_code.clone() }</span>{ format!(" {} failed calls", format::count(c.count)) }
            </li>
        }
    });
    html! {
        <section class="card" data-testid="status-codes">
            <h3>{ "Errors by status code" }</h3>
            if props.codes.is_empty() {
                <p class="muted">{ "No failed call named a status code in this range." }</p>
            } else {
                <ul class="plain-list">{ for rows }</ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AnomaliesProps {
    pub anomalies: Vec<Anomaly>,
}

/// Days more than 2σ from their trailing week, with why.
#[component]
pub fn Anomalies(props: &AnomaliesProps) -> Html {
    let rows = props.anomalies.iter().map(|a| {
        html! {
            <li data-testid="anomaly" data-day={a.day.to_string()} data-metric={a.metric.clone()}>
                <strong>{ a.day.format("%a %d %b").to_string() }</strong>{ " — " }{ anomaly_reason(a) }
            </li>
        }
    });
    html! {
        <section class="card" data-testid="anomalies">
            <h3>{ "Anomalies" }</h3>
            if props.anomalies.is_empty() {
                <p class="muted">{ "No complete day of this range is more than 2σ from the week before it (calls, errors, cost)." }</p>
            } else {
                <ul class="plain-list">{ for rows }</ul>
            }
        </section>
    }
}
