//! The key numbers above the detail page's charts: calls today and in the range, calls per
//! day, minutes, cost, average call cost and error rate.

use chrono::NaiveDate;
use yew::prelude::*;

use crate::format;
use crate::series::DetailSeries;

/// The series of the range, and today (for "Calls today").
#[derive(Properties, PartialEq)]
pub struct KpisProps {
    pub series: DetailSeries,
    pub today: NaiveDate,
}

/// The KPI strip of a series.
#[component]
pub fn Kpis(props: &KpisProps) -> Html {
    let s = &props.series;
    let n = s.days.len().max(1) as f64;
    let calls: f64 = s.calls.iter().sum();
    let errors: f64 = s.errors.iter().sum();
    let minutes: f64 = s.minutes.iter().sum();
    let cost: f64 = s.cost.iter().sum();
    let today_calls = s
        .days
        .last()
        .filter(|d| **d == props.today)
        .and(s.calls.last().copied());
    html! {
        <dl class="kpis" data-testid="kpis">
            if let Some(t) = today_calls {
                <div class="kpi"><dt>{ "Calls today" }</dt><dd data-testid="kpi-today-calls">{ format::count(t as u64) }</dd></div>
            }
            <div class="kpi"><dt>{ "Calls in range" }</dt><dd data-testid="kpi-calls">{ format::count(calls as u64) }</dd></div>
            <div class="kpi"><dt>{ "Calls per day" }</dt><dd>{ format!("{:.1}", calls / n) }</dd></div>
            <div class="kpi"><dt>{ "Minutes" }</dt><dd data-testid="kpi-minutes">{ format::minutes(minutes) }</dd></div>
            <div class="kpi"><dt>{ "Cost" }</dt><dd data-testid="kpi-cost">{ format::usd(cost) }</dd></div>
            <div class="kpi"><dt>{ "Avg call cost" }</dt><dd>{ if calls > 0.0 { format::usd(cost / calls) } else { "–".to_owned() } }</dd></div>
            <div class="kpi"><dt>{ "Error rate" }</dt><dd>{ format::error_rate_text(errors as u64, calls as u64) }</dd></div>
        </dl>
    }
}
