//! `/runs`: the calls themselves under the analytics filters in the URL (range, assistant,
//! status, model, domain) and the page's own ([`filters`]: country, minimum latency and cost,
//! the order, a chart bucket), a keyset page at a time ("Load more"), with an Export button for
//! exactly that view. Newest first, new calls come in live: at the top of the page the list
//! refreshes itself; scrolled down, a "N new" pill offers to. In another order new calls would
//! land anywhere, so the page says it does not follow them. A click on a call opens it in full
//! ([`detail`]).

mod detail;
mod filters;
pub mod query;
mod table;

use std::collections::BTreeMap;

use chrono::Utc;
use gloo_events::EventListener;
use protocol::runs::{RunView, RunsPage};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::Assistant;
use crate::components::{
    AssistantSelect, Empty, ErrorBox, ExportButton, FilterBar, LiveIndicator, Loading, Nav,
};
use crate::filters::Filters;
use crate::hooks::{use_api, use_live, use_refresh_on, use_require_session, ApiHandle};
use crate::pages::analytics::query::AnalyticsQuery;
use crate::route::{push_with_query, Route};
use crate::session::Session;
use detail::RunDetail;
use filters::{BucketNotice, RunsFilterBar, SortNotice};
use query::{new_calls, runs_params, RunsFilters, Sort};
use table::RunsTable;

/// Refresh the list at most this often while new calls arrive (at the top of the page).
const LIVE_REFRESH_MS: u32 = 2_000;
/// Scrolled further than this, the list stays put and the pill offers the new calls.
const TOP_PX: f64 = 200.0;

/// The runs page (guard).
#[component]
pub fn Runs() -> Html {
    match use_require_session() {
        Some(session) => html! { <RunsList {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

/// Whether the window is scrolled to (near) the top, kept up to date.
#[hook]
fn use_at_top() -> bool {
    let at_top = use_state(|| true);
    {
        let at_top = at_top.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "scroll", move |_| {
                    let y = web_sys::window()
                        .and_then(|w| w.scroll_y().ok())
                        .unwrap_or(0.0);
                    at_top.set(y < TOP_PX);
                })
            });
            move || drop(listener)
        });
    }
    *at_top
}

/// The pages loaded after the first one ("Load more"), and the cursor of the next.
#[derive(Clone, Debug, Default, PartialEq)]
struct More {
    runs: Vec<RunView>,
    /// `None`: take the first page's cursor.
    cursor: Option<Option<String>>,
    loading: bool,
}

#[component]
fn RunsList(props: &PageProps) -> Html {
    let query_str = use_location()
        .map(|l| l.query_str().to_owned())
        .unwrap_or_default();
    let q = AnalyticsQuery::parse(&query_str);
    let extra = RunsFilters::parse(&query_str);
    let newest = extra.sort == Sort::Newest;
    let today = Utc::now().date_naive();
    let assistants = use_api(props.session.clone(), |session| async move {
        session.api().assistants(session.user_id).await
    });
    let models = use_api(
        (props.session.clone(), q.assistant),
        |(session, a)| async move { session.api().models(a).await },
    );
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
    let today_calls: i64 = ids
        .iter()
        .filter_map(|id| live.stats(*id))
        .map(|s| s.today.calls)
        .sum();
    let list_state = use_live_list(
        props.session.clone(),
        (q.clone(), extra.clone()),
        live.last_update.filter(|_| newest),
        (!live.assistants.is_empty() && newest).then_some(today_calls),
    );
    let names: BTreeMap<i64, String> = list.iter().map(|a| (a.id, a.name.clone())).collect();
    let on = use_view_changes(&q, &extra);
    let params = runs_params(&q, &extra, today);
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Runs" }</h1>
                    <LiveIndicator connection={live.connection.clone()} last_update={live.last_update} />
                </div>
                <div class="filters-row">
                    <AssistantSelect assistants={list} current={q.assistant} on_change={on.assistant} />
                    <FilterBar filters={q.filters.clone()} {today} on_change={on.filters}
                               models={models.state.data.as_ref().map(|m| m.iter().map(|m| m.model.clone()).collect::<Vec<_>>())} />
                    <RunsFilterBar filters={extra.clone()} on_change={on.extra.clone()} />
                    <ExportButton session={props.session.clone()} params={params.clone()} />
                </div>
                <BucketNotice filters={extra.clone()} on_change={on.extra} />
                <SortNotice sort={extra.sort} />
                if let Some(id) = &q.session {
                    <p class="notice" data-testid="session-filter">
                        { format!("The calls of session {id}. ") }
                        <Link<Route> to={Route::Runs}>{ "Show all calls" }</Link<Route>>
                    </p>
                }
                if let Some(n) = list_state.pending {
                    <button class="pill" data-testid="new-runs" onclick={list_state.show_new}>{ format!("{n} new — show") }</button>
                }
                <RunsBody session={props.session.clone()} {params} first={list_state.first}
                          more={list_state.more} {names} />
            </main>
        </>
    }
}

/// The list as it follows the live feed: its first page, the pages loaded after it, and the
/// calls that arrived since (offered by the pill when the user has scrolled away).
struct LiveList {
    first: ApiHandle<RunsPage>,
    more: UseStateHandle<More>,
    pending: Option<i64>,
    show_new: Callback<MouseEvent>,
}

