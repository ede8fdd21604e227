//! Spend so far and where it is heading: today and this month, the hourly run rate, and the
//! day's and month's projections, as the hub computes them (`projection` of `/dashboard`: the
//! run rate of the last 7 days plus today).

use protocol::analytics::Projection;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct SpendCardsProps {
    pub projection: Projection,
}

/// The spend cards.
#[component]
pub fn SpendCards(props: &SpendCardsProps) -> Html {
    let p = props.projection;
    let cards = [
        ("spend-today", "Spent today", p.today_cost),
        ("spend-month", "Spent this month", p.month_to_date_cost),
        (
            "spend-rate",
            "Hourly rate (7-day run rate)",
            p.daily_run_rate / 24.0,
        ),
        (
            "spend-projected-today",
            "Projected today",
            p.projected_today,
        ),
        (
            "spend-projected-month",
            "Projected this month",
            p.projected_month,
        ),
    ];
    html! {
        <dl class="kpis kpis-grid" data-testid="spend">
            { for cards.iter().map(|(id, label, value)| html! {
                <div class="kpi" data-testid={*id} data-value={value.to_string()}>
                    <dt>{ *label }</dt><dd>{ format::usd(*value) }</dd>
                </div>
            }) }
        </dl>
    }
}
