//! The keys page's table: every ingestion key of the assistant with when it was made and last
//! used, and a button to revoke it (after a confirmation), or the state of the list.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::types::ApiKey;
use crate::api::ApiError;
use crate::components::{Empty, ErrorBox, Loading};
use crate::hooks::Loadable;
use crate::session::Session;

/// A timestamp as `2026-11-23 10:00` (UTC), or the text as it came.
fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Whether the user confirms revoking the key called `name`.
fn confirm_revoke(name: &str) -> bool {
    web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(&format!(
                "Revoke the key {name:?}? Clients using it will be refused."
            ))
            .ok()
        })
        .unwrap_or(false)
}

/// The keys' request and what to do after a revocation.
#[derive(Properties, PartialEq)]
pub struct KeyListProps {
    pub session: Session,
    pub keys: Loadable<Vec<ApiKey>>,
    /// Loads the list again (after a revocation, or to retry).
    pub reload: Callback<()>,
    /// A revocation failed.
    pub on_error: Callback<ApiError>,
}

/// The keys table, or loading / empty / error.
#[component]
pub fn KeyList(props: &KeyListProps) -> Html {
    let revoke = |key: &ApiKey| {
        let (key_id, key_name) = (key.id, key.name.clone());
        let (session, reload, on_error) = (
            props.session.clone(),
            props.reload.clone(),
            props.on_error.clone(),
        );
        Callback::from(move |_| {
            if !confirm_revoke(&key_name) {
                return;
            }
            let (session, reload, on_error) = (session.clone(), reload.clone(), on_error.clone());
            spawn_local(async move {
                match session.api().delete_key(key_id).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => on_error.emit(e),
                }
            });
        })
    };
    match (&props.keys.data, &props.keys.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="Ingestion keys are unavailable" error={error.clone()} retry={props.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading keys…" /> },
        (Some(list), _) if list.is_empty() => html! {
            <Empty title="No ingestion keys yet">
                <p>{ "Create one for each machine client that sends usage for this assistant." }</p>
            </Empty>
        },
        (Some(list), _) => html! {
            <table class="table" data-testid="keys">
                <thead><tr><th>{ "Name" }</th><th>{ "Key" }</th><th>{ "Created" }</th><th>{ "Last used" }</th><th></th></tr></thead>
                <tbody>
                    { for list.iter().map(|k| html! {
                        <tr key={k.id}>
                            <td>{ k.name.clone() }</td>
                            <td><code>{ format!("{}…", k.prefix) }</code></td>
                            <td>{ when(&k.created_at) }</td>
                            <td>{ k.last_used_at.as_ref().map(when).unwrap_or_else(|| "never".to_owned()) }</td>
                            <td><button class="button button-danger" onclick={revoke(k)}>{ "Revoke" }</button></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_in_utc() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T11:00:00+01:00")
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default();
        assert_eq!(when(&at), "2026-11-23 10:00 UTC");
    }
}
