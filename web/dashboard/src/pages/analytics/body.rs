//! The analytics page under its filters: what the view is and what its filters hide, then the
//! KPI cards, the charts and the tables of the payload, or what is going on instead (loading,
//! no usage yet, a failed request).

use std::rc::Rc;

use protocol::analytics::Dashboard;
use yew::prelude::*;
use yew_router::prelude::*;

use super::drill::bucket_runs_pairs;
use super::kpis::{kpi_cards, KpiCards};
use super::notes::{correlation_hints, subtitle, warnings};
use super::query::AnalyticsQuery;
use super::specs::{analytics_specs, AnalyticsSpecs};
use super::tables::{Anomalies, LabelTable, ModelTable, StatusCodes};
use crate::charts::ChartSpec;
use crate::components::{EChart, Empty, ErrorBox, Skeleton};
use crate::hooks::Loadable;
use crate::route::{push_with_query, Route};
use crate::theme::use_dark;

#[derive(Properties, PartialEq)]
pub struct AnalyticsBodyProps {
    pub data: Loadable<Dashboard>,
    pub reload: Callback<()>,
    pub query: AnalyticsQuery,
    /// The assistant's name when the view is one assistant.
    pub assistant: Option<String>,
}

/// Everything below the filters.
#[component]
pub fn AnalyticsBody(props: &AnalyticsBodyProps) -> Html {
    let dark = use_dark();
    let specs = use_memo((props.data.data.clone(), dark), |(d, dark)| {
        d.as_ref().map(|d| analytics_specs(d, *dark))
    });
    let reload = props.reload.clone();
    let on_bucket = use_bucket_drill(props.data.data.clone(), props.query.clone());
    let (d, specs) = match (&props.data.data, &props.data.error, &*specs) {
        (None, Some(error), _) => {
            return html! { <ErrorBox title="Could not load the analytics" error={error.clone()} retry={reload} /> }
        }
        (Some(d), _, Some(specs)) => (d.clone(), specs.clone()),
        _ => return html! { <Skeleton label="Loading the analytics…" cards={17} charts={4} /> },
    };
    let against = AttrValue::from(format!(
        "Complete {} of this range against the same length just before it",
        match d.window.granularity {
            protocol::analytics::Granularity::Hour => "hours",
            _ => "days",
        }
    ));
    html! {
        <>
            <p class="subtitle" data-testid="analytics-subtitle">{ subtitle(&props.query, props.assistant.as_deref(), &d) }</p>
            { for warnings(&props.query).into_iter().map(|w| html! { <p class="notice notice-warn" data-testid="filter-warning">{ w }</p> }) }
            if let Some(error) = &props.data.error {
                <ErrorBox title="Showing earlier data: refreshing failed" error={error.clone()} retry={reload} />
            }
            <KpiCards cards={kpi_cards(&d)} {against} />
            if d.summary.runs == 0 {
                <Empty title="No usage in this view yet">
                    <p>{ "Send a first event to one of your assistants (replace the id and the key):" }</p>
                    <pre class="copyable"><code>{ "curl -X POST http://localhost:8080/api/v1/assistants/1/events \\\n  -H 'x-api-key: mh_…' -H 'content-type: application/json' \\\n  -d '{\"model\":\"gpt-4o\",\"latencyMs\":850,\"tokensIn\":1200,\"tokensOut\":300,\"cost\":0.0123}'" }</code></pre>
                </Empty>
            }
            <Charts d={d.clone()} {specs} {on_bucket} />
            <section class="card">
                <h3>{ "Models" }</h3>
                <ModelTable models={d.top_models.clone()} calls={d.summary.calls} />
            </section>
            <div class="card-grid">
                <StatusCodes codes={d.errors_by_status_code.clone()} />
                <LabelTable name="countries" title="Countries" labels={d.top_countries.clone()} />
                <LabelTable name="domains" title="Domains" labels={d.top_domains.clone()} />
                <Anomalies anomalies={d.anomalies.clone()} />
            </div>
        </>
    }
}

/// Opens `/runs` for a clicked bucket of the time charts.
#[hook]
fn use_bucket_drill(data: Option<Rc<Dashboard>>, query: AnalyticsQuery) -> Callback<usize> {
    let navigator = use_navigator();
    Callback::from(move |index: usize| {
        let pairs = data
            .as_ref()
            .and_then(|d| bucket_runs_pairs(d, &query, index));
        if let (Some(navigator), Some(pairs)) = (&navigator, pairs) {
            push_with_query(navigator, &Route::Runs, &pairs);
        }
    })
}

#[derive(Properties, PartialEq)]
struct ChartsProps {
    d: Rc<Dashboard>,
    specs: AnalyticsSpecs,
    /// A bucket of a time chart was clicked.
    on_bucket: Callback<usize>,
}

/// The chart cards, each with its caption and, where it helps, a correlation hint. A click on
/// a bucket of a time chart opens that bucket's calls; the models chart has no buckets.
#[component]
fn Charts(props: &ChartsProps) -> Html {
    let (cost_hint, latency_hint) = correlation_hints(&props.d);
    let s = &props.specs;
    let drill = Some(props.on_bucket.clone());
    let card =
        |id: &'static str, title: &'static str, spec: &Rc<ChartSpec>, hint: Option<String>| {
            let on_click = (id != "chart-models").then(|| drill.clone()).flatten();
            html! {
                <figure class="card chart-card">
                    <figcaption>{ title }</figcaption>
                    <EChart id={id} spec={spec.clone()} {on_click} />
                    if let Some(hint) = hint {
                        <p class="hint" data-testid={format!("{id}-hint")}>{ hint }</p>
                    }
                </figure>
            }
        };
    html! {
        <section class="charts">
            { card("chart-requests", "Requests: successes and errors", &s.requests, None) }
            { card("chart-cost", "Cost, and cost per call (right axis)", &s.cost, cost_hint) }
            { card("chart-latency", "Latency p50 / p95 / p99", &s.latency, latency_hint) }
            { card("chart-tokens", "Tokens in and out", &s.tokens, None) }
            { card("chart-models", "Calls by model", &s.models, None) }
        </section>
    }
}
