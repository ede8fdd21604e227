//! The webhooks section of the `/alerts` page: your webhooks (URL, pending deliveries; rotate
//! the secret, delete) and the form creating one. The signing secret is shown once, after
//! creating or rotating, with how to check signatures (docs/alerts.md).

use protocol::webhooks::{WebhookSecret, WebhookView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::budgets::field_messages;
use crate::hooks::text_field;
use crate::hooks::{form_error, use_text_input};
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct WebhooksProps {
    pub session: Session,
    pub webhooks: Vec<WebhookView>,
    pub reload: Callback<()>,
}

/// Runs `call` and then shows its secret (or its failure) and reloads the list.
fn with_secret<F, Fut>(
    session: &Session,
    shown: &UseStateHandle<Option<WebhookSecret>>,
    error: &UseStateHandle<Option<ApiError>>,
    reload: &Callback<()>,
    call: F,
) where
    F: FnOnce(Session) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<Option<WebhookSecret>, ApiError>> + 'static,
{
    let (session, shown, error, reload) = (
        session.clone(),
        shown.clone(),
        error.clone(),
        reload.clone(),
    );
    spawn_local(async move {
        match call(session).await {
            Ok(secret) => {
                error.set(None);
                shown.set(secret);
                reload.emit(());
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// The webhooks and the form.
#[component]
pub fn WebhooksSection(props: &WebhooksProps) -> Html {
    let url = use_text_input(String::new);
    let shown = use_state(|| None::<WebhookSecret>);
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (session, shown, error, reload, url) = (
            props.session.clone(),
            shown.clone(),
            error.clone(),
            props.reload.clone(),
            url.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let typed = url.trimmed();
            let url = url.clone();
            with_secret(&session, &shown, &error, &reload, move |s| async move {
                let created = s.api().create_webhook(&typed).await?;
                url.clear();
                Ok(Some(created))
            });
        })
    };
    let action = |id: i64, rotate: bool| {
        let (session, shown, error, reload) = (
            props.session.clone(),
            shown.clone(),
            error.clone(),
            props.reload.clone(),
        );
        Callback::from(move |_| {
            with_secret(&session, &shown, &error, &reload, move |s| async move {
                if rotate {
                    s.api().rotate_webhook_secret(id).await.map(Some)
                } else {
                    s.api().delete_webhook(id).await.map(|()| None)
                }
            });
        })
    };
    let err = (*error).clone();
    html! {
        <section class="card" aria-label="Webhooks">
            <h2>{ "Webhooks" }</h2>
            <p class="muted">{ "Alerts of budgets and rules with a webhook are POSTed to it as JSON, signed with its secret (X-Metrics-Hub-Signature), retried with backoff." }</p>
            if let Some(secret) = (*shown).clone() {
                <div class="notice" role="status" data-testid="webhook-secret">
                    <p>{ format!("Signing secret of {} (shown only now):", secret.webhook.url) }</p>
                    <code>{ secret.secret }</code>
                </div>
            }
            <ul class="webhook-list" data-testid="webhooks">
                { for props.webhooks.iter().map(|w| html! {
                    <li key={w.id} data-testid="webhook" data-webhook-id={w.id.to_string()}>
                        <code>{ w.url.clone() }</code>
                        { format!(" — {} pending", w.pending) }
                        <button class="button button-quiet" type="button" onclick={action(w.id, true)}>{ "Rotate secret" }</button>
                        <button class="button button-quiet" type="button" onclick={action(w.id, false)}>{ "Delete" }</button>
                    </li>
                }) }
            </ul>
            <form class="webhook-form" {onsubmit} novalidate=true aria-label="New webhook">
                { text_field("webhook-url".into(), "URL", &url, field_messages(err.as_ref(), "url"), "http or https, a public address") }
                if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
                <div class="form-actions"><button class="button button-primary" type="submit">{ "Add webhook" }</button></div>
            </form>
        </section>
    }
}
