//! The budgets page's list: each budget with what it covers, its period, a bar of the limit
//! spent with the thresholds marked, spend, % used and projection, and buttons to edit it
//! (inline, see [`super::edit`]) or delete it (after a confirmation); or the state of the list,
//! with what a budget does when there is none.

use std::collections::BTreeMap;

use protocol::budgets::BudgetView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::bar::BudgetBar;
use super::edit::EditBudget;
use crate::api::ApiError;
use crate::budgets::{percent_text, percents_text, period_text, scope_label};
use crate::components::{Empty, ErrorBox, Loading};
use crate::format;
use crate::hooks::Loadable;
use crate::session::Session;

/// Whether the user confirms deleting the budget described by `label`.
fn confirm_delete(label: &str) -> bool {
    web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(&format!(
                "Delete the budget for {label}? Its alert history goes with it."
            ))
            .ok()
        })
        .unwrap_or(false)
}

/// The budgets' request and what to do after a change.
#[derive(Properties, PartialEq)]
pub struct BudgetListProps {
    pub session: Session,
    pub budgets: Loadable<Vec<BudgetView>>,
    /// Assistant names by id.
    pub names: BTreeMap<i64, String>,
    /// Loads the list again (after a change, or to retry).
    pub reload: Callback<()>,
    /// An action failed (`Some`), or one started (`None`, clearing the last failure).
    pub on_error: Callback<Option<ApiError>>,
}

/// The list, or loading / empty / error.
#[component]
pub fn BudgetList(props: &BudgetListProps) -> Html {
    match (&props.budgets.data, &props.budgets.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="Budgets are unavailable" error={error.clone()} retry={props.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading budgets…" /> },
        (Some(list), _) if list.is_empty() => html! {
            <Empty title="No budgets yet">
                <p>{ "A budget is a spending limit in US dollars, for all your assistants or one of them, per UTC day or calendar month. \
                      Each of its thresholds (50%, 80% and 100% of the limit unless you choose others) raises one alert per period: \
                      a notice on whatever page you have open, and a line in the alert history. Create one above." }</p>
            </Empty>
        },
        (Some(list), _) => html! {
            <section class="budgets" aria-label="Your budgets">
                { for list.iter().map(|b| html! {
                    <BudgetRow key={b.id} budget={b.clone()} session={props.session.clone()} names={props.names.clone()}
                               reload={props.reload.clone()} on_error={props.on_error.clone()} />
                }) }
            </section>
        },
    }
}

/// One budget.
#[derive(Properties, PartialEq)]
struct RowProps {
    budget: BudgetView,
    session: Session,
    names: BTreeMap<i64, String>,
    reload: Callback<()>,
    on_error: Callback<Option<ApiError>>,
}

#[component]
fn BudgetRow(props: &RowProps) -> Html {
    let editing = use_state(|| false);
    let b = &props.budget;
    let label = scope_label(b.assistant_id, b.domain.as_deref(), &props.names);
    let delete = {
        let (id, label) = (b.id, label.clone());
        let (session, reload, on_error) = (
            props.session.clone(),
            props.reload.clone(),
            props.on_error.clone(),
        );
        Callback::from(move |_| {
            if !confirm_delete(&label) {
                return;
            }
            on_error.emit(None);
            let (session, reload, on_error) = (session.clone(), reload.clone(), on_error.clone());
            spawn_local(async move {
                match session.api().delete_budget(id).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => on_error.emit(Some(e)),
                }
            });
        })
    };
    let toggle = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(!*editing))
    };
    let saved = {
        let (editing, reload) = (editing.clone(), props.reload.clone());
        Callback::from(move |()| {
            editing.set(false);
            reload.emit(());
        })
    };
    html! {
        <article class="card budget" data-testid="budget" data-budget-id={b.id.to_string()}>
            <div class="budget-head">
                <h3 class="budget-scope">{ label }</h3>
                <span class="badge">{ b.period.clone() }</span>
                <span class="budget-period muted" data-testid="budget-period">{ period_text(b.period_start, b.period_end) }</span>
            </div>
            <BudgetBar percent={b.percent_used} thresholds={b.thresholds.clone()} crossed={b.crossed.clone()} />
            <dl class="budget-figures">
                <div><dt>{ "Spent" }</dt><dd data-testid="budget-spent">{ format!("{} of {}", format::usd(b.spent), format::usd(b.limit)) }</dd></div>
                <div><dt>{ "Used" }</dt><dd data-testid="budget-percent">{ percent_text(b.percent_used) }</dd></div>
                <div><dt>{ "Projected" }</dt><dd data-testid="budget-projected">{ format::usd(b.projected) }</dd></div>
                <div><dt>{ "Thresholds" }</dt><dd data-testid="budget-thresholds">{ percents_text(&b.thresholds) }</dd></div>
                if let Some(id) = b.webhook_id {
                    <div><dt>{ "Webhook" }</dt><dd data-testid="budget-webhook">{ format!("#{id} (see Alerts)") }</dd></div>
                }
            </dl>
            if *editing {
                <EditBudget session={props.session.clone()} budget={b.clone()} on_saved={saved} on_cancel={toggle.clone()} />
            } else {
                <div class="form-actions">
                    <button class="button" type="button" onclick={toggle}>{ "Edit" }</button>
                    <button class="button button-danger" type="button" onclick={delete}>{ "Delete" }</button>
                </div>
            }
        </article>
    }
}
