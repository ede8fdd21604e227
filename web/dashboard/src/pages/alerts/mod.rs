//! Alerts: the history of every alert (budget thresholds reached, and error-rate and latency
//! rules firing), each with the state of its webhook delivery; the alert rules (create,
//! delete); and the webhooks alerts are POSTed to (create, the secret shown once, rotate,
//! delete). Everything is fetched again every 10 s; live alerts also show as toasts on every
//! page (`components::toasts`).
//!
//! The page loads the lists and composes the [`webhooks`] and [`rules`] sections and the
//! [`history`] tables.

mod history;
mod rules;
mod webhooks;

use std::collections::BTreeMap;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Loading, Nav};
use crate::hooks::{use_api, use_require_session, use_tick};
use crate::route::Route;
use crate::session::Session;
use history::{BudgetAlerts, RuleAlerts};
use rules::RulesSection;
use webhooks::WebhooksSection;

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
    // New alerts and delivery states change while the page is open: fetched every 10 s.
    let refresh = use_tick(10_000);
    let alerts = use_api((props.session.clone(), refresh), |(s, _)| async move {
        s.api().budget_alerts().await
    });
    let firings = use_api((props.session.clone(), refresh), |(s, _)| async move {
        s.api().rule_alerts().await
    });
    let rules = use_api((props.session.clone(), refresh), |(s, _)| async move {
        s.api().alert_rules().await
    });
    let hooks = use_api(props.session.clone(), |s| async move {
        s.api().webhooks().await
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
    let webhook_list = hooks.state.data.as_deref().cloned().unwrap_or_default();
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Alerts" }</h1>
                    <Link<Route> to={Route::Budgets} classes="button button-quiet">{ "Budgets" }</Link<Route>>
                </div>
                <RuleAlerts firings={firings.state.clone()} names={names.clone()} reload={firings.reload.clone()} />
                <BudgetAlerts alerts={alerts.state.clone()} names={names.clone()} reload={alerts.reload.clone()} />
                <RulesSection session={props.session.clone()} rules={rules.state.clone()} names={names.clone()}
                              webhooks={webhook_list.clone()} reload={rules.reload.clone()} />
                <WebhooksSection session={props.session.clone()} webhooks={webhook_list} reload={hooks.reload.clone()} />
            </main>
        </>
    }
}
