//! `/costs`: where the money goes. A live ticker (cost today, hourly rate, projection, from the
//! WebSocket), spend so far today and this month with their projections, the cost trend by
//! hour (last 24 h) and by day (the chosen range), cost by model and by domain, the live
//! sessions with the range's session averages, and the price table in force. All assistants or one (`?assistant=`), the daily range in `?range=`.

mod breakdown;
mod session_history;
mod spend;
pub(crate) mod ticker;

use chrono::Utc;
use protocol::analytics::Dashboard;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::Assistant;
use crate::components::{
    AssistantSelect, EChart, ErrorBox, LiveIndicator, Loading, Nav, SessionsPanel, Skeleton,
};
use crate::filters::{Filters, RangeChoice};
use crate::hooks::{use_api, use_live, use_refresh_on, use_require_session, ApiHandle, Loadable};
use crate::pages::analytics::query::AnalyticsQuery;
use crate::pages::analytics::specs::{analytics_specs, model_name};
use crate::pages::prices::PriceTable;
use crate::route::{push_with_query, Route};
use crate::session::Session;
use crate::theme::use_dark;
use breakdown::{CostRow, CostTable};
use session_history::SessionAverages;
use spend::SpendCards;
use ticker::{ticker, CostTicker};

/// Refetch the REST figures at most this often while live deltas arrive.
const LIVE_REFRESH_MS: u32 = 5_000;

