//! The model price table: anyone signed in may read it, admins add versions. A call that
//! reports a model and tokens but no cost is priced with the version in force at its time:
//! the owner's override of that model first ([`overrides`]), else the table's.

pub mod overrides;

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use hub::units::{nanos_to_usd, usd_to_nanos};
use persistence::postgres::models::{ModelPrice, NewModelPrice, Role};
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

/// Highest price accepted, US dollars per million tokens.
pub const MAX_PRICE_PER_MTOK: f64 = 10_000.0;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_prices)
        .service(add_price)
        .service(overrides::list_overrides)
        .service(overrides::add_override)
        .service(overrides::delete_override);
}

/// A price version to add (to the table, or as an override).
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
    /// US dollars per million input tokens read from the prompt cache, `0..=10000`. Absent:
    /// cache reads are billed at the input price (they are part of `tokensIn`).
    #[schema(example = 1.25, minimum = 0, maximum = 10_000)]
    pub cache_read_per_mtok: Option<f64>,
}

impl AddPrice {
    /// The row this version is, for `owner_id` (`None`: the table), or every invalid field.
    pub fn checked(&self, owner_id: Option<i64>) -> Result<NewModelPrice<'_>, ApiError> {
        let mut errors = hub::ValidationErrors::default();
        let model = self.model.trim();
        errors.check_text("model", model, hub::sample::MAX_LABEL_CHARS);
        for (field, value) in [
            ("inputPerMtok", Some(self.input_per_mtok)),
            ("outputPerMtok", Some(self.output_per_mtok)),
            ("cacheReadPerMtok", self.cache_read_per_mtok),
        ] {
            if let Some(value) = value {
                if !value.is_finite() || !(0.0..=MAX_PRICE_PER_MTOK).contains(&value) {
                    errors.add(field, format!("must be between 0 and {MAX_PRICE_PER_MTOK}"));
                }
            }
        }
        let effective_from = self.effective_from.unwrap_or_else(Utc::now);
        if let Err(bad) = hub::range::check_instant("effectiveFrom", effective_from) {
            errors.extend(bad);
        }
        errors.into_result(())?;
        Ok(NewModelPrice {
            model,
            effective_from,
            input_nanos_per_mtok: usd_to_nanos(self.input_per_mtok),
            output_nanos_per_mtok: usd_to_nanos(self.output_per_mtok),
            cache_read_nanos_per_mtok: self.cache_read_per_mtok.map(usd_to_nanos),
            owner_id,
        })
    }
}

/// A stored price as the API shows it (US dollars per million tokens).
pub fn price_view(p: ModelPrice) -> PriceView {
    PriceView {
        id: p.id,
        model: p.model,
        effective_from: p.effective_from,
        input_per_mtok: nanos_to_usd(p.input_nanos_per_mtok),
        output_per_mtok: nanos_to_usd(p.output_nanos_per_mtok),
        cache_read_per_mtok: p.cache_read_nanos_per_mtok.map(nanos_to_usd),
        owner_id: p.owner_id,
    }
}

/// Stores `new`; a version already there (same owner, model and date) is a 409.
pub async fn insert_version(
    conn: &mut persistence::AsyncPgConnection,
    new: &NewModelPrice<'_>,
) -> Result<ModelPrice, ApiError> {
    prices::insert(conn, new).await.map_err(|e| {
        let e = persistence::PersistenceError::from(e);
        if e.is_unique_violation() {
            ApiError::Conflict(format!(
                "{:?} already has a price from {}",
                new.model, new.effective_from
            ))
        } else {
            e.into()
        }
    })
}

/// Every version of the shared table, by model and date.
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

/// Adds a version to the shared table (admins only).
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
    let new = body.checked(None)?;
    let mut conn = pool.get().await?;
    let price = insert_version(&mut conn, &new).await?;
    Ok(HttpResponse::Created().json(price_view(price)))
}
