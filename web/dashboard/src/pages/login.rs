//! Log in: email and password, then on to where the visitor was going (`?next=`).

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{Api, ApiError};
use crate::components::states::explain;
use crate::filters::query_param;
use crate::hooks::use_text_input;
use crate::route::{go_to, Route};
use crate::session::{Session, SessionAction, SessionContext};

/// What the login form says when the hub's answer cannot be turned into a session.
const UNREADABLE: &str = "The hub's answer could not be read.";

/// Why a login failed, in the visitor's words.
fn login_error(error: &ApiError) -> String {
    match error {
        ApiError::Unauthorized(_) => "Wrong email or password.".to_owned(),
        ApiError::Invalid { .. } => "Enter your email address and password.".to_owned(),
        // A disabled account: the hub says so, and that is the whole story.
        ApiError::Status {
            status: 403,
            detail,
        } => {
            let mut chars = detail.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        other => explain(other),
    }
}

/// Logs in, giving the new session or the message to show.
async fn log_in(email: String, password: String) -> Result<Session, String> {
    match Api::anonymous().login(email.trim(), &password).await {
        Ok(login) => Ok(Session::from_login(&login)),
        Err(error) => Err(login_error(&error)),
    }
}

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
    let email = use_text_input(|| query_param(&query, "email").unwrap_or_default());
    let password = use_text_input(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    // Already logged in: nothing to do here.
    {
        let logged_in = ctx.as_ref().is_some_and(|c| c.session.is_some());
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
            let (error, busy, ctx) = (error.clone(), busy.clone(), ctx.clone());
            let attempt = log_in(email.value(), password.value());
            spawn_local(async move {
                match (attempt.await, &ctx) {
                    // The effect above navigates once the session is set.
                    (Ok(session), Some(ctx)) => ctx.dispatch.emit(SessionAction::LogIn(session)),
                    (Ok(_), None) => error.set(Some(UNREADABLE.to_owned())),
                    (Err(message), _) => error.set(Some(message)),
                }
                busy.set(false);
            });
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
                       value={email.value()} oninput={email.oninput.clone()} />
                <label for="password">{ "Password" }</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required=true
                       value={password.value()} oninput={password.oninput.clone()} />
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_said_in_the_visitors_words() {
        assert_eq!(
            login_error(&ApiError::Unauthorized(
                "wrong email or password".to_owned()
            )),
            "Wrong email or password."
        );
        assert_eq!(
            login_error(&ApiError::Invalid {
                detail: "invalid input".to_owned(),
                fields: Vec::new(),
            }),
            "Enter your email address and password."
        );
        assert!(login_error(&ApiError::Network("offline".to_owned())).contains("cannot be reached"));
        let disabled = ApiError::Status {
            status: 403,
            detail: "this account has been disabled".to_owned(),
        };
        assert_eq!(login_error(&disabled), "This account has been disabled");
    }
}
