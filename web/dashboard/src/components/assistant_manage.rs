//! Editing and deleting one assistant, for its owner (on the assistant's page) and for
//! administrators (on `/admin`): [`AssistantEdit`] renames it or changes its model type;
//! [`AssistantDelete`] first asks the hub what goes with it (`GET .../deletion`) and deletes
//! only after the user confirmed with those numbers in front of them.

use protocol::assistants::{AssistantDeletion, UpdateAssistant};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::types::Assistant;
use crate::api::ApiError;
use crate::components::states::explain;
use crate::hooks::{field_error, form_error, use_text_input};
use crate::session::Session;

/// The assistant and what to do once it changed.
#[derive(Properties, PartialEq)]
pub struct EditProps {
    pub session: Session,
    pub assistant: Assistant,
    /// Saved: the stored assistant.
    pub on_saved: Callback<Assistant>,
}

/// Name and model type, prefilled, with Save.
#[component]
pub fn AssistantEdit(props: &EditProps) -> Html {
    let name = use_text_input(|| props.assistant.name.clone());
    let model = use_text_input(|| props.assistant.model_type.clone());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (name, model, error, busy) = (name.clone(), model.clone(), error.clone(), busy.clone());
        let (session, id, on_saved) = (
            props.session.clone(),
            props.assistant.id,
            props.on_saved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let change = UpdateAssistant {
                name: Some(name.trimmed()),
                model_type: Some(model.trimmed()),
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
                match session.api().update_assistant(id, &change).await {
                    Ok(saved) => on_saved.emit(saved),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err = (*error).clone();
    let id = props.assistant.id;
    html! {
        <form class="assistant-edit" {onsubmit} novalidate=true aria-label="Edit assistant" data-testid="assistant-edit">
            <div class="field-row">
                <div class="field">
                    <label for={format!("edit-name-{id}")}>{ "Name" }</label>
                    <input id={format!("edit-name-{id}")} value={name.value()} oninput={name.oninput.clone()} />
                    if let Some(m) = field_error(err.as_ref(), "name") { <p class="field-error" role="alert">{ m }</p> }
                </div>
                <div class="field">
                    <label for={format!("edit-model-{id}")}>{ "Model type" }</label>
                    <input id={format!("edit-model-{id}")} value={model.value()} oninput={model.oninput.clone()} />
                    if let Some(m) = field_error(err.as_ref(), "modelType") { <p class="field-error" role="alert">{ m }</p> }
                </div>
            </div>
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled={*busy}>{ if *busy { "Saving…" } else { "Save" } }</button>
            </div>
        </form>
    }
}

/// What goes with the assistant, in words.
pub fn deletion_text(d: &AssistantDeletion) -> String {
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "Deleting “{}” removes {} and the rollups of {} ({}), {}, and {} with {}. This cannot be undone.",
        d.name,
        plural(d.samples, "stored sample", "stored samples"),
        plural(d.days, "day", "days"),
        plural(d.calls, "call", "calls"),
        plural(d.keys, "ingestion key", "ingestion keys"),
        plural(d.budgets, "budget", "budgets"),
        plural(d.alerts, "alert", "alerts"),
    )
}

/// The assistant to delete and what to do once it is gone.
#[derive(Properties, PartialEq)]
pub struct DeleteProps {
    pub session: Session,
    pub id: i64,
    pub on_deleted: Callback<()>,
}

/// "Delete…", then the confirmation with what goes, then the deletion.
#[component]
pub fn AssistantDelete(props: &DeleteProps) -> Html {
    let preview = use_state(|| None::<AssistantDeletion>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let ask = {
        let (preview, error, busy, session, id) = (
            preview.clone(),
            error.clone(),
            busy.clone(),
            props.session.clone(),
            props.id,
        );
        Callback::from(move |_| {
            let (preview, error, busy, session) = (
                preview.clone(),
                error.clone(),
                busy.clone(),
                session.clone(),
            );
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                match session.api().assistant_deletion(id).await {
                    Ok(p) => preview.set(Some(p)),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let confirm = {
        let (error, busy, session, id, on_deleted) = (
            error.clone(),
            busy.clone(),
            props.session.clone(),
            props.id,
            props.on_deleted.clone(),
        );
        Callback::from(move |_| {
            let (error, busy, session, on_deleted) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                on_deleted.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match session.api().delete_assistant(id).await {
                    Ok(()) => on_deleted.emit(()),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let cancel = {
        let preview = preview.clone();
        Callback::from(move |_| preview.set(None))
    };
    html! {
        <div class="assistant-delete" data-testid="assistant-delete">
            if let Some(p) = &*preview {
                <div class="notice notice-warn" role="alertdialog" aria-label="Confirm deletion" data-testid="delete-confirm">
                    <p data-testid="delete-consequences">{ deletion_text(p) }</p>
                    <div class="form-actions">
                        <button class="button button-danger" type="button" onclick={confirm} disabled={*busy}>{ if *busy { "Deleting…" } else { "Delete for good" } }</button>
                        <button class="button button-quiet" type="button" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                </div>
            } else {
                <button class="button button-danger" type="button" onclick={ask} disabled={*busy}>{ "Delete assistant…" }</button>
            }
            if let Some(e) = &*error { <p class="form-error" role="alert">{ explain(e) }</p> }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_says_what_goes_in_numbers() {
        let d = AssistantDeletion {
            assistant_id: 3,
            name: "Bot".to_owned(),
            samples: 1,
            calls: 120,
            days: 4,
            keys: 2,
            budgets: 1,
            alerts: 0,
        };
        assert_eq!(
            deletion_text(&d),
            "Deleting “Bot” removes 1 stored sample and the rollups of 4 days (120 calls), \
             2 ingestion keys, and 1 budget with 0 alerts. This cannot be undone."
        );
    }
}
