//! Accounts: register (`POST /users`) and log in (`POST /auth/login`).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hub::ValidationErrors;
use persistence::postgres::models::{NewUser, Role, User};
use persistence::postgres::queries::users;
use protocol::accounts::{Credentials, Registration, TokenResponse, UserResponse};

use crate::auth::password::{self, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, Forbidden, JsonBodyErrors, TooManyRequests, Unauthorized, Unavailable,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(register).service(login);
}

/// The longest display name accepted.
pub const MAX_USER_NAME_CHARS: usize = 100;

/// A stored user as the API shows it.
pub fn user_response(user: User) -> UserResponse {
    UserResponse {
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        created_at: user.created_at,
    }
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
    Ok(HttpResponse::Created().json(user_response(user)))
}

/// Log in and receive an access token.
#[utoipa::path(
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        JsonBodyErrors,
        Unauthorized,
        Forbidden,
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
    // Said only to whoever knows the password: a disabled account is no secret to its owner.
    if user.is_disabled() {
        return Err(ApiError::Forbidden(crate::auth::status::DISABLED));
    }
    let issued = keys.issue(user.id, user.role())?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: issued.token,
        token_type: "Bearer".to_owned(),
        expires_in: keys.ttl().as_secs(),
        expires_at: issued.expires_at,
        user: user_response(user),
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

pub(crate) fn check_registration(
    name: Option<&str>,
    email: &str,
    password: &str,
) -> Result<(), ApiError> {
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
