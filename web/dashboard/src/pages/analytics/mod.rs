//! `/analytics`: every analytic the hub computes for all of a user's assistants or one, under
//! the filters in the URL (range, assistant, status, model): KPI cards with their change, the
//! requests, cost, latency and token charts with anomalies shaded, the model comparison,
//! countries, domains and status codes. A click on a bucket of a time chart opens its calls on
//! `/runs` ([`drill`]); Export downloads the calls of the view. It reads `GET /dashboard` and refetches it (throttled)
//! when a live delta arrives, since deltas carry totals but not percentiles or breakdowns.
//!
//! The page loads and composes; [`query`] is the URL, [`kpis`], [`specs`], [`tables`] and
//! [`notes`] turn the payload into what is shown.

mod body;
mod domains;
mod drill;
pub(crate) mod kpis;
mod notes;
pub(crate) mod query;
pub(crate) mod specs;
mod tables;
#[cfg(test)]
mod testing;

use chrono::Utc;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::Assistant;
use crate::components::{AssistantSelect, ExportButton, FilterBar, LiveIndicator, Loading, Nav};
use crate::filters::Filters;
use crate::hooks::{use_api, use_live, use_refresh_on, use_require_session};
use crate::pages::runs::query::{runs_params, RunsFilters};
use crate::route::{push_with_query, Route};
use crate::session::Session;
use body::AnalyticsBody;
use domains::{use_known_domains, DomainSelect};
pub use query::AnalyticsQuery;

/// What the page's controls do; each puts the new view in the URL.
struct ViewChanges {
    filters: Callback<Filters>,
    assistant: Callback<Option<i64>>,
    domain: Callback<Option<String>>,
}

#[hook]
fn use_view_changes(q: &AnalyticsQuery) -> ViewChanges {
    let navigator = use_navigator();
    let go = Callback::from(move |q: AnalyticsQuery| {
        if let Some(navigator) = &navigator {
            push_with_query(navigator, &Route::Analytics, &q.to_pairs());
        }
    });
    ViewChanges {
        filters: {
            let (go, q) = (go.clone(), q.clone());
            Callback::from(move |filters| {
                go.emit(AnalyticsQuery {
                    filters,
                    ..q.clone()
                })
            })
        },
        assistant: {
            let (go, q) = (go.clone(), q.clone());
            Callback::from(move |assistant| {
                go.emit(AnalyticsQuery {
                    assistant,
                    ..q.clone()
                })
            })
        },
        domain: {
            let q = q.clone();
            Callback::from(move |domain| {
                go.emit(AnalyticsQuery {
                    domain,
                    ..q.clone()
                })
            })
        },
    }
}

/// Refetch at most this often while live deltas arrive.
const LIVE_REFRESH_MS: u32 = 2_000;

/// The analytics page (guard).
#[component]
pub fn Analytics() -> Html {
    match use_require_session() {
        Some(session) => html! { <AnalyticsPage {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn AnalyticsPage(props: &PageProps) -> Html {
    let query_str = use_location()
        .map(|l| l.query_str().to_owned())
        .unwrap_or_default();
    let q = AnalyticsQuery::parse(&query_str);
    let today = Utc::now().date_naive();

    let assistants = use_api(props.session.clone(), |session| async move {
        session.api().assistants(session.user_id).await
    });
    let models = use_api(
        (props.session.clone(), q.assistant),
        |(session, a)| async move { session.api().models(a).await },
    );
    let ids: Vec<i64> = match q.assistant {
        Some(a) => vec![a],
        None => assistants
            .state
            .data
            .as_ref()
            .map(|list| list.iter().map(|a| a.id).collect())
            .unwrap_or_default(),
    };
    let live = use_live(ids);
    let refresh = use_refresh_on(live.last_update, LIVE_REFRESH_MS);
    let dashboard = use_api(
        (props.session.clone(), q.clone(), refresh),
        |(session, q, _)| async move { session.api().dashboard(&q.dashboard_params()).await },
    );

    let on = use_view_changes(&q);
    let list: Vec<Assistant> = assistants
        .state
        .data
        .as_deref()
        .cloned()
        .unwrap_or_default();
    let name = q
        .assistant
        .and_then(|id| list.iter().find(|a| a.id == id))
        .map(|a| a.name.clone());
    let model_names = models
        .state
        .data
        .as_ref()
        .map(|m| m.iter().map(|m| m.model.clone()).collect::<Vec<_>>());
    let domains = use_known_domains(dashboard.state.data.clone(), q.domain.clone());
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Analytics" }</h1>
                    <LiveIndicator connection={live.connection.clone()} last_update={live.last_update} />
                </div>
                <div class="filters-row">
                    <AssistantSelect assistants={list} current={q.assistant} on_change={on.assistant} />
                    <FilterBar filters={q.filters.clone()} {today} on_change={on.filters} models={model_names} />
                    <DomainSelect domains={domains} current={q.domain.clone()} on_change={on.domain} />
                    <ExportButton session={props.session.clone()} params={runs_params(&q, &RunsFilters::default(), today)} />
                </div>
                <AnalyticsBody data={dashboard.state.clone()} reload={dashboard.reload.clone()}
                               query={q.clone()} assistant={name} />
            </main>
        </>
    }
}
