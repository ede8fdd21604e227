//! Accounts: registering (`POST /users`), logging in (`POST /auth/login`) and the user the API
//! shows. The limits in the field docs are the hub's (`web::routes::accounts`), written out here
//! for the OpenAPI document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Login credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Email address; compared case-insensitively, at most 254 bytes of UTF-8.
    #[cfg_attr(feature = "openapi", schema(example = "ada@example.com", format = Email, max_length = 254))]
    pub email: String,
    /// At least 8 characters and at most 1024 bytes of UTF-8 (`maxLength` counts characters:
    /// it is exact for ASCII).
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "correct horse battery staple",
            min_length = 8,
            max_length = 1024
        )
    )]
    pub password: String,
}

/// A registration: credentials and, optionally, how the user wants to be addressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Optional display name, 1 to 100 characters after trimming, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Ada Lovelace",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address; compared case-insensitively, at most 254 bytes of UTF-8.
    #[cfg_attr(feature = "openapi", schema(example = "ada@example.com", format = Email, max_length = 254))]
    pub email: String,
    /// At least 8 characters and at most 1024 bytes of UTF-8.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "correct horse battery staple",
            min_length = 8,
            max_length = 1024
        )
    )]
    pub password: String,
}

/// Role of a user (the OpenAPI schema of `UserResponse::role`).
#[cfg(feature = "openapi")]
#[derive(Debug, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    pub id: i64,
    /// The display name given at registration, if any.
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
    /// `user` or `admin`.
    #[cfg_attr(feature = "openapi", schema(value_type = Role))]
    pub role: String,
    pub created_at: DateTime<Utc>,
}

/// A successful login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^Bearer$"))]
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
    pub expires_at: DateTime<Utc>,
    pub user: UserResponse,
}
