//! The alert history tables of the `/alerts` page: rule firings (condition, value, window,
//! resolved or firing) and budget alerts (threshold, spend, limit, period), newest first, each
//! with its webhook delivery's state.

use std::collections::BTreeMap;

use protocol::alert_rules::RuleAlertView;
use protocol::budgets::AlertView;
use protocol::webhooks::DeliveryView;
use yew::prelude::*;

use crate::alert_rules::{condition, delivery_text, value_text};
use crate::budgets::{scope_label, when};
use crate::components::{Empty, ErrorBox, Loading};
use crate::format;
use crate::hooks::Loadable;

/// A delivery's cell: its state in words, or a dash without a webhook.
fn delivery_cell(delivery: Option<&DeliveryView>) -> Html {
    match delivery {
        Some(d) => html! {
            <td data-testid="delivery" data-state={d.state.clone()} class={classes!("delivery", format!("delivery-{}", d.state))}>
                { delivery_text(d) }
            </td>
        },
        None => html! { <td class="muted">{ "no webhook" }</td> },
    }
}

/// The states of a list: loading, failed, empty (with `empty`), or the table.
fn list_state<T>(
    state: &Loadable<Vec<T>>,
    what: &'static str,
    empty: &'static str,
    reload: &Callback<()>,
) -> Option<Html> {
    match (&state.data, &state.error) {
        (None, Some(error)) => Some(html! {
            <ErrorBox title={format!("The {what} are unavailable")} error={error.clone()} retry={reload.clone()} />
        }),
        (None, None) => Some(html! { <Loading label={format!("Loading {what}…")} /> }),
        (Some(list), _) if list.is_empty() => Some(html! {
            <Empty title={format!("No {what} yet")}><p>{ empty }</p></Empty>
        }),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct RuleAlertsProps {
    pub firings: Loadable<Vec<RuleAlertView>>,
    pub names: BTreeMap<i64, String>,
    pub reload: Callback<()>,
}

/// The firings of your alert rules.
#[component]
pub fn RuleAlerts(props: &RuleAlertsProps) -> Html {
    let empty = "When an alert rule's error rate or latency goes above its threshold, the firing is listed here.";
    let body = list_state(&props.firings, "rule alerts", empty, &props.reload).unwrap_or_else(|| {
        let list = props.firings.data.as_deref().cloned().unwrap_or_default();
        html! {
            <table class="table" data-testid="rule-alerts">
                <thead><tr>
                    <th>{ "When" }</th><th>{ "Rule" }</th><th>{ "Value" }</th><th>{ "Window" }</th>
                    <th>{ "State" }</th><th>{ "Webhook" }</th>
                </tr></thead>
                <tbody>
                    { for list.iter().map(|a| html! {
                        <tr key={a.id} data-testid="rule-alert" data-rule-id={a.rule_id.to_string()}>
                            <td>{ when(a.triggered_at) }</td>
                            <td>{ format!("#{} {} ({})", a.rule_id, condition(&a.metric, a.threshold),
                                          props.names.get(&a.assistant_id).cloned().unwrap_or_else(|| format!("assistant {}", a.assistant_id))) }</td>
                            <td>{ format!("{} of {} calls", value_text(&a.metric, a.value), a.calls) }</td>
                            <td>{ format!("{} min from {}", a.window_minutes, when(a.window_start)) }</td>
                            <td>{ match a.resolved_at { Some(at) => format!("resolved {}", when(at)), None => "firing".to_owned() } }</td>
                            { delivery_cell(a.delivery.as_ref()) }
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    });
    html! { <section class="card"><h2>{ "Rule alerts" }</h2>{ body }</section> }
}

#[derive(Properties, PartialEq)]
pub struct BudgetAlertsProps {
    pub alerts: Loadable<Vec<AlertView>>,
    pub names: BTreeMap<i64, String>,
    pub reload: Callback<()>,
}

/// The alerts of your budgets: one per budget, period and threshold reached.
#[component]
pub fn BudgetAlerts(props: &BudgetAlertsProps) -> Html {
    let empty = "When a budget's spend reaches one of its thresholds, the alert is listed here (once per budget, period and threshold).";
    let body = list_state(&props.alerts, "alerts", empty, &props.reload).unwrap_or_else(|| {
        let list = props.alerts.data.as_deref().cloned().unwrap_or_default();
        html! {
            <table class="table" data-testid="alerts">
                <thead><tr>
                    <th>{ "When" }</th><th>{ "Budget" }</th><th>{ "Threshold" }</th>
                    <th>{ "Spent" }</th><th>{ "Limit" }</th><th>{ "Period" }</th><th>{ "Webhook" }</th>
                </tr></thead>
                <tbody>
                    { for list.iter().map(|a| html! {
                        <tr key={a.id} data-testid="alert" data-budget-id={a.budget_id.to_string()} data-threshold={a.threshold.to_string()}>
                            <td>{ when(a.triggered_at) }</td>
                            <td>{ format!("#{} {}", a.budget_id, scope_label(a.assistant_id, a.domain.as_deref(), &props.names)) }</td>
                            <td>{ format!("{}%", a.threshold) }</td>
                            <td>{ format::usd(a.spent) }</td>
                            <td>{ format::usd(a.limit) }</td>
                            <td>{ format!("{} from {}", a.period, a.period_start) }</td>
                            { delivery_cell(a.delivery.as_ref()) }
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    });
    html! { <section class="card"><h2>{ "Budget alerts" }</h2>{ body }</section> }
}
