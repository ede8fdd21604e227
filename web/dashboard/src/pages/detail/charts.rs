//! The detail page's body under the filter bar: the REST data of the charts merged with
//! today's live numbers, shown as KPIs and three charts, or as what is going on instead
//! (loading, empty range, a failed or refused request).

use std::rc::Rc;

use chrono::NaiveDate;
use yew::prelude::*;

use super::kpis::Kpis;
use super::specs::chart_specs;
use crate::api::types::{DailyMetricsRange, RollingAverage};
use crate::api::ApiError;
use crate::charts::ChartSpec;
use crate::components::{EChart, Empty, ErrorBox, Loading};
use crate::filters::Filters;
use crate::hooks::Loadable;
use crate::series::{self, LiveToday};
use crate::theme::use_dark;

/// The REST data of the charts.
#[derive(Debug, PartialEq)]
pub struct ChartData {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub daily: DailyMetricsRange,
    pub rolling: RollingAverage,
}

/// A refused request with metric filters most likely means the hub cannot filter that way.
fn chart_error_title(filters: &Filters, error: &ApiError) -> AttrValue {
    if filters.narrows_calls() && matches!(error, ApiError::Invalid { .. }) {
        AttrValue::Static("This hub cannot filter by status or model yet")
    } else {
        AttrValue::Static("Could not load the charts")
    }
}

/// The charts' request and what the page knows about the view.
#[derive(Properties, PartialEq)]
pub struct DetailChartsProps {
    pub charts: Loadable<ChartData>,
    pub reload: Callback<()>,
    pub filters: Filters,
    pub today: NaiveDate,
    /// Today's live numbers, when they apply to this view.
    pub live_today: Option<LiveToday>,
    pub on_clear_filters: Callback<MouseEvent>,
    /// The rolling window, in days.
    pub window: u32,
}

/// KPIs and charts of the range, or the state of their request.
#[component]
pub fn DetailCharts(props: &DetailChartsProps) -> Html {
    let series = props.charts.data.as_ref().map(|d| {
        series::detail(
            d.start,
            d.end,
            &d.daily.metrics,
            &d.rolling.points,
            props.live_today,
            props.window,
        )
    });
    let dark = use_dark();
    let specs = use_memo((series.clone(), dark), |(s, dark)| {
        s.as_ref().map(|s| chart_specs(s, *dark))
    });
    let reload = props.reload.clone();
    match (&props.charts.data, &props.charts.error, &*specs, series) {
        (None, Some(error), _, _) => html! {
            <>
                <ErrorBox title={chart_error_title(&props.filters, error)} error={error.clone()} retry={reload} />
                if props.filters.narrows_calls() {
                    <button class="button" onclick={props.on_clear_filters.clone()}>{ "Clear the status and model filters" }</button>
                }
            </>
        },
        (Some(_), _, Some(specs), Some(series)) => {
            let empty = series.calls.iter().all(|c| *c == 0.0);
            html! {
                <>
                    if let Some(error) = &props.charts.error {
                        <ErrorBox title="Showing earlier data: refreshing failed" error={error.clone()} retry={reload} />
                    }
                    <Kpis {series} today={props.today} />
                    if empty {
                        <Empty title="No usage in this range yet">
                            <p>{ "Send usage to this assistant (REST or WebSocket ingestion, or an ingestion key); the charts fill in live." }</p>
                        </Empty>
                    }
                    <ChartCards specs={specs.clone()} />
                </>
            }
        }
        _ => html! { <Loading label="Loading the charts…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct ChartCardsProps {
    /// Calls, minutes and cost.
    specs: [Rc<ChartSpec>; 3],
}

/// The three chart cards.
#[component]
fn ChartCards(props: &ChartCardsProps) -> Html {
    let [calls, minutes, cost] = props.specs.clone();
    html! {
        <section class="charts">
            <figure class="card chart-card">
                <figcaption>{ "Daily calls" }</figcaption>
                <EChart id="chart-calls" spec={calls} />
            </figure>
            <figure class="card chart-card">
                <figcaption>{ "Daily total minutes" }</figcaption>
                <EChart id="chart-minutes" spec={minutes} />
            </figure>
            <figure class="card chart-card">
                <figcaption>{ "Average call cost" }</figcaption>
                <EChart id="chart-cost" spec={cost} />
            </figure>
        </section>
    }
}
