//! One assistant: daily calls, daily minutes and average call cost, each with its rolling
//! 7-day average, over a date range and metric filters kept in the URL; today's numbers move
//! live.

use std::rc::Rc;

use chrono::{NaiveDate, Utc};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::{DailyMetricsRange, RollingAverage};
use crate::api::ApiError;
use crate::charts::{palette, ChartSpec, SeriesKind, SeriesSpec, Unit};
use crate::components::{EChart, Empty, ErrorBox, FilterBar, LiveIndicator, Loading, Nav};
use crate::filters::Filters;
use crate::format;
use crate::hooks::{use_api, use_live, use_require_session};
use crate::route::Route;
use crate::series::{self, DetailSeries, LiveToday, ROLLING_DAYS};
use crate::session::Session;

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

/// The REST data of the charts.
#[derive(Debug, PartialEq)]
struct ChartData {
    start: NaiveDate,
    end: NaiveDate,
    daily: DailyMetricsRange,
    rolling: RollingAverage,
}

/// The three chart specs of a series.
fn chart_specs(s: &DetailSeries) -> [Rc<ChartSpec>; 3] {
    let categories: Vec<String> = s.days.iter().map(ToString::to_string).collect();
    let rolling_name = format!("{ROLLING_DAYS}-day average");
    let make = |unit, description: String, daily: SeriesSpec, rolling: Vec<Option<f64>>| {
        Rc::new(ChartSpec {
            unit,
            categories: categories.clone(),
            series: vec![
                daily,
                SeriesSpec {
                    name: rolling_name.clone(),
                    kind: SeriesKind::Line,
                    values: rolling,
                    color: palette::ROLLING,
                    dashed: true,
                },
            ],
            dark: false,
            compact: false,
            description,
        })
    };
    let some = |v: &[f64]| v.iter().copied().map(Some).collect::<Vec<_>>();
    [
        make(
            Unit::Calls,
            "Calls per day, with the rolling 7-day average".to_owned(),
            SeriesSpec {
                name: "Calls".to_owned(),
                kind: SeriesKind::Bar,
                values: some(&s.calls),
                color: palette::CALLS,
                dashed: false,
            },
            s.rolling_calls.clone(),
        ),
        make(
            Unit::Minutes,
            "Total call minutes per day, with the rolling 7-day average".to_owned(),
            SeriesSpec {
                name: "Minutes".to_owned(),
                kind: SeriesKind::Bar,
                values: some(&s.minutes),
                color: palette::MINUTES,
                dashed: false,
            },
            s.rolling_minutes.clone(),
        ),
        make(
            Unit::Usd,
            "Average cost of a call per day, with the rolling 7-day average".to_owned(),
            SeriesSpec {
                name: "Average call cost".to_owned(),
                kind: SeriesKind::Line,
                values: s.avg_call_cost.clone(),
                color: palette::COST,
                dashed: false,
            },
            s.rolling_avg_call_cost.clone(),
        ),
    ]
}

/// A refused request with metric filters most likely means the hub cannot filter that way.
fn chart_error_title(filters: &Filters, error: &ApiError) -> AttrValue {
    if filters.narrows_calls() && matches!(error, ApiError::Invalid { .. }) {
        AttrValue::Static("This hub cannot filter by status or model yet")
    } else {
        AttrValue::Static("Could not load the charts")
    }
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
    let charts = use_api(
        (props.session.clone(), id, filters.clone(), today),
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
    );
    let live = use_live(vec![id]);

    let on_filters = {
        let navigator = navigator.clone();
        Callback::from(move |f: Filters| {
            if let Some(navigator) = &navigator {
                let pairs = f.to_pairs();
                let route = Route::Assistant { id };
                if pairs.is_empty() || navigator.push_with_query(&route, &pairs).is_err() {
                    navigator.push(&route);
                }
            }
        })
    };
    let clear_filters = {
        let on_filters = on_filters.clone();
        let f = filters.clone();
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
    let series = charts.state.data.as_ref().map(|d| {
        series::detail(
            d.start,
            d.end,
            &d.daily.metrics,
            &d.rolling.points,
            live_today,
        )
    });
    let specs = use_memo(series.clone(), |s| s.as_ref().map(chart_specs));

    let title = match (&assistant.state.data, &assistant.state.error) {
        (Some(a), _) => html! {
            <>
                <h1 data-testid="assistant-name">{ a.name.clone() }</h1>
                <span class="badge">{ a.model_type.clone() }</span>
            </>
        },
        (None, Some(_)) => html! { <h1>{ format!("Assistant {id}") }</h1> },
        (None, None) => html! { <h1 class="muted">{ "Loading…" }</h1> },
    };

    if let (None, Some(error)) = (&assistant.state.data, &assistant.state.error) {
        return html! {
            <>
                <Nav />
                <main class="page">
                    <ErrorBox title="This assistant could not be loaded" error={error.clone()} retry={assistant.reload.clone()} />
                    <Link<Route> to={Route::Overview} classes="button">{ "Back to your assistants" }</Link<Route>>
                </main>
            </>
        };
    }

    let kpis = series.as_ref().map(|s| {
        let n = s.days.len().max(1) as f64;
        let calls: f64 = s.calls.iter().sum();
        let errors: f64 = s.errors.iter().sum();
        let minutes: f64 = s.minutes.iter().sum();
        let cost: f64 = s.cost.iter().sum();
        let today_calls = s.days.last().filter(|d| **d == today).and(s.calls.last().copied());
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
    });

    let body = match (&charts.state.data, &charts.state.error, &*specs) {
        (None, Some(error), _) => html! {
            <>
                <ErrorBox title={chart_error_title(&filters, error)} error={error.clone()} retry={charts.reload.clone()} />
                if filters.narrows_calls() {
                    <button class="button" onclick={clear_filters.clone()}>{ "Clear the status and model filters" }</button>
                }
            </>
        },
        (Some(_), _, Some([calls, minutes, cost])) => {
            let empty = series
                .as_ref()
                .is_some_and(|s| s.calls.iter().all(|c| *c == 0.0));
            html! {
                <>
                    if let Some(error) = &charts.state.error {
                        <ErrorBox title="Showing earlier data: refreshing failed" error={error.clone()} retry={charts.reload.clone()} />
                    }
                    { kpis.unwrap_or_default() }
                    if empty {
                        <Empty title="No usage in this range yet">
                            <p>{ "Send usage to this assistant (REST or WebSocket ingestion, or an ingestion key); the charts fill in live." }</p>
                        </Empty>
                    }
                    <section class="charts">
                        <figure class="card chart-card">
                            <figcaption>{ "Daily calls" }</figcaption>
                            <EChart id="chart-calls" spec={calls.clone()} />
                        </figure>
                        <figure class="card chart-card">
                            <figcaption>{ "Daily total minutes" }</figcaption>
                            <EChart id="chart-minutes" spec={minutes.clone()} />
                        </figure>
                        <figure class="card chart-card">
                            <figcaption>{ "Average call cost" }</figcaption>
                            <EChart id="chart-cost" spec={cost.clone()} />
                        </figure>
                    </section>
                </>
            }
        }
        _ => html! { <Loading label="Loading the charts…" /> },
    };

    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    { title }
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
                { body }
            </main>
        </>
    }
}
