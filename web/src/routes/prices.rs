//! The model price table: anyone signed in may read it, admins add versions. A call that
//! reports a model and tokens but no cost is priced with the version in force at its time.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use hub::units::{nanos_to_usd, usd_to_nanos};
use persistence::postgres::models::{ModelPrice, NewModelPrice};
use persistence::postgres::queries::prices;
use protocol::prices::PriceView;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, Forbidden, JsonBodyErrors, Unauthorized, Unavailable,
};
use crate::state::AppState;
use persistence::postgres::models::Role;

/// Highest price accepted, US dollars per million tokens.
pub const MAX_PRICE_PER_MTOK: f64 = 10_000.0;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_prices).service(add_price);
}

/// A price version to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddPrice {
    /// 1 to 100 characters (trimmed), no control characters.
    #[schema(
        example = "gpt-4o",
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: String,
    /// When this version takes effect (default: now), from 2000-01-01 to 9999-12-31. Earlier
    /// calls keep earlier prices.
    #[schema(pattern = "^[2-9][0-9]{3}-")]
    pub effective_from: Option<DateTime<Utc>>,
    /// US dollars per million input tokens, `0..=10000`.
    #[schema(example = 2.5, minimum = 0, maximum = 10_000)]
    pub input_per_mtok: f64,
    /// US dollars per million output tokens, `0..=10000`.
    #[schema(example = 10.0, minimum = 0, maximum = 10_000)]
    pub output_per_mtok: f64,
}

/// A stored price as the API shows it (US dollars per million tokens).
fn price_view(p: ModelPrice) -> PriceView {
    PriceView {
        id: p.id,
        model: p.model,
        effective_from: p.effective_from,
        input_per_mtok: nanos_to_usd(p.input_nanos_per_mtok),
        output_per_mtok: nanos_to_usd(p.output_nanos_per_mtok),
    }
}

/// Every price version, by model and date.
#[utoipa::path(
    tag = "prices",
    security(("bearer" = [])),
    responses(
        (status = 200, body = [PriceView]),
        Unauthorized,
        Unavailable,
    )
)]
#[get("/prices")]
#[tracing::instrument(skip_all)]
pub async fn list_prices(
    _: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let list: Vec<PriceView> = prices::list(&mut conn)
        .await?
        .into_iter()
        .map(price_view)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a price version (admins only).
#[utoipa::path(
    tag = "prices",
    request_body = AddPrice,
    security(("bearer" = [])),
    responses(
        (status = 201, body = PriceView),
        JsonBodyErrors,
        Unauthorized,
        Forbidden,
        Conflict,
        Unavailable,
    )
)]
#[post("/prices")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn add_price(
    user: AuthUser,
    body: web::Json<AddPrice>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    if user.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins may change prices"));
    }
    let mut errors = hub::ValidationErrors::default();
    let model = body.model.trim();
    errors.check_text("model", model, hub::sample::MAX_LABEL_CHARS);
    for (field, value) in [
        ("inputPerMtok", body.input_per_mtok),
        ("outputPerMtok", body.output_per_mtok),
    ] {
        if !value.is_finite() || !(0.0..=MAX_PRICE_PER_MTOK).contains(&value) {
            errors.add(field, format!("must be between 0 and {MAX_PRICE_PER_MTOK}"));
        }
    }
    let effective_from = body.effective_from.unwrap_or_else(Utc::now);
    if let Err(bad) = hub::range::check_instant("effectiveFrom", effective_from) {
        errors.extend(bad);
    }
    errors.into_result(())?;
    let mut conn = pool.get().await?;
    let new = NewModelPrice {
        model,
        effective_from,
        input_nanos_per_mtok: usd_to_nanos(body.input_per_mtok),
        output_nanos_per_mtok: usd_to_nanos(body.output_per_mtok),
    };
    let price = prices::insert(&mut conn, &new).await.map_err(|e| {
        let e = persistence::PersistenceError::from(e);
        if e.is_unique_violation() {
            ApiError::Conflict(format!(
                "{model:?} already has a price from {effective_from}"
            ))
        } else {
            e.into()
        }
    })?;
    Ok(HttpResponse::Created().json(price_view(price)))
}
