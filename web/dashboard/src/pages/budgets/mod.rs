//! Budgets: spending limits for all of your assistants or one of them, per UTC day or month,
//! optionally over one domain, each with its warning thresholds. The page lists every budget
//! with where it stands this period (spend, a bar of % used with the thresholds marked, the
//! projection; fetched again every 10 s) and lets you create, edit and delete them.
//!
//! The page loads the budgets and the assistants (for names and the "applies to" choice) and
//! composes the [`form`] (create) and the [`list`] (each row with its [`bar`] and its [`edit`]
//! form); it keeps the last failed action of the list.

mod bar;
mod edit;
mod form;
mod list;

use std::collections::BTreeMap;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ApiError;
use crate::components::states::explain;
use crate::components::{Loading, Nav};
use crate::hooks::{use_api, use_require_session, use_tick};
use crate::route::Route;
use crate::session::Session;
use form::NewBudgetForm;
use list::BudgetList;

/// The budgets page (guard).
#[component]
pub fn BudgetsPage() -> Html {
    match use_require_session() {
        Some(session) => html! { <Budgets {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn Budgets(props: &PageProps) -> Html {
    // Spend moves while the page is open: fetched again every 10 s.
    let refresh = use_tick(10_000);
    let budgets = use_api((props.session.clone(), refresh), |(s, _)| async move {
        s.api().budgets().await
    });
    let assistants = use_api(props.session.clone(), |s| async move {
        s.api().assistants(s.user_id).await
    });
    let hooks = use_api(props.session.clone(), |s| async move {
        s.api().webhooks().await
    });
    let webhooks: BTreeMap<i64, String> = hooks
        .state
        .data
        .iter()
        .flat_map(|l| l.iter().map(|w| (w.id, w.url.clone())))
        .collect();
    let action_error = use_state(|| None::<ApiError>);
    let list = assistants.state.data.clone();
    let names: BTreeMap<i64, String> = list
        .iter()
        .flat_map(|l| l.iter().map(|a| (a.id, a.name.clone())))
        .collect();
    let on_error = {
        let action_error = action_error.clone();
        Callback::from(move |e: Option<ApiError>| action_error.set(e))
    };
    html! {
        <>
            <Nav />
            <main class="page page-narrow">
                <div class="page-head">
                    <h1>{ "Budgets" }</h1>
                    <Link<Route> to={Route::Alerts} classes="button button-quiet">{ "Alert history" }</Link<Route>>
                </div>
                <p class="muted">{ "Spend is counted in US dollars per UTC day or calendar month, from the usage your assistants send." }</p>
                <NewBudgetForm session={props.session.clone()} names={names.clone()} on_created={budgets.reload.clone()} {webhooks} />
                if let Some(error) = (*action_error).clone() {
                    <p class="form-error" role="alert">{ explain(&error) }</p>
                }
                <BudgetList session={props.session.clone()} budgets={budgets.state.clone()} {names}
                            reload={budgets.reload.clone()} {on_error} />
            </main>
        </>
    }
}