/// `today_calls`: the live feed's calls today over the view's assistants (`None` until it has
/// them); `last_update` moves with each delta.
#[hook]
fn use_live_list(
    session: Session,
    q: (AnalyticsQuery, RunsFilters),
    last_update: Option<chrono::DateTime<Utc>>,
    today_calls: Option<i64>,
) -> LiveList {
    let at_top = use_at_top();
    let refresh = use_refresh_on(last_update.filter(|_| at_top), LIVE_REFRESH_MS);
    let manual = use_state(|| 0_u32);
    let first = use_first_page(session, q, refresh.wrapping_add(*manual));
    let more = use_state(More::default);
    let baseline = use_state(|| None::<i64>);
    {
        // A new first page: the loaded pages start again and the new calls count from here.
        let (more, baseline) = (more.clone(), baseline.clone());
        use_effect_with(first.state.data.clone(), move |data| {
            if data.is_some() {
                more.set(More::default());
                baseline.set(today_calls);
            }
        });
    }
    {
        // The feed's first numbers arrive after the first page: they are the baseline.
        let baseline = baseline.clone();
        use_effect_with(today_calls.is_some(), move |known| {
            if *known && baseline.is_none() {
                baseline.set(today_calls);
            }
        });
    }
    let pending = new_calls(*baseline, today_calls.unwrap_or(0)).filter(|n| *n > 0 && !at_top);
    let show_new = Callback::from(move |_: MouseEvent| {
        manual.set(manual.wrapping_add(1));
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    LiveList {
        first,
        more,
        pending,
        show_new,
    }
}

/// What the page's controls do; each puts the new view in the URL.
struct ViewChanges {
    filters: Callback<Filters>,
    assistant: Callback<Option<i64>>,
    extra: Callback<RunsFilters>,
}

#[hook]
fn use_view_changes(q: &AnalyticsQuery, extra: &RunsFilters) -> ViewChanges {
    let navigator = use_navigator();
    let go = Callback::from(move |(q, extra): (AnalyticsQuery, RunsFilters)| {
        if let Some(navigator) = &navigator {
            let mut pairs = q.to_pairs();
            pairs.extend(extra.to_pairs());
            push_with_query(navigator, &Route::Runs, &pairs);
        }
    });
    ViewChanges {
        filters: {
            let (go, q, extra) = (go.clone(), q.clone(), extra.clone());
            Callback::from(move |filters| {
                go.emit((
                    AnalyticsQuery {
                        filters,
                        ..q.clone()
                    },
                    extra.clone(),
                ))
            })
        },
        assistant: {
            let (go, q, extra) = (go.clone(), q.clone(), extra.clone());
            Callback::from(move |assistant| {
                go.emit((
                    AnalyticsQuery {
                        assistant,
                        ..q.clone()
                    },
                    extra.clone(),
                ))
            })
        },
        extra: {
            let q = q.clone();
            Callback::from(move |extra| go.emit((q.clone(), extra)))
        },
    }
}

/// The first page of the view, again when `refresh` changes.
#[hook]
fn use_first_page(
    session: Session,
    q: (AnalyticsQuery, RunsFilters),
    refresh: u32,
) -> ApiHandle<RunsPage> {
    use_api(
        (session, q, refresh),
        |(session, (q, extra), _)| async move {
            let params = runs_params(&q, &extra, Utc::now().date_naive());
            session.api().runs(&params, None).await
        },
    )
}

#[derive(Properties, PartialEq)]
struct RunsBodyProps {
    session: Session,
    params: Vec<(&'static str, String)>,
    first: ApiHandle<RunsPage>,
    more: UseStateHandle<More>,
    names: BTreeMap<i64, String>,
}

/// The table, "Load more", the open call, or what is going on instead.
#[component]
fn RunsBody(props: &RunsBodyProps) -> Html {
    let open = use_state(|| None::<RunView>);
    let Some(page) = props.first.state.data.as_ref() else {
        return match &props.first.state.error {
            Some(error) => {
                html! { <ErrorBox title="Could not load the runs" error={error.clone()} retry={props.first.reload.clone()} /> }
            }
            None => html! { <Loading label="Loading the runs…" /> },
        };
    };
    let more = (*props.more).clone();
    let mut runs = page.runs.clone();
    runs.extend(more.runs.iter().cloned());
    let cursor = more
        .cursor
        .clone()
        .unwrap_or_else(|| page.next_cursor.clone());
    let load_more = {
        let (state, session, params, cursor) = (
            props.more.clone(),
            props.session.clone(),
            props.params.clone(),
            cursor.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (state, session, params, cursor) = (
                state.clone(),
                session.clone(),
                params.clone(),
                cursor.clone(),
            );
            let mut next = (*state).clone();
            next.loading = true;
            state.set(next.clone());
            spawn_local(async move {
                if let Ok(page) = session.api().runs(&params, cursor.as_deref()).await {
                    next.runs.extend(page.runs);
                    next.cursor = Some(page.next_cursor);
                }
                next.loading = false;
                state.set(next);
            });
        })
    };
    let on_open = {
        let open = open.clone();
        Callback::from(move |run| open.set(Some(run)))
    };
    let on_close = {
        let open = open.clone();
        Callback::from(move |_| open.set(None))
    };
    if runs.is_empty() {
        return html! {
            <Empty title="No calls in this view">
                <p>{ "Widen the range or clear the filters; calls sent as events (POST /api/v1/assistants/{id}/events) are listed here as they arrive." }</p>
            </Empty>
        };
    }
    html! {
        <div class="runs-layout">
            <div>
                <RunsTable runs={runs.clone()} names={props.names.clone()} {on_open} />
                <p class="muted" data-testid="runs-count">{ format!("{} calls shown", runs.len()) }</p>
                if cursor.is_some() {
                    <button class="button" data-testid="load-more" onclick={load_more} disabled={more.loading}>
                        { if more.loading { "Loading…" } else { "Load more" } }
                    </button>
                }
            </div>
            if let Some(run) = (*open).clone() {
                <RunDetail assistant={props.names.get(&run.assistant_id).cloned().unwrap_or_default()} {run} {on_close} />
            }
        </div>
    }
}
