//! One assistant: daily calls, daily minutes and average call cost, each with its rolling
//! 7-day average, over a date range and metric filters kept in the URL; today's numbers move
//! live.
//!
//! The page loads the data and composes: [`head`] (title, or the page shown when the assistant
//! is unavailable), the filter bar, and [`charts`] (KPIs from [`kpis`] and the charts built by
//! [`specs`]).

mod charts;
mod head;
mod kpis;
mod specs;

use chrono::{NaiveDate, Utc};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{FilterBar, LiveIndicator, Loading, Nav};
use crate::filters::Filters;
use crate::hooks::{use_api, use_live, use_require_session, ApiHandle};
use crate::route::{push_with_query, Route};
use crate::series::{LiveToday, ROLLING_DAYS};
use crate::session::Session;
use charts::{ChartData, DetailCharts};
use head::{AssistantTitle, AssistantUnavailable};

/// The assistant to show.
#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: i64,
}

/// The assistant page (guard).
#[component]
pub fn AssistantDetail(props: &DetailProps) -> Html {
    match use_require_session() {
        Some(session) => html! { <DetailPage {session} id={props.id} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
    id: i64,
}

/// Loads the daily metrics and rolling averages of the filters' range (as of `today`).
#[hook]
fn use_chart_data(
    session: Session,
    id: i64,
    filters: Filters,
    today: NaiveDate,
) -> ApiHandle<ChartData> {
    use_api(
        (session, id, filters, today),
        |(session, id, filters, today)| async move {
            let api = session.api();
            let (start, end) = filters.range.days(today);
            let params = filters.api_params();
            let (daily, rolling) = futures::try_join!(
                api.daily_metrics(id, start, end, &params),
                api.rolling_average(id, ROLLING_DAYS, start, end, &params),
            )?;
            Ok(ChartData {
                start,
                end,
                daily,
                rolling,
            })
        },
    )
}

#[component]
fn DetailPage(props: &PageProps) -> Html {
    let id = props.id;
    let navigator = use_navigator();
    let query = use_location()
        .map(|l| l.query_str().to_owned())
        .unwrap_or_default();
    let filters = Filters::parse(&query);
    let today = Utc::now().date_naive();

    let assistant = use_api((props.session.clone(), id), |(session, id)| async move {
        session.api().assistant(id).await
    });
    let charts = use_chart_data(props.session.clone(), id, filters.clone(), today);
    let live = use_live(vec![id]);

    let on_filters = Callback::from(move |f: Filters| {
        if let Some(navigator) = &navigator {
            push_with_query(navigator, &Route::Assistant { id }, &f.to_pairs());
        }
    });
    let on_clear_filters = {
        let (on_filters, f) = (on_filters.clone(), filters.clone());
        Callback::from(move |_| {
            on_filters.emit(Filters {
                status: None,
                model: None,
                ..f.clone()
            })
        })
    };
    // Live numbers apply to unfiltered views that include today.
    let live_today = (!filters.narrows_calls())
        .then(|| live.stats(id))
        .flatten()
        .map(|stats| LiveToday {
            date: today,
            stats: *stats,
        });

    if let (None, Some(error)) = (&assistant.state.data, &assistant.state.error) {
        return html! { <AssistantUnavailable error={error.clone()} retry={assistant.reload.clone()} /> };
    }
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <AssistantTitle assistant={assistant.state.clone()} {id} />
                    <LiveIndicator connection={live.connection.clone()} last_update={live.last_update} />
                    <Link<Route> to={Route::Keys { id }} classes="button">{ "Ingestion keys" }</Link<Route>>
                </div>
                <FilterBar filters={filters.clone()} {today} on_change={on_filters} />
                if filters.narrows_calls() {
                    <p class="notice">{ "Filtered by status or model: live updates resume when the filters are cleared." }</p>
                }
                if let Some(error) = live.errors.get(&id) {
                    <p class="notice notice-warn" role="alert">{ format!("Live updates unavailable: {error}") }</p>
                }
                <DetailCharts charts={charts.state.clone()} reload={charts.reload.clone()} {filters}
                              {today} {live_today} {on_clear_filters} />
            </main>
        </>
    }
}
