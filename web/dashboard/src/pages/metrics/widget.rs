//! One widget of the Metrics grid: its chart (`GET /widgets/{id}/chart`, fetched again after
//! each live poll of its source and after a refresh), drawn as a line, bar, area or pie chart
//! or as a KPI tile; when the source was last fetched and why the last poll failed; a refresh
//! button (`POST /sources/{id}/refresh`, prominent for manual sources); and the panels of its
//! settings and its source's transformer.

use std::rc::Rc;

use chrono::Utc;
use protocol::sources::{ChartView, SourceView, TemplateView, WidgetView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::settings::WidgetSettingsForm;
use super::transformer::TransformerPanel;
use crate::api::ApiError;
use crate::charts::ChartSpec;
use crate::components::states::explain;
use crate::components::{EChart, ErrorBox};
use crate::hooks::{use_api, use_refresh_on, use_tick};
use crate::live::SourceLive;
use crate::metrics::chart::{self, Kind, MetricChart};
use crate::metrics::forms::{frequency_label, updated_text};
use crate::session::Session;
use crate::theme::use_dark;

#[derive(Properties, PartialEq)]
pub struct WidgetCardProps {
    pub session: Session,
    pub widget: WidgetView,
    /// Its source (`None` while the list loads).
    pub source: Option<SourceView>,
    /// The source's template.
    pub template: Option<TemplateView>,
    /// What the live feed reported of the source's polls.
    pub polled: Option<SourceLive>,
    /// A widget or source changed or went (the page reloads its lists).
    pub on_changed: Callback<()>,
}

/// Which panel of the card is open.
#[derive(Clone, Copy, PartialEq)]
enum Panel {
    None,
    Settings,
    Transformer,
}

/// A widget's card.
#[component]
pub fn WidgetCard(props: &WidgetCardProps) -> Html {
    let refreshed = use_state(|| 0_u32);
    let updates = props.polled.as_ref().map_or(0, |p| p.updates);
    let live_refresh = use_refresh_on(updates, 1_000);
    let chart = use_api(
        (
            props.session.clone(),
            props.widget.clone(),
            live_refresh,
            *refreshed,
        ),
        |(s, w, _, _)| async move { s.api().widget_chart(w.id).await },
    );
    let panel = use_state(|| Panel::None);
    let open = |which: Panel| {
        let panel = panel.clone();
        Callback::from(move |_: MouseEvent| {
            panel.set(if *panel == which { Panel::None } else { which })
        })
    };
    let on_refreshed = {
        let (refreshed, on_changed) = (refreshed.clone(), props.on_changed.clone());
        Callback::from(move |()| {
            refreshed.set(refreshed.wrapping_add(1));
            on_changed.emit(());
        })
    };
    let view = chart.state.data.clone();
    let w = &props.widget;
    html! {
        <section class="card metric-card" data-testid="widget" data-widget-id={w.id.to_string()}
                 data-source-id={w.source_id.to_string()} aria-label={w.title.clone()}>
            <div class="card-head metric-head">
                <h2>{ view.as_ref().map_or(w.title.clone(), |v| v.title.clone()) }</h2>
                <div class="row-actions">
                    <RefreshButton session={props.session.clone()} source={props.source.clone()} source_id={w.source_id} {on_refreshed} />
                    <button class="button button-quiet" type="button" onclick={open(Panel::Settings)}
                            aria-expanded={(*panel == Panel::Settings).to_string()}>{ "Settings" }</button>
                    <button class="button button-quiet" type="button" onclick={open(Panel::Transformer)}
                            aria-expanded={(*panel == Panel::Transformer).to_string()}>{ "Transformer" }</button>
                </div>
            </div>
            <Status source={props.source.clone()} chart={view.clone()} polled={props.polled.clone()} />
            { match (&view, &chart.state.error) {
                (Some(v), _) => html! { <ChartBody view={Rc::clone(v)} /> },
                (None, Some(e)) => html! { <ErrorBox error={e.clone()} title="Could not load the chart" retry={chart.reload.clone()} /> },
                (None, None) => html! { <div class="skeleton-block skeleton-chart" role="status" aria-label="Loading the chart"></div> },
            } }
            { match *panel {
                Panel::Settings => html! {
                    <WidgetSettingsForm session={props.session.clone()} widget={w.clone()}
                                        on_saved={props.on_changed.clone()} />
                },
                Panel::Transformer => match (&props.source, &props.template) {
                    (Some(source), Some(template)) => html! {
                        <TransformerPanel session={props.session.clone()} source={source.clone()} template={template.clone()} />
                    },
                    _ => html! { <p class="muted">{ "Loading the source…" }</p> },
                },
                Panel::None => html! {},
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct StatusProps {
    source: Option<SourceView>,
    chart: Option<Rc<ChartView>>,
    polled: Option<SourceLive>,
}

/// When the source was last fetched, how often it is, and its error with the message.
#[component]
fn Status(props: &StatusProps) -> Html {
    use_tick(30_000);
    let polled = props.polled.as_ref().filter(|p| p.updates > 0);
    let fetched = [
        polled.and_then(|p| p.last_fetched_at),
        props.chart.as_ref().and_then(|c| c.last_fetched_at),
        props.source.as_ref().and_then(|s| s.last_fetched_at),
    ]
    .into_iter()
    .flatten()
    .max();
    // The newest word on the last poll: the live feed's, else the chart's, else the list's.
    let error = match (polled, &props.chart) {
        (Some(p), _) => p.last_error.clone(),
        (None, Some(c)) => c.last_error.clone(),
        (None, None) => props.source.as_ref().and_then(|s| s.last_error.clone()),
    };
    let frequency = props
        .source
        .as_ref()
        .map(|s| frequency_label(&s.frequency).to_owned());
    html! {
        <div class="metric-status">
            <p class="muted" data-testid="widget-updated">
                { updated_text(fetched, Utc::now()) }
                if let Some(f) = frequency { { format!(" · {f}") } }
            </p>
            if let Some(message) = error {
                <p class="notice notice-warn metric-error" role="alert" data-testid="widget-error">
                    <strong>{ "Last poll failed: " }</strong>{ message }
                </p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ChartBodyProps {
    view: Rc<ChartView>,
}

/// The chart itself, or the KPI tile.
#[component]
fn ChartBody(props: &ChartBodyProps) -> Html {
    let dark = use_dark();
    let metric = use_memo((props.view.clone(), dark), |(v, dark)| {
        chart::from_view(v, *dark)
    });
    let spec = use_memo(metric.clone(), |m: &Rc<MetricChart>| ChartSpec {
        dark: m.dark,
        categories: m.categories.clone(),
        description: m.description.clone(),
        ..ChartSpec::default()
    });
    let v = &props.view;
    if metric.kind == Kind::Kpi {
        let Some(kpi) = v.kpi.as_ref() else {
            return html! { <p class="muted" data-testid="widget-empty">{ "No points yet." }</p> };
        };
        let (value, change) = chart::kpi_text(kpi);
        return html! {
            <div class="kpi metric-kpi" data-testid="widget-kpi">
                <span class="metric-kpi-value">{ value }</span>
                if let Some(c) = change { <span class="kpi-change">{ format!("{c} over the range") }</span> }
            </div>
        };
    }
    if v.chart_data.is_empty() {
        return html! { <p class="muted" data-testid="widget-empty">{ "No points in this range yet." }</p> };
    }
    html! {
        <EChart id={format!("widget-chart-{}", v.widget_id)} spec={Rc::clone(&spec)} metric={Some(Rc::clone(&metric))} height="16rem" />
    }
}

#[derive(Properties, PartialEq)]
struct RefreshProps {
    session: Session,
    source: Option<SourceView>,
    source_id: i64,
    on_refreshed: Callback<()>,
}

/// Polls the source now; primary for manual sources, which have no schedule.
#[component]
fn RefreshButton(props: &RefreshProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let onclick = {
        let (busy, error, session, id, done) = (
            busy.clone(),
            error.clone(),
            props.session.clone(),
            props.source_id,
            props.on_refreshed.clone(),
        );
        Callback::from(move |_| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (busy, error, session, done) =
                (busy.clone(), error.clone(), session.clone(), done.clone());
            spawn_local(async move {
                match session.api().refresh_source(id).await {
                    Ok(_) => done.emit(()),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let manual = props
        .source
        .as_ref()
        .is_some_and(|s| s.frequency == "manual");
    let class = if manual {
        "button button-primary"
    } else {
        "button button-quiet"
    };
    html! {
        <>
            <button {class} type="button" {onclick} disabled={*busy} data-testid="widget-refresh">
                { if *busy { "Refreshing…" } else { "Refresh" } }
            </button>
            if let Some(e) = &*error { <p class="form-error" role="alert">{ explain(e) }</p> }
        </>
    }
}
