//! The alert history: every alert of your budgets, newest first (one per budget, period and
//! threshold reached), with what the budget covers, the threshold, the spend and limit at the
//! time, and when; fetched again every 10 s. Live alerts also show as toasts on every page
//! (`components::toasts`).

use std::collections::BTreeMap;

use protocol::budgets::AlertView;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::budgets::{scope_label, when};
use crate::components::{Empty, ErrorBox, Loading, Nav};
use crate::format;
use crate::hooks::{use_api, use_require_session, use_tick};
use crate::route::Route;
use crate::session::Session;

/// The alerts page (guard).
#[component]
pub fn AlertsPage() -> Html {
    match use_require_session() {
        Some(session) => html! { <Alerts {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn Alerts(props: &PageProps) -> Html {
    // New alerts arrive while the page is open (they also show as toasts): fetched every 10 s.
    let refresh = use_tick(10_000);
    let alerts = use_api((props.session.clone(), refresh), |(s, _)| async move {
        s.api().budget_alerts().await
    });
    let assistants = use_api(props.session.clone(), |s| async move {
        s.api().assistants(s.user_id).await
    });
    let names: BTreeMap<i64, String> = assistants
        .state
        .data
        .iter()
        .flat_map(|l| l.iter().map(|a| (a.id, a.name.clone())))
        .collect();
    let content = match (&alerts.state.data, &alerts.state.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="The alert history is unavailable" error={error.clone()} retry={alerts.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading alerts…" /> },
        (Some(list), _) if list.is_empty() => html! {
            <Empty title="No alerts yet">
                <p>{ "When a budget's spend reaches one of its thresholds, the alert is listed here (once per budget, period and threshold)." }</p>
                <Link<Route> to={Route::Budgets} classes="button button-primary">{ "Manage budgets" }</Link<Route>>
            </Empty>
        },
        (Some(list), _) => html! { <AlertTable alerts={list.to_vec()} {names} /> },
    };
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Alerts" }</h1>
                    <Link<Route> to={Route::Budgets} classes="button button-quiet">{ "Budgets" }</Link<Route>>
                </div>
                { content }
            </main>
        </>
    }
}

/// The alerts and the assistant names to show them with.
#[derive(Properties, PartialEq)]
struct TableProps {
    alerts: Vec<AlertView>,
    names: BTreeMap<i64, String>,
}

#[component]
fn AlertTable(props: &TableProps) -> Html {
    html! {
        <table class="table" data-testid="alerts">
            <thead><tr>
                <th>{ "When" }</th><th>{ "Budget" }</th><th>{ "Threshold" }</th>
                <th>{ "Spent" }</th><th>{ "Limit" }</th><th>{ "Period" }</th>
            </tr></thead>
            <tbody>
                { for props.alerts.iter().map(|a| html! {
                    <tr key={a.id} data-testid="alert" data-budget-id={a.budget_id.to_string()} data-threshold={a.threshold.to_string()}>
                        <td>{ when(a.triggered_at) }</td>
                        <td>{ format!("#{} {}", a.budget_id, scope_label(a.assistant_id, a.domain.as_deref(), &props.names)) }</td>
                        <td>{ format!("{}%", a.threshold) }</td>
                        <td>{ format::usd(a.spent) }</td>
                        <td>{ format::usd(a.limit) }</td>
                        <td>{ format!("{} from {}", a.period, a.period_start) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
