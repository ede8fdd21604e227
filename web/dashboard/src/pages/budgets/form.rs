//! The "new budget" form of the budgets page: what it applies to (all assistants or one),
//! daily or monthly, the limit, the thresholds and an optional domain, then `POST /budgets`.
//! What the hub refuses is shown under the field it names.

use std::collections::BTreeMap;

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::ApiError;
use crate::budgets::{field_messages, new_budget, DEFAULT_THRESHOLDS};
use crate::hooks::{form_error, text_field, use_text_input};
use crate::session::Session;

/// Who creates, for which assistants, and what to do once created.
#[derive(Properties, PartialEq)]
pub struct NewBudgetFormProps {
    pub session: Session,
    /// The user's assistants by id (the choices of "Applies to").
    pub names: BTreeMap<i64, String>,
    /// A budget was created (the page reloads the list).
    pub on_created: Callback<()>,
    /// The user's webhooks' URLs by id (where the budget's alerts may be POSTed).
    pub webhooks: BTreeMap<i64, String>,
}

/// The webhook choice of the form (webhooks are added on `/alerts`).
fn webhook_choice(webhook: &UseStateHandle<String>, webhooks: &BTreeMap<i64, String>) -> Html {
    html! {
        <div class="field">
            <label for="budget-webhook">{ "Webhook" }</label>
            <select id="budget-webhook" onchange={on_select(webhook)}>
                <option value="" selected={webhook.is_empty()}>{ "No webhook" }</option>
                { for webhooks.iter().map(|(id, url)| html! {
                    <option value={id.to_string()} selected={**webhook == id.to_string()}>{ url.clone() }</option>
                }) }
            </select>
            <p class="hint">{ "Its alerts are POSTed there, signed (add webhooks on Alerts)" }</p>
        </div>
    }
}

/// A `<select>`'s value kept in state.
fn on_select(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
    })
}

/// The two choices of the form: what the budget applies to, and its period.
fn scope_and_period(
    scope: &UseStateHandle<String>,
    period: &UseStateHandle<String>,
    names: &BTreeMap<i64, String>,
    scope_error: Option<String>,
) -> Html {
    html! {
        <div class="field-row">
            <div class="field">
                <label for="budget-scope">{ "Applies to" }</label>
                <select id="budget-scope" onchange={on_select(scope)}>
                    <option value="" selected={scope.is_empty()}>{ "All assistants" }</option>
                    { for names.iter().map(|(id, name)| html! {
                        <option value={id.to_string()} selected={**scope == id.to_string()}>{ name.clone() }</option>
                    }) }
                </select>
                if let Some(m) = scope_error { <p class="field-error" role="alert">{ m }</p> }
            </div>
            <div class="field">
                <label for="budget-period">{ "Period" }</label>
                <select id="budget-period" onchange={on_select(period)}>
                    <option value="monthly" selected={**period == "monthly"}>{ "Monthly (calendar month, UTC)" }</option>
                    <option value="daily" selected={**period == "daily"}>{ "Daily (UTC day)" }</option>
                </select>
            </div>
        </div>
    }
}

/// The create form; its fields keep what was typed until the budget exists.
#[component]
pub fn NewBudgetForm(props: &NewBudgetFormProps) -> Html {
    let scope = use_state(String::new);
    let period = use_state(|| "monthly".to_owned());
    let limit = use_text_input(String::new);
    let thresholds = use_text_input(|| DEFAULT_THRESHOLDS.to_owned());
    let domain = use_text_input(String::new);
    let webhook = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (scope, period, error, busy, webhook) = (
            scope.clone(),
            period.clone(),
            error.clone(),
            busy.clone(),
            webhook.clone(),
        );
        let (limit, thresholds, domain) = (limit.clone(), thresholds.clone(), domain.clone());
        let (session, on_created) = (props.session.clone(), props.on_created.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let body = new_budget(
                &scope,
                &period,
                &limit.value(),
                &thresholds.value(),
                &domain.value(),
            );
            let body = match body {
                Ok(body) => protocol::budgets::CreateBudget {
                    webhook_id: webhook.parse().ok(),
                    ..body
                },
                Err(refused) => return error.set(Some(refused)),
            };
            busy.set(true);
            error.set(None);
            let (error, busy, session, on_created, limit) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                on_created.clone(),
                limit.clone(),
            );
            spawn_local(async move {
                match session.api().create_budget(&body).await {
                    Ok(_) => {
                        limit.clear();
                        on_created.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card budget-form" {onsubmit} novalidate=true aria-label="New budget">
            <h2>{ "New budget" }</h2>
            { scope_and_period(&scope, &period, &props.names, field_messages(err.as_ref(), "assistantId")) }
            <div class="field-row">
                { text_field("budget-limit".into(), "Limit (US$)", &limit, field_messages(err.as_ref(), "limit"), "") }
                { text_field("budget-thresholds".into(), "Thresholds (%)", &thresholds, field_messages(err.as_ref(), "thresholds"), "Each raises one alert per period") }
                { text_field("budget-domain".into(), "Domain (optional)", &domain, field_messages(err.as_ref(), "domain"), "Count only calls sent with this domain") }
            </div>
            { webhook_choice(&webhook, &props.webhooks) }
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled={*busy}>{ if *busy { "Creating…" } else { "Create budget" } }</button>
            </div>
        </form>
    }
}
