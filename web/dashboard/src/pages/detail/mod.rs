//! One assistant: daily calls, daily minutes and average call cost, each with its rolling
//! average (3, 7, 14 or 30 days: `?window=`), over a date range and metric filters kept in the
//! URL; today's numbers move live. Below them, the range's analytics: the KPI cards of
//! `/analytics` and the latency and cost charts.
//!
//! The page loads the data and composes: [`head`] (title, or the page shown when the assistant
//! is unavailable), the filter bar, [`charts`] (KPIs from [`kpis`] and the charts built by
//! [`specs`]), [`range`] and [`manage`] (edit or delete the assistant).

mod charts;
mod head;
mod kpis;
mod manage;
mod range;
mod specs;

use chrono::{NaiveDate, Utc};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{FilterBar, LiveIndicator, Loading, Nav};
use crate::filters::{query_param, Filters};
use crate::hooks::{use_api, use_live, use_refresh_on, use_require_session, ApiHandle};
use crate::pages::analytics::query::AnalyticsQuery;
use crate::route::{push_with_query, Route};
use crate::series::{LiveToday, ROLLING_CHOICES, ROLLING_DAYS};
use crate::session::Session;
use charts::{ChartData, DetailCharts};
use head::{AssistantTitle, AssistantUnavailable};
use manage::ManageAssistant;
use range::{RangeAnalytics, RollingSelect};

/// Refetch the range's analytics at most this often while live deltas arrive.
const LIVE_REFRESH_MS: u32 = 5_000;

/// The view in the URL: the filters and the rolling window.
#[derive(Clone, Debug, PartialEq)]
struct View {
    filters: Filters,
    window: u32,
}

impl View {
    fn parse(query: &str) -> Self {
        let window = query_param(query, "window")
            .and_then(|w| w.parse().ok())
            .filter(|w| ROLLING_CHOICES.contains(w))
            .unwrap_or(ROLLING_DAYS);
        Self {
            filters: Filters::parse(query),
            window,
        }
    }

    fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.filters.to_pairs();
        if self.window != ROLLING_DAYS {
            pairs.push(("window", self.window.to_string()));
        }
        pairs
    }
}

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

/// Loads the daily metrics and rolling averages of the view's range (as of `today`), again
/// when `refresh` changes.
#[hook]
fn use_chart_data(
    session: Session,
    id: i64,
    view: View,
    today: NaiveDate,
    refresh: u32,
) -> ApiHandle<ChartData> {
    use_api(
        (session, id, view, today, refresh),
        |(session, id, view, today, _)| async move {
            let api = session.api();
            let (start, end) = view.filters.range.days(today);
            let params = view.filters.api_params();
            let (daily, rolling) = futures::try_join!(
                api.daily_metrics(id, start, end, &params),
                api.rolling_average(id, view.window, start, end, &params),
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

/// The dashboard payload of this assistant under the view's filters, again when `refresh`
/// changes.
#[hook]
fn use_range_dashboard(
    session: Session,
    id: i64,
    filters: Filters,
    refresh: u32,
) -> ApiHandle<protocol::analytics::Dashboard> {
    use_api(
        (session, id, filters, refresh),
        |(session, id, filters, _)| async move {
            let q = AnalyticsQuery {
                filters,
                assistant: Some(id),
                domain: None,
                session: None,
            };
            session.api().dashboard(&q.dashboard_params()).await
        },
    )
}

/// What the page's controls do: new filters, a new rolling window, or clearing the status and
/// model filters; each puts the new view in the URL.
struct ViewChanges {
    filters: Callback<Filters>,
    window: Callback<u32>,
    clear: Callback<MouseEvent>,
}

#[hook]
fn use_view_changes(id: i64, view: &View) -> ViewChanges {
    let navigator = use_navigator();
    let go = Callback::from(move |v: View| {
        if let Some(navigator) = &navigator {
            push_with_query(navigator, &Route::Assistant { id }, &v.to_pairs());
        }
    });
    let filters = {
        let (go, window) = (go.clone(), view.window);
        Callback::from(move |filters: Filters| go.emit(View { filters, window }))
    };
    let window = {
        let (go, f) = (go.clone(), view.filters.clone());
        Callback::from(move |window| {
            go.emit(View {
                filters: f.clone(),
                window,
            })
        })
    };
    let clear = {
        let (on_filters, f) = (filters.clone(), view.filters.clone());
        Callback::from(move |_| {
            on_filters.emit(Filters {
                status: None,
                model: None,
                ..f.clone()
            })
        })
    };
    ViewChanges {
        filters,
        window,
        clear,
    }
}

#[component]
fn DetailPage(props: &PageProps) -> Html {
    let id = props.id;
    let query = use_location()
        .map(|l| l.query_str().to_owned())
        .unwrap_or_default();
    let view = View::parse(&query);
    let filters = view.filters.clone();
    let today = Utc::now().date_naive();

    let assistant = use_api((props.session.clone(), id), |(session, id)| async move {
        session.api().assistant(id).await
    });
    let live = use_live(vec![id]);
    let refresh = use_refresh_on(live.last_update, LIVE_REFRESH_MS);
    // The 7-day window's today point is live; other windows refetch to stay current.
    let chart_refresh = if view.window == ROLLING_DAYS {
        0
    } else {
        refresh
    };
    let charts = use_chart_data(
        props.session.clone(),
        id,
        view.clone(),
        today,
        chart_refresh,
    );
    let range = use_range_dashboard(props.session.clone(), id, filters.clone(), refresh);
    let on = use_view_changes(id, &view);
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
                <div class="filters-row">
                    <FilterBar filters={filters.clone()} {today} on_change={on.filters} />
                    <RollingSelect window={view.window} on_change={on.window} />
                </div>
                if filters.narrows_calls() {
                    <p class="notice">{ "Filtered by status or model: live updates resume when the filters are cleared." }</p>
                }
                if let Some(error) = live.errors.get(&id) {
                    <p class="notice notice-warn" role="alert">{ format!("Live updates unavailable: {error}") }</p>
                }
                <DetailCharts charts={charts.state.clone()} reload={charts.reload.clone()} {filters}
                              {today} {live_today} on_clear_filters={on.clear} window={view.window} />
                <RangeAnalytics data={range.state.clone()} />
                <ManageAssistant session={props.session.clone()} assistant={assistant.state.clone()} reload={assistant.reload.clone()} />
            </main>
        </>
    }
}