/// The costs page (guard).
#[component]
pub fn Costs() -> Html {
    match use_require_session() {
        Some(session) => html! { <CostsPage {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

/// The view in the URL: the daily range and the assistant (costs count every call, so the
/// status and model filters do not apply).
fn view(query: &str) -> AnalyticsQuery {
    let parsed = AnalyticsQuery::parse(query);
    AnalyticsQuery {
        filters: Filters {
            range: parsed.filters.range,
            ..Filters::default()
        },
        assistant: parsed.assistant,
        domain: None,
        session: None,
    }
}

/// `/dashboard` of the view, and of the last 24 hours for the hourly trend, again when
/// `refresh` changes.
#[hook]
fn use_cost_data(
    session: Session,
    q: AnalyticsQuery,
    refresh: u32,
) -> (ApiHandle<Dashboard>, ApiHandle<Dashboard>) {
    let hourly_q = AnalyticsQuery {
        filters: Filters {
            range: RangeChoice::Day,
            ..Filters::default()
        },
        assistant: q.assistant,
        domain: None,
        session: None,
    };
    let fetch = |(session, q, _): (Session, AnalyticsQuery, u32)| async move {
        session.api().dashboard(&q.dashboard_params()).await
    };
    let daily = use_api((session.clone(), q, refresh), fetch);
    let hourly = use_api((session, hourly_q, refresh), fetch);
    (daily, hourly)
}

/// The assistant choice and the range chips: each puts the new view in the URL.
#[hook]
fn use_view_changes(q: &AnalyticsQuery) -> (Callback<Option<i64>>, Callback<RangeChoice>) {
    let navigator = use_navigator();
    let go = Callback::from(move |next: AnalyticsQuery| {
        if let Some(navigator) = &navigator {
            push_with_query(navigator, &Route::Costs, &next.to_pairs());
        }
    });
    let on_assistant = {
        let (go, q) = (go.clone(), q.clone());
        Callback::from(move |assistant| {
            go.emit(AnalyticsQuery {
                assistant,
                ..q.clone()
            })
        })
    };
    let on_range = {
        let (go, q) = (go, q.clone());
        Callback::from(move |range| {
            go.emit(AnalyticsQuery {
                filters: Filters {
                    range,
                    ..Filters::default()
                },
                ..q.clone()
            })
        })
    };
    (on_assistant, on_range)
}

#[component]
fn CostsPage(props: &PageProps) -> Html {
    let query_str = use_location()
        .map(|l| l.query_str().to_owned())
        .unwrap_or_default();
    let q = view(&query_str);
    let assistants = use_api(props.session.clone(), |session| async move {
        session.api().assistants(session.user_id).await
    });
    let list: Vec<Assistant> = assistants
        .state
        .data
        .as_deref()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<i64> = match q.assistant {
        Some(a) => vec![a],
        None => list.iter().map(|a| a.id).collect(),
    };
    let live = use_live(ids.clone());
    let refresh = use_refresh_on(live.last_update, LIVE_REFRESH_MS);
    let (daily, hourly) = use_cost_data(props.session.clone(), q.clone(), refresh);
    let prices = use_api(props.session.clone(), |session| async move {
        session.api().prices().await
    });
    let (on_assistant, on_range) = use_view_changes(&q);
    let names: std::collections::BTreeMap<i64, String> =
        list.iter().map(|a| (a.id, a.name.clone())).collect();
    let live_count = live.active_sessions_of(&ids);
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Costs" }</h1>
                    <LiveIndicator connection={live.connection.clone()} last_update={live.last_update} />
                </div>
                <div class="filters-row">
                    <AssistantSelect assistants={list} current={q.assistant} on_change={on_assistant} />
                    <RangePresets range={q.filters.range} on_change={on_range} />
                </div>
                <CostTicker ticker={ticker(&live, &ids, Utc::now())} connection={live.connection.clone()} />
                <div class="card-grid">
                    <SessionsPanel session={props.session.clone()} assistant={q.assistant} names={names}
                                   updates={live.session_updates} live_count={live_count} />
                    <SessionAverages session={props.session.clone()} assistant={q.assistant}
                                     range={q.filters.range} refresh={refresh} />
                </div>
                <CostsBody daily={daily.state.clone()} hourly={hourly.state.clone()} reload={daily.reload.clone()} />
                if let Some(prices) = prices.state.data.as_ref() {
                    <PriceTable prices={(**prices).clone()} />
                }
            </main>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RangePresetsProps {
    range: RangeChoice,
    on_change: Callback<RangeChoice>,
}

/// The daily trend's range: 7 days, 1 month, 3 months.
#[component]
fn RangePresets(props: &RangePresetsProps) -> Html {
    let chips = [RangeChoice::Week, RangeChoice::Month, RangeChoice::Quarter].map(|r| {
        let active = props.range == r;
        let onclick = {
            let cb = props.on_change.clone();
            Callback::from(move |_| cb.emit(r))
        };
        html! {
            <button class={classes!("chip", active.then_some("chip-active"))} aria-pressed={active.to_string()}
                    data-range={r.key()} {onclick}>{ r.label() }</button>
        }
    });
    html! { <div class="filter-group" role="group" aria-label="Daily trend range">{ for chips }</div> }
}

#[derive(Properties, PartialEq)]
struct CostsBodyProps {
    daily: Loadable<Dashboard>,
    hourly: Loadable<Dashboard>,
    reload: Callback<()>,
}

/// Spend, trends and breakdowns, or the state of their requests.
#[component]
fn CostsBody(props: &CostsBodyProps) -> Html {
    let dark = use_dark();
    // Built once per answer, not on every render: the page re-renders on each live delta (the
    // ticker), and a new spec would make every chart redraw.
    let charts = use_memo(
        (props.daily.data.clone(), props.hourly.data.clone(), dark),
        |(daily, hourly, dark)| {
            daily.as_ref().zip(hourly.as_ref()).map(|(d, h)| {
                (
                    analytics_specs(d, *dark).cost,
                    analytics_specs(h, *dark).cost,
                )
            })
        },
    );
    let (Some(daily), Some((daily_chart, hourly_chart))) = (&props.daily.data, (*charts).clone())
    else {
        return match props
            .daily
            .error
            .clone()
            .or_else(|| props.hourly.error.clone())
        {
            Some(error) => {
                html! { <ErrorBox title="Could not load the costs" {error} retry={props.reload.clone()} /> }
            }
            None => html! { <Skeleton label="Loading the costs…" cards={5} charts={2} /> },
        };
    };
    let models: Vec<CostRow> = daily
        .top_models
        .iter()
        .map(|m| CostRow {
            name: model_name(&m.model),
            calls: m.calls,
            cost: m.cost,
        })
        .collect();
    let domains: Vec<CostRow> = daily
        .top_domains
        .iter()
        .map(|l| CostRow {
            name: l.label.clone(),
            calls: l.calls,
            cost: l.cost,
        })
        .collect();
    html! {
        <>
            <SpendCards projection={daily.projection} />
            <section class="charts">
                <figure class="card chart-card">
                    <figcaption>{ "Cost per hour, last 24 hours" }</figcaption>
                    <EChart id="chart-cost-hourly" spec={hourly_chart} />
                </figure>
                <figure class="card chart-card">
                    <figcaption>{ "Cost per day" }</figcaption>
                    <EChart id="chart-cost-daily" spec={daily_chart} />
                </figure>
            </section>
            <div class="card-grid">
                <CostTable name="models" title="Cost by model" rows={models} />
                <CostTable name="domains" title="Cost by domain" rows={domains} />
            </div>
        </>
    }
}
