//! Log in: email and password, then on to where the visitor was going (`?next=`).

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{Api, ApiError};
use crate::components::states::explain;
use crate::filters::query_param;
use crate::route::go_to;
use crate::route::Route;
use crate::session::{Session, SessionAction, SessionContext};

/// The login page.
#[component]
pub fn Login() -> Html {
    let ctx = use_context::<SessionContext>();
    let navigator = use_navigator();
    let query = use_location()
        .map(|l| l.query_str().to_owned())
        .unwrap_or_default();
    let next = query_param(&query, "next");
    let registered = query_param(&query, "registered").is_some();
    let email = use_state(|| query_param(&query, "email").unwrap_or_default());
    let password = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    // Already logged in: nothing to do here.
    {
        let logged_in = ctx.as_ref().is_some_and(|c| c.session.is_some());
        let navigator = navigator.clone();
        let next = next.clone();
        use_effect_with(logged_in, move |logged_in| {
            if let (true, Some(navigator)) = (*logged_in, navigator) {
                go_to(&navigator, next.as_deref());
            }
        });
    }

    let onsubmit = {
        let (email, password, error, busy) =
            (email.clone(), password.clone(), error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (email_v, password_v) = ((*email).clone(), (*password).clone());
            let (error, busy, ctx) = (error.clone(), busy.clone(), ctx.clone());
            spawn_local(async move {
                match Api::anonymous().login(email_v.trim(), &password_v).await {
                    Ok(login) => match (Session::from_login(&login), &ctx) {
                        (Some(session), Some(ctx)) => {
                            // The effect above navigates once the session is set.
                            ctx.dispatch.emit(SessionAction::LogIn(session));
                        }
                        _ => error.set(Some("The hub's answer could not be read.".to_owned())),
                    },
                    Err(ApiError::Unauthorized(_)) => {
                        error.set(Some("Wrong email or password.".to_owned()));
                    }
                    Err(ApiError::Invalid { .. }) => {
                        error.set(Some("Enter your email address and password.".to_owned()));
                    }
                    Err(other) => error.set(Some(explain(&other))),
                }
                busy.set(false);
            });
        })
    };
    let on_email = {
        let email = email.clone();
        Callback::from(move |e: InputEvent| {
            email.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_password = {
        let password = password.clone();
        Callback::from(move |e: InputEvent| {
            password.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    html! {
        <main class="auth">
            <form class="card auth-card" {onsubmit} novalidate=true>
                <h1>{ "Log in to metrics-hub" }</h1>
                if registered {
                    <p class="notice" role="status">{ "Account created. Log in to continue." }</p>
                }
                <label for="email">{ "Email" }</label>
                <input id="email" name="email" type="email" autocomplete="username" required=true
                       value={(*email).clone()} oninput={on_email} />
                <label for="password">{ "Password" }</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required=true
                       value={(*password).clone()} oninput={on_password} />
                if let Some(message) = (*error).clone() {
                    <p class="form-error" role="alert" data-testid="login-error">{ message }</p>
                }
                <button class="button button-primary" type="submit" disabled={*busy}>
                    { if *busy { "Logging in…" } else { "Log in" } }
                </button>
                <p class="auth-switch">
                    { "No account yet? " }
                    <Link<Route> to={Route::Register}>{ "Create one" }</Link<Route>>
                </p>
            </form>
        </main>
    }
}
