//! Editing one budget in place: its limit and thresholds (`PATCH /budgets/{id}`); what the
//! hub refuses is shown under the field it names, and nothing changes.

use protocol::budgets::BudgetView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::budgets::{budget_change, field_messages, thresholds_text};
use crate::hooks::text_field;
use crate::hooks::{form_error, use_text_input};
use crate::session::Session;

/// The budget being edited and where the outcome goes.
#[derive(Properties, PartialEq)]
pub struct EditProps {
    pub session: Session,
    pub budget: BudgetView,
    /// Saved: the list reloads.
    pub on_saved: Callback<()>,
    pub on_cancel: Callback<MouseEvent>,
}

/// Limit and thresholds, prefilled, with Save and Cancel.
#[component]
pub fn EditBudget(props: &EditProps) -> Html {
    let limit = use_text_input(|| props.budget.limit.to_string());
    let thresholds = use_text_input(|| thresholds_text(&props.budget.thresholds));
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (limit, thresholds, error, busy) = (
            limit.clone(),
            thresholds.clone(),
            error.clone(),
            busy.clone(),
        );
        let (session, id, on_saved) = (
            props.session.clone(),
            props.budget.id,
            props.on_saved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let change = match budget_change(&limit.value(), &thresholds.value()) {
                Ok(change) => change,
                Err(refused) => return error.set(Some(refused)),
            };
            busy.set(true);
            error.set(None);
            let (error, busy, session, on_saved) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                on_saved.clone(),
            );
            spawn_local(async move {
                match session.api().update_budget(id, &change).await {
                    Ok(_) => on_saved.emit(()),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form class="budget-edit" {onsubmit} novalidate=true aria-label="Edit budget">
            <div class="field-row">
                { text_field(format!("edit-limit-{}", props.budget.id), "New limit (US$)", &limit, field_messages(err.as_ref(), "limit"), "") }
                { text_field(format!("edit-thresholds-{}", props.budget.id), "New thresholds (%)", &thresholds, field_messages(err.as_ref(), "thresholds"), "") }
            </div>
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled={*busy}>{ if *busy { "Saving…" } else { "Save" } }</button>
                <button class="button button-quiet" type="button" onclick={props.on_cancel.clone()}>{ "Cancel" }</button>
            </div>
        </form>
    }
}
