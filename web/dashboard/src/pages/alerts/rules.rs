//! The alert rules section of the `/alerts` page: the rules with their condition, window, what
//! they watch, their webhook and whether they are firing (each deletable), and the form creating
//! one (`POST /alert-rules`), the hub's refusals under the field they name.

use std::collections::BTreeMap;

use protocol::alert_rules::AlertRuleView;
use protocol::webhooks::WebhookView;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::alert_rules::{condition, new_rule};
use crate::api::ApiError;
use crate::budgets::field_messages;
use crate::components::states::explain;
use crate::hooks::text_field;
use crate::hooks::{form_error, use_text_input, Loadable};
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct RulesProps {
    pub session: Session,
    pub rules: Loadable<Vec<AlertRuleView>>,
    pub names: BTreeMap<i64, String>,
    pub webhooks: Vec<WebhookView>,
    pub reload: Callback<()>,
}

/// A `<select>` kept in state, with its options (value, label).
fn select(
    id: &'static str,
    label: &'static str,
    state: &UseStateHandle<String>,
    options: Vec<(String, String)>,
) -> Html {
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <div class="field">
            <label for={id}>{ label }</label>
            <select {id} {onchange}>
                { for options.into_iter().map(|(value, text)| {
                    let selected = **state == value;
                    html! { <option {selected} {value}>{ text }</option> }
                }) }
            </select>
        </div>
    }
}

/// The rules and the form.
#[component]
pub fn RulesSection(props: &RulesProps) -> Html {
    let error = use_state(|| None::<ApiError>);
    let list = props.rules.data.as_deref().cloned().unwrap_or_default();
    let hooks: BTreeMap<i64, String> = props
        .webhooks
        .iter()
        .map(|w| (w.id, w.url.clone()))
        .collect();
    let ondelete = |id: i64| {
        let (session, reload, error) = (props.session.clone(), props.reload.clone(), error.clone());
        Callback::from(move |_| {
            let (session, reload, error) = (session.clone(), reload.clone(), error.clone());
            spawn_local(async move {
                match session.api().delete_alert_rule(id).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <section class="card" aria-label="Alert rules">
            <h2>{ "Alert rules" }</h2>
            <p class="muted">{ "Evaluated after every batch of calls; a rule fires once when its metric goes above the threshold and resolves when it is back under." }</p>
            if let Some(e) = (*error).clone() { <p class="form-error" role="alert">{ explain(&e) }</p> }
            <ul class="rule-list" data-testid="rules">
                { for list.iter().map(|r| html! {
                    <li key={r.id} data-testid="rule" data-rule-id={r.id.to_string()} data-firing={r.firing.to_string()}>
                        <strong>{ format!("#{} {}", r.id, condition(&r.metric, r.threshold)) }</strong>
                        { format!(" over {} min, at least {} calls, {}", r.window_minutes, r.min_calls,
                                  r.assistant_id.and_then(|a| props.names.get(&a).cloned()).unwrap_or_else(|| "all assistants".into())) }
                        { format!(" — webhook: {}", r.webhook_id.and_then(|w| hooks.get(&w).cloned()).unwrap_or_else(|| "none".into())) }
                        if r.firing { <span class="badge badge-over">{ "firing" }</span> }
                        <button class="button button-quiet" type="button" onclick={ondelete(r.id)}>{ "Delete" }</button>
                    </li>
                }) }
            </ul>
            <NewRuleForm session={props.session.clone()} names={props.names.clone()} webhooks={hooks} on_created={props.reload.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    session: Session,
    names: BTreeMap<i64, String>,
    /// Webhook URLs by id.
    webhooks: BTreeMap<i64, String>,
    on_created: Callback<()>,
}

#[component]
fn NewRuleForm(props: &FormProps) -> Html {
    let (scope, metric, webhook) = (
        use_state(String::new),
        use_state(|| "error_rate".to_owned()),
        use_state(String::new),
    );
    let threshold = use_text_input(|| "5".to_owned());
    let window = use_text_input(|| "15".to_owned());
    let min_calls = use_text_input(|| "10".to_owned());
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (scope, metric, webhook, error) = (
            scope.clone(),
            metric.clone(),
            webhook.clone(),
            error.clone(),
        );
        let (threshold, window, min_calls) = (threshold.clone(), window.clone(), min_calls.clone());
        let (session, on_created) = (props.session.clone(), props.on_created.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = match new_rule(
                &scope,
                &metric,
                &threshold.value(),
                &window.value(),
                &min_calls.value(),
                &webhook,
            ) {
                Ok(body) => body,
                Err(refused) => return error.set(Some(refused)),
            };
            let (session, on_created, error) = (session.clone(), on_created.clone(), error.clone());
            spawn_local(async move {
                match session.api().create_alert_rule(&body).await {
                    Ok(_) => {
                        error.set(None);
                        on_created.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let err = (*error).clone();
    let assistants = std::iter::once((String::new(), "All assistants".to_owned()))
        .chain(
            props
                .names
                .iter()
                .map(|(id, n)| (id.to_string(), n.clone())),
        )
        .collect();
    let metrics = vec![
        ("error_rate".into(), "Error rate (%)".into()),
        ("latency_p95".into(), "p95 latency (ms)".into()),
    ];
    let hooks = std::iter::once((String::new(), "No webhook".to_owned()))
        .chain(
            props
                .webhooks
                .iter()
                .map(|(id, url)| (id.to_string(), url.clone())),
        )
        .collect();
    html! {
        <form class="rule-form" {onsubmit} novalidate=true aria-label="New alert rule">
            <h3>{ "New rule" }</h3>
            <div class="field-row">
                { select("rule-scope", "Watches", &scope, assistants) }
                { select("rule-metric", "Metric", &metric, metrics) }
                { select("rule-webhook", "Webhook", &webhook, hooks) }
            </div>
            <div class="field-row">
                { text_field("rule-threshold".into(), "Above", &threshold, field_messages(err.as_ref(), "threshold"), "Percent for error rate, ms for latency") }
                { text_field("rule-window".into(), "Window (min)", &window, field_messages(err.as_ref(), "windowMinutes"), "1 to 60") }
                { text_field("rule-min-calls".into(), "At least calls", &min_calls, field_messages(err.as_ref(), "minCalls"), "Fewer: not judged") }
            </div>
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions"><button class="button button-primary" type="submit">{ "Create rule" }</button></div>
        </form>
    }
}
