//! The detail page's analytics of its range: the same KPI cards as `/analytics` (with their
//! change against the previous period) and the latency and cost charts, for this assistant,
//! from `GET /dashboard?assistant=`; and the rolling-window choice of the daily charts.

use protocol::analytics::Dashboard;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::{EChart, Skeleton};
use crate::hooks::Loadable;
use crate::pages::analytics::kpis::{kpi_cards, KpiCards};
use crate::pages::analytics::specs::analytics_specs;
use crate::series::ROLLING_CHOICES;
use crate::theme::use_dark;

#[derive(Properties, PartialEq)]
pub struct RangeAnalyticsProps {
    pub data: Loadable<Dashboard>,
}

/// KPI cards, latency and cost of the range (nothing while the first answer is on its way; a
/// failure is shown by the charts above, which fail the same way).
#[component]
pub fn RangeAnalytics(props: &RangeAnalyticsProps) -> Html {
    let dark = use_dark();
    let specs = use_memo((props.data.data.clone(), dark), |(d, dark)| {
        d.as_ref().map(|d| analytics_specs(d, *dark))
    });
    let (Some(d), Some(specs)) = (&props.data.data, &*specs) else {
        return match &props.data.error {
            Some(_) => Html::default(),
            None => {
                html! { <Skeleton label="Loading the range's analytics…" cards={17} charts={2} /> }
            }
        };
    };
    html! {
        <section aria-label="This range">
            <h2 class="section-title">{ "This range" }</h2>
            <KpiCards cards={kpi_cards(d)} prefix="range-kpi"
                      against="Complete days of this range against the same length just before it" />
            <section class="charts">
                <figure class="card chart-card">
                    <figcaption>{ "Latency p50 / p95 / p99" }</figcaption>
                    <EChart id="chart-latency" spec={specs.latency.clone()} />
                </figure>
                <figure class="card chart-card">
                    <figcaption>{ "Cost, and cost per call (right axis)" }</figcaption>
                    <EChart id="chart-range-cost" spec={specs.cost.clone()} />
                </figure>
            </section>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RollingSelectProps {
    pub window: u32,
    pub on_change: Callback<u32>,
}

/// The rolling-average window of the daily charts.
#[component]
pub fn RollingSelect(props: &RollingSelectProps) -> Html {
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(days) = value.parse() {
                cb.emit(days);
            }
        })
    };
    html! {
        <label class="filter-group">{ "Rolling average " }
            <select {onchange} aria-label="Rolling average" data-testid="rolling-window">
                { for ROLLING_CHOICES.iter().map(|d| html! {
                    <option value={d.to_string()} selected={*d == props.window}>{ format!("{d} days") }</option>
                }) }
            </select>
        </label>
    }
}
