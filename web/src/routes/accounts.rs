//! Accounts: register (`POST /users`) and log in (`POST /auth/login`).

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use hub::ValidationErrors;
use persistence::postgres::models::{NewUser, Role, User};
use persistence::postgres::queries::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::password::{self, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, JsonBodyErrors, TooManyRequests, Unauthorized, Unavailable,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(register).service(login);
}

/// The longest display name accepted.
pub const MAX_USER_NAME_CHARS: usize = 100;

/// Login credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Email address; compared case-insensitively, at most 254 bytes of UTF-8.
    #[schema(example = "ada@example.com", format = Email, max_length = 254)]
    pub email: String,
    /// At least 8 characters and at most 1024 bytes of UTF-8 (`maxLength` counts characters:
    /// it is exact for ASCII).
    #[schema(
        example = "correct horse battery staple",
        min_length = 8,
        max_length = 1024
    )]
    pub password: String,
}

/// A registration: credentials and, optionally, how the user wants to be addressed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Optional display name, 1 to 100 characters after trimming, no control characters.
    #[schema(
        example = "Ada Lovelace",
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    #[serde(default)]
    pub name: Option<String>,
    /// Email address; compared case-insensitively, at most 254 bytes of UTF-8.
    #[schema(example = "ada@example.com", format = Email, max_length = 254)]
    pub email: String,
    /// At least 8 characters and at most 1024 bytes of UTF-8.
    #[schema(
        example = "correct horse battery staple",
        min_length = 8,
        max_length = 1024
    )]
    pub password: String,
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    pub id: i64,
    /// The display name given at registration, if any.
    pub name: Option<String>,
    pub email: String,
    #[schema(value_type = crate::routes::openapi::schemas::Role)]
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
            created_at: user.created_at,
        }
    }
}

/// A successful login.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(pattern = "^Bearer$")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
    pub expires_at: DateTime<Utc>,
    pub user: UserResponse,
}

/// Register a new user.
#[utoipa::path(
    tag = "accounts",
    request_body = Registration,
    responses(
        (status = 201, description = "Registered", body = UserResponse),
        JsonBodyErrors,
        Conflict,
        TooManyRequests,
        Unavailable,
    )
)]
#[post("/users")]
#[tracing::instrument(skip_all)]
pub async fn register(
    request: HttpRequest,
    body: web::Json<Registration>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { attempts, pool, .. } = state.get_ref();
    attempts.check(&request)?;
    let Registration {
        name,
        email,
        password,
    } = body.into_inner();
    let email = normalise_email(&email);
    let name = name.as_deref().map(str::trim);
    check_registration(name, &email, &password)?;
    let password_hash = password::hash(password).await?;
    let mut conn = pool.get().await?;
    let new = NewUser {
        email: &email,
        password_hash: &password_hash,
        role: Role::User.as_str(),
        name,
    };
    let user = users::insert(&mut conn, &new).await.map_err(|e| {
        let e = persistence::PersistenceError::from(e);
        if e.is_unique_violation() {
            ApiError::Conflict(format!("{email} is already registered"))
        } else {
            e.into()
        }
    })?;
    Ok(HttpResponse::Created().json(UserResponse::from(user)))
}

/// Log in and receive an access token.
#[utoipa::path(
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        JsonBodyErrors,
        Unauthorized,
        TooManyRequests,
        Unavailable,
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    request: HttpRequest,
    body: web::Json<Credentials>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        attempts,
        pool,
        keys,
        ..
    } = state.get_ref();
    attempts.check(&request)?;
    let Credentials { email, password } = body.into_inner();
    let email = normalise_email(&email);
    if has_forbidden_char(&email) {
        return Err(ValidationErrors::single(
            "email",
            "must not contain whitespace or control characters",
        )
        .into());
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Unauthorized("wrong email or password"));
    }
    let mut conn = pool.get().await?;
    let user = users::find_by_email(&mut conn, &email).await?;
    drop(conn);
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    if !password::verify(password, stored).await? {
        return Err(ApiError::Unauthorized("wrong email or password"));
    }
    let Some(user) = user else {
        return Err(ApiError::Unauthorized("wrong email or password"));
    };
    let issued = keys.issue(user.id, user.role())?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: keys.ttl().as_secs(),
        expires_at: issued.expires_at,
        user: user.into(),
    }))
}

pub(crate) fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whitespace or a control character (U+0000 among them, which PostgreSQL cannot store): no
/// address that has one can be registered, so none is ever looked up either.
fn has_forbidden_char(email: &str) -> bool {
    email.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_registration(name: Option<&str>, email: &str, password: &str) -> Result<(), ApiError> {
    let mut errors = ValidationErrors::default();
    if let Some(name) = name {
        errors.check_text("name", name, MAX_USER_NAME_CHARS);
    }
    let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.ends_with('.')
    });
    if !well_formed || email.len() > 254 || has_forbidden_char(email) {
        errors.add("email", "must be an email address such as ada@example.com");
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.add(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        );
    } else if password.len() > MAX_PASSWORD_BYTES {
        errors.add(
            "password",
            format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        );
    }
    Ok(errors.into_result(())?)
}
