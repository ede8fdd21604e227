//! Create an account, then log in with it.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::{field_error, form_error, use_text_input};
use crate::route::{push_with_query, Route};

/// Shortest password the hub accepts.
const MIN_PASSWORD_CHARS: usize = 8;

/// The registration page.
#[component]
pub fn Register() -> Html {
    let navigator = use_navigator();
    let name = use_text_input(String::new);
    let email = use_text_input(String::new);
    let password = use_text_input(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (name, email, password) = (name.clone(), email.clone(), password.clone());
        let (error, busy) = (error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (name_v, email_v, password_v) = (name.trimmed(), email.trimmed(), password.value());
            let (error, busy, navigator) = (error.clone(), busy.clone(), navigator.clone());
            spawn_local(async move {
                match Api::anonymous()
                    .register(&name_v, &email_v, &password_v)
                    .await
                {
                    Ok(user) => {
                        if let Some(navigator) = navigator {
                            let query = [("email", user.email), ("registered", "1".to_owned())];
                            push_with_query(&navigator, &Route::Login, &query);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let name_error = field_error(error.as_ref(), "name");
    let email_error = field_error(error.as_ref(), "email");
    let password_error = field_error(error.as_ref(), "password");
    let general = form_error(error.as_ref());

    html! {
        <main class="auth">
            <form class="card auth-card" {onsubmit} novalidate=true>
                <h1>{ "Create your account" }</h1>
                <label for="name">{ "Name (optional)" }</label>
                <input id="name" name="name" type="text" autocomplete="name" maxlength="100"
                       value={name.value()} oninput={name.oninput.clone()} />
                if let Some(message) = name_error {
                    <p class="field-error" role="alert">{ format!("Name {message}") }</p>
                }
                <label for="email">{ "Email" }</label>
                <input id="email" name="email" type="email" autocomplete="username" required=true
                       value={email.value()} oninput={email.oninput.clone()} />
                if let Some(message) = email_error {
                    <p class="field-error" role="alert">{ format!("Email {message}") }</p>
                }
                <label for="password">{ "Password" }</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required=true
                       minlength={MIN_PASSWORD_CHARS.to_string()} value={password.value()} oninput={password.oninput.clone()} />
                <p class="hint">{ format!("At least {MIN_PASSWORD_CHARS} characters.") }</p>
                if let Some(message) = password_error {
                    <p class="field-error" role="alert">{ format!("Password {message}") }</p>
                }
                if let Some(message) = general {
                    <p class="form-error" role="alert">{ message }</p>
                }
                <button class="button button-primary" type="submit" disabled={*busy}>
                    { if *busy { "Creating…" } else { "Create account" } }
                </button>
                <p class="auth-switch">
                    { "Already registered? " }
                    <Link<Route> to={Route::Login}>{ "Log in" }</Link<Route>>
                </p>
            </form>
        </main>
    }
}
