//! The "new key" form of the keys page: a name, then `POST /assistants/:id/keys`. The page
//! shows the outcome (the new secret, once, or the error).

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::types::CreatedApiKey;
use crate::api::ApiError;
use crate::hooks::use_text_input;
use crate::session::Session;

/// Whose key, and where the outcome goes.
#[derive(Properties, PartialEq)]
pub struct NewKeyFormProps {
    pub session: Session,
    /// The assistant the key is for.
    pub id: i64,
    /// A request is on its way (the page clears its last error).
    pub on_start: Callback<()>,
    /// The key, or why not.
    pub on_done: Callback<Result<CreatedApiKey, ApiError>>,
}

/// Name field and "Create key" button; the field empties once the key exists.
#[component]
pub fn NewKeyForm(props: &NewKeyFormProps) -> Html {
    let name = use_text_input(String::new);
    let busy = use_state(|| false);

    let onsubmit = {
        let (name, busy) = (name.clone(), busy.clone());
        let (session, id) = (props.session.clone(), props.id);
        let (on_start, on_done) = (props.on_start.clone(), props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            on_start.emit(());
            let key_name = name.trimmed();
            let (name, busy, session, on_done) =
                (name.clone(), busy.clone(), session.clone(), on_done.clone());
            spawn_local(async move {
                let result = session.api().create_key(id, &key_name).await;
                if result.is_ok() {
                    name.clear();
                }
                on_done.emit(result);
                busy.set(false);
            });
        })
    };

    html! {
        <form class="inline-form" {onsubmit}>
            <label for="key-name">{ "New key name" }</label>
            <input id="key-name" required=true maxlength="100" placeholder="nightly-export"
                   value={name.value()} oninput={name.oninput.clone()} />
            <button class="button button-primary" type="submit" disabled={*busy || name.is_blank()}>{ "Create key" }</button>
        </form>
    }
}
