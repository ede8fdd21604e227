//! The model price table: anyone signed in may read it, admins add versions. A call that
//! reports a model and tokens but no cost is priced with the version in force at its time:
//! the owner's override of that model first ([`overrides`]), else the table's.

pub mod overrides;

use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use hub::units::{nanos_to_usd, usd_to_nanos};
use persistence::postgres::models::{ModelPrice, NewModelPrice, Role};
use persistence::postgres::queries::prices;
use protocol::prices::{AddPrice, PriceView};

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

/// The row `body` adds, for `owner_id` (`None`: the table), or every invalid field.
pub fn checked(body: &AddPrice, owner_id: Option<i64>) -> Result<NewModelPrice<'_>, ApiError> {
    let mut errors = hub::ValidationErrors::default();
    let model = body.model.trim();
    errors.check_text("model", model, hub::sample::MAX_LABEL_CHARS);
    for (field, value) in [
        ("inputPerMtok", Some(body.input_per_mtok)),
        ("outputPerMtok", Some(body.output_per_mtok)),
        ("cacheReadPerMtok", body.cache_read_per_mtok),
    ] {
        if let Some(value) = value {
            if !value.is_finite() || !(0.0..=MAX_PRICE_PER_MTOK).contains(&value) {
                errors.add(field, format!("must be between 0 and {MAX_PRICE_PER_MTOK}"));
            }
        }
    }
    let effective_from = body.effective_from.unwrap_or_else(Utc::now);
    if let Err(bad) = hub::range::check_instant("effectiveFrom", effective_from) {
        errors.extend(bad);
    }
    errors.into_result(())?;
    Ok(NewModelPrice {
        model,
        effective_from,
        input_nanos_per_mtok: usd_to_nanos(body.input_per_mtok),
        output_nanos_per_mtok: usd_to_nanos(body.output_per_mtok),
        cache_read_nanos_per_mtok: body.cache_read_per_mtok.map(usd_to_nanos),
        owner_id,
    })
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
    let new = checked(&body, None)?;
    let mut conn = pool.get().await?;
    let price = insert_version(&mut conn, &new).await?;
    Ok(HttpResponse::Created().json(price_view(price)))
}
