//! The "new price version" form of `/prices`, for the shared table (admins) or for your own
//! override: model, when it takes effect (empty: now), input, output and optional cache-read
//! price per million tokens. [`new_price`] turns the fields into the request body (pure,
//! tested); what the browser or the hub refuses is shown under the field it names.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use protocol::prices::AddPrice;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::error::FieldError;
use crate::api::ApiError;
use crate::hooks::{field_error, form_error, text_field, use_text_input, TextInput};
use crate::session::Session;

/// Where a version goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The shared table (`POST /prices`, admins only).
    Table,
    /// Your own override (`POST /prices/overrides`).
    Override,
}

fn refused(field: &str, message: &str) -> ApiError {
    ApiError::Invalid {
        detail: format!("{field}: {message}"),
        fields: vec![FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        }],
    }
}

/// `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DD HH:MM` (UTC), or RFC 3339; empty is now.
pub fn parse_effective(text: &str) -> Result<Option<DateTime<Utc>>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(&text.replace('T', " "), "%Y-%m-%d %H:%M") {
        return Ok(Some(at.and_utc()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| Some(d.and_utc()))
        .ok_or("must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), UTC")
}

fn parse_price(text: &str) -> Result<f64, &'static str> {
    text.trim()
        .trim_start_matches('$')
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or("must be a number of US dollars, e.g. 2.5")
}

/// The body of the form's request; the first field the browser can already tell is wrong is
/// refused here (ranges are the hub's to check).
pub fn new_price(
    model: &str,
    effective: &str,
    input: &str,
    output: &str,
    cache_read: &str,
) -> Result<AddPrice, ApiError> {
    if model.trim().is_empty() {
        return Err(refused("model", "name the model, e.g. gpt-4o"));
    }
    let cache_read_per_mtok = match cache_read.trim() {
        "" => None,
        text => Some(parse_price(text).map_err(|m| refused("cacheReadPerMtok", m))?),
    };
    Ok(AddPrice {
        model: model.trim().to_owned(),
        effective_from: parse_effective(effective).map_err(|m| refused("effectiveFrom", m))?,
        input_per_mtok: parse_price(input).map_err(|m| refused("inputPerMtok", m))?,
        output_per_mtok: parse_price(output).map_err(|m| refused("outputPerMtok", m))?,
        cache_read_per_mtok,
    })
}

#[derive(Properties, PartialEq)]
pub struct PriceFormProps {
    pub session: Session,
    pub target: Target,
    /// A version was stored (the page reloads its lists).
    pub on_saved: Callback<()>,
}

/// The form's five fields: model, effective from, input, output, cache read.
type Fields = [TextInput; 5];

/// Sends the fields as a new version to `target`; clears them and calls `on_saved` once
/// stored, or leaves the refusal in `error`.
fn submit(
    fields: &Fields,
    target: Target,
    session: Session,
    error: UseStateHandle<Option<ApiError>>,
    busy: UseStateHandle<bool>,
    on_saved: Callback<()>,
) {
    let [model, effective, input, output, cache] = fields;
    let body = match new_price(
        &model.value(),
        &effective.value(),
        &input.value(),
        &output.value(),
        &cache.value(),
    ) {
        Ok(body) => body,
        Err(refused) => return error.set(Some(refused)),
    };
    if *busy {
        return;
    }
    busy.set(true);
    error.set(None);
    let fields = fields.clone();
    spawn_local(async move {
        let api = session.api();
        let stored = match target {
            Target::Table => api.add_price(&body).await,
            Target::Override => api.add_override(&body).await,
        };
        match stored {
            Ok(_) => {
                fields.iter().for_each(TextInput::clear);
                on_saved.emit(());
            }
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    });
}

/// The form; its fields keep what was typed until the version is stored.
#[component]
pub fn PriceForm(props: &PriceFormProps) -> Html {
    let fields: Fields = [
        use_text_input(String::new),
        use_text_input(String::new),
        use_text_input(String::new),
        use_text_input(String::new),
        use_text_input(String::new),
    ];
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (fields, error, busy) = (fields.clone(), error.clone(), busy.clone());
        let (session, target, on_saved) =
            (props.session.clone(), props.target, props.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit(
                &fields,
                target,
                session.clone(),
                error.clone(),
                busy.clone(),
                on_saved.clone(),
            );
        })
    };
    let err = (*error).clone();
    let (prefix, title, button) = match props.target {
        Target::Table => ("price", "Add a table version (admins)", "Add version"),
        Target::Override => (
            "override",
            "Add an override (your contract price)",
            "Add override",
        ),
    };
    let [model, effective, input, output, cache] = &fields;
    let field = |name: &str, label, input, key, hint| {
        text_field(
            format!("{prefix}-{name}"),
            label,
            input,
            field_error(err.as_ref(), key),
            hint,
        )
    };
    html! {
        <form class="card price-form" {onsubmit} novalidate=true aria-label={title} data-testid={format!("{prefix}-form")}>
            <h3>{ title }</h3>
            <div class="field-row">
                { field("model", "Model", model, "model", "") }
                { field("effective", "Effective from (UTC)", effective, "effectiveFrom", "YYYY-MM-DD [HH:MM]; empty: now") }
            </div>
            <div class="field-row">
                { field("input", "Input $/Mtok", input, "inputPerMtok", "") }
                { field("output", "Output $/Mtok", output, "outputPerMtok", "") }
                { field("cache", "Cache read $/Mtok", cache, "cacheReadPerMtok", "Optional; empty: billed as input") }
            </div>
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled={*busy}>{ if *busy { "Saving…" } else { button } }</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<AddPrice, ApiError>) -> Option<String> {
        match result {
            Err(ApiError::Invalid { fields, .. }) => fields.first().map(|f| f.field.clone()),
            _ => None,
        }
    }

    #[test]
    fn the_fields_become_a_version_or_name_what_is_wrong() {
        let body = new_price(" gpt-x ", "2026-12-01", "2.5", "$10", "")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(body.model, "gpt-x");
        assert_eq!(
            body.effective_from.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-01T00:00:00+00:00")
        );
        assert_eq!(
            (
                body.input_per_mtok,
                body.output_per_mtok,
                body.cache_read_per_mtok
            ),
            (2.5, 10.0, None)
        );
        let with_time =
            new_price("m", "2026-12-01 10:30", "1", "1", "0.1").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            with_time.effective_from.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-01T10:30:00+00:00")
        );
        assert_eq!(with_time.cache_read_per_mtok, Some(0.1));
        assert_eq!(
            new_price("m", "", "1", "1", "")
                .map(|b| b.effective_from)
                .ok(),
            Some(None)
        );
        assert_eq!(
            field(new_price("", "", "1", "1", "")).as_deref(),
            Some("model")
        );
        assert_eq!(
            field(new_price("m", "tomorrow", "1", "1", "")).as_deref(),
            Some("effectiveFrom")
        );
        assert_eq!(
            field(new_price("m", "", "cheap", "1", "")).as_deref(),
            Some("inputPerMtok")
        );
        assert_eq!(
            field(new_price("m", "", "1", "NaN", "")).as_deref(),
            Some("outputPerMtok")
        );
        assert_eq!(
            field(new_price("m", "", "1", "1", "x")).as_deref(),
            Some("cacheReadPerMtok")
        );
    }
}
