//! Access tokens: HS256 JWTs carrying the user id and role, with an expiry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use persistence::postgres::models::Role;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// What a token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string (RFC 7519).
    pub sub: String,
    pub role: Role,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
}

impl Claims {
    /// The user these claims are about.
    pub fn user(&self) -> Result<super::AuthUser, ApiError> {
        let id = self
            .sub
            .parse()
            .map_err(|_| ApiError::Unauthorized("the access token is invalid"))?;
        Ok(super::AuthUser {
            id,
            role: self.role,
        })
    }
}

/// Signs and checks tokens; built once from the settings.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

/// A freshly issued token.
#[derive(Debug)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl JwtKeys {
    /// Keys for HMAC-SHA256 with `secret`; tokens live for `ttl`.
    pub fn new(secret: &SecretString, ttl: Duration) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            ttl,
        }
    }

    /// How long issued tokens are valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues a token for `user_id` with `role`, valid from now for the configured time.
    pub fn issue(&self, user_id: i64, role: Role) -> Result<IssuedToken, ApiError> {
        let now = Utc::now();
        let ttl = chrono::Duration::from_std(self.ttl).map_err(ApiError::internal)?;
        let expires_at = now + ttl;
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok(IssuedToken { token, expires_at })
    }

    /// Checks signature and expiry and returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    ApiError::Unauthorized("the access token has expired")
                }
                _ => ApiError::Unauthorized("the access token is invalid"),
            })
    }
}
