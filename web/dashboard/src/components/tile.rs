//! One assistant at a glance: today's calls, cost and error rate, and a two-week sparkline.
//! Used by the overview (light, links to the detail page) and the wallboard (dark, large).

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::charts::{palette, ChartSpec, SeriesKind, SeriesSpec, Unit};
use crate::components::EChart;
use crate::format;
use crate::live::Totals;
use crate::route::Route;

/// What a tile shows.
#[derive(Clone, Debug, PartialEq)]
pub struct TileData {
    pub id: i64,
    pub name: String,
    pub model_type: String,
    pub today: Totals,
    /// The last 24 hours, when the live feed has them.
    pub last24h: Option<Totals>,
    /// (day, calls) for the sparkline, oldest first.
    pub sparkline: Vec<(chrono::NaiveDate, f64)>,
    /// Bumped on each live delta, so the tile can flash.
    pub updates: u64,
    /// The feed reported a problem with this assistant.
    pub live_error: Option<String>,
    /// A budget covering the assistant is spent for its current period (from the live feed).
    pub over_budget: bool,
}

#[derive(Properties, PartialEq)]
pub struct TileProps {
    pub data: TileData,
    /// Wallboard style: dark, large numbers, no link.
    #[prop_or_default]
    pub wall: bool,
}

/// The sparkline spec of a tile.
pub fn sparkline_spec(data: &TileData, dark: bool) -> ChartSpec {
    ChartSpec {
        unit: Unit::Calls,
        categories: data.sparkline.iter().map(|(d, _)| d.to_string()).collect(),
        series: vec![SeriesSpec {
            name: "Calls".to_owned(),
            kind: SeriesKind::Area,
            values: data.sparkline.iter().map(|(_, v)| Some(*v)).collect(),
            color: palette::SPARK,
            dashed: false,
            stack: None,
            secondary: false,
        }],
        dark,
        y_name: None,
        secondary: None,
        marks: Vec::new(),
        labels: false,
        compact: true,
        description: format!(
            "Calls per day of {} over the last {} days",
            data.name,
            data.sparkline.len()
        ),
    }
}

/// An assistant tile.
#[component]
pub fn AssistantTile(props: &TileProps) -> Html {
    let d = &props.data;
    let spec = use_memo((d.sparkline.clone(), d.name.clone(), props.wall), {
        let d = d.clone();
        move |(_, _, wall)| sparkline_spec(&d, *wall)
    });
    let id = d.id;
    let flash = if d.updates > 0 && d.updates % 2 == 0 {
        "flash-a"
    } else if d.updates > 0 {
        "flash-b"
    } else {
        ""
    };
    let calls_text = if props.wall {
        format::compact(d.today.calls as f64)
    } else {
        format::count(d.today.calls)
    };
    let body = html! {
        <>
            <div class="tile-head">
                <h3 class="tile-name">{ d.name.clone() }</h3>
                <span class="tile-model">{ d.model_type.clone() }</span>
                if d.over_budget {
                    <span class="tile-budget" role="status" title="A budget covering this assistant is spent for its current period"
                          data-testid={format!("over-budget-{id}")}>{ "Over budget" }</span>
                }
            </div>
            <div class="tile-main">
                <span class="tile-calls" data-testid={format!("calls-{id}")}>{ calls_text }</span>
                <span class="tile-unit">{ "calls today" }</span>
            </div>
            <dl class="tile-stats">
                <div><dt>{ "Cost" }</dt><dd data-testid={format!("cost-{id}")}>{ format::usd(d.today.cost) }</dd></div>
                <div><dt>{ "Errors" }</dt>
                    <dd data-testid={format!("errors-{id}")} class={format!("rate-{}", format::error_level(d.today.errors, d.today.calls))}
                        data-level={format::error_level(d.today.errors, d.today.calls)}>
                        { format::error_rate_text(d.today.errors, d.today.calls) }
                    </dd>
                </div>
                if let Some(day) = d.last24h {
                    <div><dt>{ "Last 24 h" }</dt><dd data-testid={format!("calls24h-{id}")}>{ format::compact(day.calls as f64) }</dd></div>
                    if props.wall {
                        <div><dt>{ "24 h cost" }</dt><dd data-testid={format!("cost24h-{id}")}>{ format::usd(day.cost) }</dd></div>
                        <div><dt>{ "24 h errors" }</dt>
                            <dd data-testid={format!("errors24h-{id}")} class={format!("rate-{}", format::error_level(day.errors, day.calls))}>
                                { format::error_rate_text(day.errors, day.calls) }
                            </dd>
                        </div>
                    }
                }
            </dl>
            <EChart id={format!("spark-{id}")} spec={Rc::clone(&spec)}
                    height={if props.wall { "5.5rem" } else { "3.5rem" }} />
            if let Some(error) = &d.live_error {
                <p class="tile-error" role="alert">{ format!("Live updates unavailable: {error}") }</p>
            }
        </>
    };
    let class = classes!("tile", props.wall.then_some("tile-wall"), flash);
    if props.wall {
        html! { <article class={class} data-testid={format!("tile-{id}")}>{ body }</article> }
    } else {
        html! {
            <article class={class} data-testid={format!("tile-{id}")}>
                <Link<Route> to={Route::Assistant { id }} classes="tile-link">
                    { body }
                </Link<Route>>
            </article>
        }
    }
}
