//! Form inputs, the same way in every form (log in, register, new assistant, new key):
//! [`use_text_input`] keeps a text field's value in state with the `oninput` callback that
//! updates it ([`use_synced_text_input`] for one that edits a value owned elsewhere), [`text_field`] draws it with its label, hint and message, and [`field_error`] /
//! [`form_error`] split a refused submission into the messages shown under each field and the
//! one shown for the whole form.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::states::explain;

/// A text field's state, from [`use_text_input`]: bind `value()` and `oninput` to the
/// `<input>`.
#[derive(Clone, PartialEq)]
pub struct TextInput {
    state: UseStateHandle<String>,
    /// Keeps the state in step with what is typed.
    pub oninput: Callback<InputEvent>,
}

impl TextInput {
    /// The text as typed, for the input's `value`.
    pub fn value(&self) -> String {
        (*self.state).clone()
    }

    /// The text without surrounding white space, as it is sent.
    pub fn trimmed(&self) -> String {
        self.state.trim().to_owned()
    }

    /// Whether nothing but white space was typed.
    pub fn is_blank(&self) -> bool {
        self.state.trim().is_empty()
    }

    /// Replaces the text (e.g. when the value it edits changed elsewhere).
    pub fn set(&self, text: String) {
        self.state.set(text);
    }

    /// Empties the field (e.g. after its value was used).
    pub fn clear(&self) {
        self.set(String::new());
    }
}

/// A text field starting with `initial()`.
#[hook]
pub fn use_text_input<F>(initial: F) -> TextInput
where
    F: FnOnce() -> String,
{
    let state = use_state(initial);
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    TextInput { state, oninput }
}

/// A text field that edits a value owned elsewhere (a filter in the URL): it starts with
/// `value`, follows it when it changes there, and in between keeps what is typed, so a parent
/// that re-renders (a live update) does not wipe a half-typed text. Yew sets an input's
/// `value` from the virtual DOM on every render, so an input bound to the applied value alone
/// loses what was typed but not yet applied.
#[hook]
pub fn use_synced_text_input(value: String) -> TextInput {
    let input = use_text_input(|| value.clone());
    {
        let input = input.clone();
        use_effect_with(value, move |value| input.set(value.clone()));
    }
    input
}

/// A labelled text field with the hub's message about it underneath.
pub fn text_field(
    id: String,
    label: &'static str,
    input: &TextInput,
    error: Option<String>,
    hint: &'static str,
) -> Html {
    html! {
        <div class="field">
            <label for={id.clone()}>{ label }</label>
            <input {id} value={input.value()} oninput={input.oninput.clone()} />
            if !hint.is_empty() { <p class="hint">{ hint }</p> }
            if let Some(m) = error { <p class="field-error" role="alert">{ m }</p> }
        </div>
    }
}

/// The hub's message for one field of a refused form, if it named that field.
pub fn field_error(error: Option<&ApiError>, field: &str) -> Option<String> {
    error.and_then(|e| e.field(field)).map(str::to_owned)
}

/// The message for the form as a whole: any failure, except a refusal whose per-field messages
/// already say what is wrong.
pub fn form_error(error: Option<&ApiError>) -> Option<String> {
    error
        .filter(|e| !matches!(e, ApiError::Invalid { fields, .. } if !fields.is_empty()))
        .map(explain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::FieldError;

    #[test]
    fn field_messages_go_under_their_fields_and_the_rest_to_the_form() {
        let invalid = ApiError::Invalid {
            detail: "invalid input".to_owned(),
            fields: vec![FieldError {
                field: "email".to_owned(),
                message: "is not an email address".to_owned(),
            }],
        };
        assert_eq!(
            field_error(Some(&invalid), "email").as_deref(),
            Some("is not an email address")
        );
        assert_eq!(field_error(Some(&invalid), "password"), None);
        assert_eq!(form_error(Some(&invalid)), None);

        let conflict = ApiError::Conflict("email already registered".to_owned());
        assert_eq!(field_error(Some(&conflict), "email"), None);
        assert_eq!(
            form_error(Some(&conflict)).as_deref(),
            Some("Email already registered")
        );

        let bare = ApiError::Invalid {
            detail: "invalid input".to_owned(),
            fields: Vec::new(),
        };
        assert_eq!(form_error(Some(&bare)).as_deref(), Some("Invalid input"));
        assert_eq!(form_error(None), None);
    }
}
