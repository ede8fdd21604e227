//! `/widgets`: a user's charts of their sources, and `GET /widgets/{id}/chart`, the chart
//! computed in SQL from the points (`crate::sources::chart`).

use actix_web::{delete, get, patch, post, web, HttpResponse};
use hub::ValidationErrors;
use persistence::postgres::models::{NewWidget, WidgetChanges};
use persistence::postgres::queries::{sources, widgets};
use protocol::sources::{ChartView, CreateWidget, UpdateWidget, WidgetView};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::sources::chart::{self, AGGREGATIONS, BUCKETS, CHART_TYPES, DATE_RANGES};
use crate::sources::views;
use crate::state::AppState;

/// Most widgets one user may have.
pub const MAX_WIDGETS: i64 = 200;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_widget)
        .service(list_widgets)
        .service(update_widget)
        .service(delete_widget)
        .service(widget_chart);
}

/// Chart settings, each optional, with a sentence turned into them by the LLM (explicit
/// fields win).
struct Settings {
    chart_type: Option<String>,
    date_range: Option<String>,
    aggregation: Option<String>,
    bucket: Option<String>,
}

async fn described(
    state: &AppState,
    describe: Option<&str>,
    mut explicit: Settings,
) -> Result<Settings, ApiError> {
    let Some(sentence) = describe else {
        return Ok(explicit);
    };
    let spec = crate::sources::describe_chart(state, sentence).await?;
    explicit.chart_type = explicit.chart_type.or(spec.chart_type);
    explicit.date_range = explicit.date_range.or(spec.date_range);
    explicit.aggregation = explicit.aggregation.or(spec.aggregation);
    explicit.bucket = explicit.bucket.or(spec.bucket);
    Ok(explicit)
}

fn check(errors: &mut ValidationErrors, s: &Settings) {
    let pairs: [(&str, &Option<String>, &[&str]); 4] = [
        ("chartType", &s.chart_type, &CHART_TYPES),
        ("dateRange", &s.date_range, &DATE_RANGES),
        ("aggregation", &s.aggregation, &AGGREGATIONS),
        ("bucket", &s.bucket, &BUCKETS),
    ];
    for (field, value, allowed) in pairs {
        if let Some(value) = value {
            chart::check_one_of(errors, field, value, allowed);
        }
    }
}

/// Creates a chart of one of your sources. `describe` ("weekly averages as bars") is turned
/// into the settings by the configured LLM endpoint (400 without one).
#[utoipa::path(
    tag = "sources",
    request_body = CreateWidget,
    security(("bearer" = [])),
    responses(
        (status = 201, body = WidgetView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[post("/widgets")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_widget(
    user: AuthUser,
    body: web::Json<CreateWidget>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let given = Settings {
        chart_type: body.chart_type,
        date_range: body.date_range,
        aggregation: body.aggregation,
        bucket: body.bucket,
    };
    let s = described(&state, body.describe.as_deref(), given).await?;
    let mut errors = ValidationErrors::default();
    check(&mut errors, &s);
    if let Some(title) = &body.title {
        errors.check_text("title", title, 200);
    }
    chart::check_dimensions(&mut errors, &body.dimensions);
    errors.into_result(())?;
    let mut conn = state.pool.get().await?;
    let Some(source) = sources::find_owned(&mut conn, user.id, body.source_id).await? else {
        return Err(ApiError::NotFound(format!(
            "source {} not found",
            body.source_id
        )));
    };
    let count = widgets::count_for_owner(&mut conn, user.id).await?;
    if count >= MAX_WIDGETS {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_WIDGETS} widgets; delete one first"
        )));
    }
    let title = body.title.unwrap_or_else(|| source.name.clone());
    let created = widgets::insert(
        &mut conn,
        &NewWidget {
            owner_id: user.id,
            source_id: source.id,
            title: &title,
            chart_type: s.chart_type.as_deref().unwrap_or("line"),
            date_range: s.date_range.as_deref().unwrap_or("30d"),
            aggregation: s.aggregation.as_deref().unwrap_or("none"),
            bucket: s.bucket.as_deref().unwrap_or("day"),
            dimensions: serde_json::json!(body.dimensions),
            position: i32::try_from(count).unwrap_or(i32::MAX),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(views::widget(created)))
}

/// Your widgets, by position.
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    responses((status = 200, body = [WidgetView]), Unauthorized, Unavailable)
)]
#[get("/widgets")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_widgets(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let list: Vec<WidgetView> = widgets::list_for_owner(&mut conn, user.id)
        .await?
        .into_iter()
        .map(views::widget)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Changes one of your widgets' settings (any subset).
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Widget id")),
    request_body = UpdateWidget,
    security(("bearer" = [])),
    responses(
        (status = 200, body = WidgetView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[patch("/widgets/{id}")]
#[tracing::instrument(skip_all, fields(widget_id = *path, user_id = user.id))]
pub async fn update_widget(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateWidget>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let given = Settings {
        chart_type: body.chart_type,
        date_range: body.date_range,
        aggregation: body.aggregation,
        bucket: body.bucket,
    };
    let s = described(&state, body.describe.as_deref(), given).await?;
    let mut errors = ValidationErrors::default();
    check(&mut errors, &s);
    if let Some(title) = &body.title {
        errors.check_text("title", title, 200);
    }
    if let Some(dimensions) = &body.dimensions {
        chart::check_dimensions(&mut errors, dimensions);
    }
    let position = body.position.map(i32::try_from).transpose().ok().flatten();
    if body.position.is_some() && position.is_none_or(|p| p < 0) {
        errors.add("position", "must be 0 to 2147483647");
    }
    errors.into_result(())?;
    let changes = WidgetChanges {
        title: body.title,
        chart_type: s.chart_type,
        date_range: s.date_range,
        aggregation: s.aggregation,
        bucket: s.bucket,
        dimensions: body.dimensions.map(|d| serde_json::json!(d)),
        position,
        updated_at: None,
    };
    let mut conn = state.pool.get().await?;
    match widgets::update(&mut conn, user.id, id, changes).await? {
        Some(widget) => Ok(HttpResponse::Ok().json(views::widget(widget))),
        None => Err(ApiError::NotFound(format!("widget {id} not found"))),
    }
}

/// Deletes one of your widgets (its source stays).
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Widget id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), Unauthorized, NotFound, Unavailable)
)]
#[delete("/widgets/{id}")]
#[tracing::instrument(skip_all, fields(widget_id = *path, user_id = user.id))]
pub async fn delete_widget(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    if widgets::delete(&mut conn, user.id, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("widget {id} not found")))
    }
}

/// One of your widgets' chart: rows per bucket (the aggregation of the value and of each
/// plotted dimension, per day, week or month in UTC) or the raw points (`none`, the newest
/// 5,000), within the date range; for `kpi` the newest value and its change over the range.
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Widget id")),
    security(("bearer" = [])),
    responses((status = 200, body = ChartView), Unauthorized, NotFound, Unavailable)
)]
#[get("/widgets/{id}/chart")]
#[tracing::instrument(skip_all, fields(widget_id = *path, user_id = user.id))]
pub async fn widget_chart(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    let Some(widget) = widgets::find_owned(&mut conn, user.id, id).await? else {
        return Err(ApiError::NotFound(format!("widget {id} not found")));
    };
    let Some(source) = sources::find_owned(&mut conn, user.id, widget.source_id).await? else {
        return Err(ApiError::NotFound(format!("widget {id} not found")));
    };
    let view = chart::compute(&mut conn, &widget, &source, chrono::Utc::now()).await?;
    Ok(HttpResponse::Ok().json(view))
}
