//! Toasts of live budget alerts (and of alert rules and sources that need their owner), on
//! every page while logged in. The hub pushes an alert on the
//! live WebSocket in the delta of the assistant whose samples reached a budget threshold; the
//! tab's one feed (`components::LiveProvider`) follows all of the user's assistants, and this
//! host turns every alert it reports into a toast ([`Toasts`]): dismissable, gone after
//! [`TOAST_MS`].

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::budgets::alert_text;
use crate::hooks::{use_session, LiveContext};
use crate::live::toasts::{RuleToast, SourceToast};
use crate::live::{LiveState, Toast, ToastAction, Toasts, TOAST_MS};

/// The toast host: nothing without a session (or outside the live provider).
#[component]
pub fn ToastHost() -> Html {
    let context = use_context::<LiveContext>();
    match (use_session(), context) {
        (Some(_), Some(context)) => html! { <Host {context} /> },
        _ => html! {},
    }
}

/// Turns the live feed's new alerts (budgets, rules, sources) into toasts.
#[hook]
fn use_absorb(live: &LiveState, toasts: &UseReducerHandle<Toasts>) {
    let dispatcher = toasts.dispatcher();
    use_effect_with(
        (live.alerts.clone(), live.alerts_received),
        move |(alerts, received)| {
            dispatcher.dispatch(ToastAction::Absorb {
                alerts: alerts.clone(),
                received: *received,
            });
        },
    );
    let dispatcher = toasts.dispatcher();
    use_effect_with(
        (live.sources.alerts.clone(), live.sources.alerts_received),
        move |(alerts, received)| {
            dispatcher.dispatch(ToastAction::AbsorbSources {
                alerts: alerts.clone(),
                received: *received,
            });
        },
    );
    let dispatcher = toasts.dispatcher();
    use_effect_with(
        (live.rule_alerts.clone(), live.rule_alerts_received),
        move |(alerts, received)| {
            dispatcher.dispatch(ToastAction::AbsorbRules {
                alerts: alerts.clone(),
                received: *received,
            });
        },
    );
}

#[derive(Properties, PartialEq)]
struct HostProps {
    context: LiveContext,
}

#[component]
fn Host(props: &HostProps) -> Html {
    let live = &props.context.state;
    let names = Rc::clone(&props.context.names);
    let toasts = use_reducer(Toasts::default);
    use_absorb(live, &toasts);
    {
        // Each toast gets its timer once, when it first shows.
        let dispatcher = toasts.dispatcher();
        let timed = use_mut_ref(BTreeSet::<u64>::new);
        let shown: Vec<u64> = toasts
            .shown
            .iter()
            .map(|t| t.id)
            .chain(toasts.rules_shown.iter().map(|t| t.id))
            .chain(toasts.sources_shown.iter().map(|t| t.id))
            .collect();
        use_effect_with(shown, move |shown| {
            for id in shown.iter().copied() {
                if timed.borrow_mut().insert(id) {
                    let dispatcher = dispatcher.clone();
                    spawn_local(async move {
                        TimeoutFuture::new(TOAST_MS).await;
                        dispatcher.dispatch(ToastAction::Dismiss(id));
                    });
                }
            }
        });
    }
    let dismiss = {
        let dispatcher = toasts.dispatcher();
        Callback::from(move |id| dispatcher.dispatch(ToastAction::Dismiss(id)))
    };
    // For tests and assistive tech alike: whether alerts can arrive right now.
    let state = if live.connection.is_live() {
        "live"
    } else {
        "connecting"
    };
    html! {
        <div class="toasts" aria-live="polite" data-testid="toasts" data-state={state}>
            { for toasts.shown.iter().map(|toast| html! {
                <ToastView key={toast.id} toast={toast.clone()} names={Rc::clone(&names)} on_close={dismiss.clone()} />
            }) }
            { for toasts.rules_shown.iter().map(|toast| html! {
                <RuleToastView key={toast.id} toast={toast.clone()} on_close={dismiss.clone()} />
            }) }
            { for toasts.sources_shown.iter().map(|toast| html! {
                <SourceToastView key={toast.id} toast={toast.clone()} on_close={dismiss.clone()} />
            }) }
        </div>
    }
}

/// One alert and how to close it.
#[derive(Properties, PartialEq)]
struct ToastProps {
    toast: Toast,
    /// Assistant names by id, for the alert's text.
    names: Rc<BTreeMap<i64, String>>,
    on_close: Callback<u64>,
}

#[component]
fn ToastView(props: &ToastProps) -> Html {
    let (title, line) = alert_text(&props.toast.alert, &props.names);
    let alert = &props.toast.alert;
    let onclick = {
        let (on_close, id) = (props.on_close.clone(), props.toast.id);
        Callback::from(move |_| on_close.emit(id))
    };
    let class = if alert.threshold >= 100 {
        "toast toast-over"
    } else {
        "toast"
    };
    html! {
        <div {class} role="status" data-testid="toast"
             data-budget-id={alert.budget_id.to_string()} data-threshold={alert.threshold.to_string()}>
            <div class="toast-body">
                <strong class="toast-title">{ title }</strong>
                <span class="toast-line">{ line }</span>
            </div>
            <button class="toast-close" type="button" aria-label="Dismiss" {onclick}>{ "×" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RuleToastProps {
    toast: RuleToast,
    on_close: Callback<u64>,
}

/// One rule firing and how to close it.
#[component]
fn RuleToastView(props: &RuleToastProps) -> Html {
    let (title, line) = crate::alert_rules::rule_toast_text(&props.toast.alert);
    let onclick = {
        let (on_close, id) = (props.on_close.clone(), props.toast.id);
        Callback::from(move |_| on_close.emit(id))
    };
    html! {
        <div class="toast toast-over" role="status" data-testid="rule-toast"
             data-rule-id={props.toast.alert.rule_id.to_string()}>
            <div class="toast-body">
                <strong class="toast-title">{ title }</strong>
                <span class="toast-line">{ line }</span>
            </div>
            <button class="toast-close" type="button" aria-label="Dismiss" {onclick}>{ "×" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SourceToastProps {
    toast: SourceToast,
    on_close: Callback<u64>,
}

/// One source that needs its owner (its transformer failed, or it stopped retrying).
#[component]
fn SourceToastView(props: &SourceToastProps) -> Html {
    let onclick = {
        let (on_close, id) = (props.on_close.clone(), props.toast.id);
        Callback::from(move |_| on_close.emit(id))
    };
    html! {
        <div class="toast toast-over" role="status" data-testid="source-toast"
             data-source-id={props.toast.alert.source_id.to_string()}>
            <div class="toast-body">
                <strong class="toast-title">{ "A metric needs attention" }</strong>
                <span class="toast-line">{ props.toast.alert.message.clone() }</span>
            </div>
            <button class="toast-close" type="button" aria-label="Dismiss" {onclick}>{ "×" }</button>
        </div>
    }
}
