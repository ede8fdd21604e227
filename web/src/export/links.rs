//! Signed download links for exports. A browser downloads a file by navigating to a URL, so it
//! cannot send the `Authorization` header: `POST /export/links` (authenticated) returns a URL
//! that carries the exact export query and a short-lived token bound to it.
//!
//! The token is a JWT signed with a key derived from the access-token secret but different from
//! it, with `aud: "export"`: it is no access token anywhere else, and an access token is no
//! download token. It names the user, their role and the canonical query; a URL whose query is
//! not exactly the signed one is refused. It lives a minute (`APP_AUTH__EXPORT_LINK_TTL_SECONDS`)
//! and works once (its `jti` is
//! recorded by the download), so a URL copied from an access log is useless.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use persistence::postgres::models::Role;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::auth::AuthUser;
use crate::error::ApiError;

/// Appended to the access-token secret to make the links' own key.
const KEY_CONTEXT: &[u8] = b"\0metrics-hub export links";
/// The audience (and scope) of a link token.
const AUDIENCE: &str = "export";

/// What a link token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LinkClaims {
    /// The user id.
    sub: String,
    aud: String,
    role: Role,
    /// The canonical export query the link was made for.
    q: String,
    iat: i64,
    exp: i64,
    /// Unique per link: a download records it, so a link works once.
    jti: String,
}

/// A download the token allows.
#[derive(Debug, Clone)]
pub struct Grant {
    pub user: AuthUser,
    /// The link's id (recorded on use).
    pub id: String,
    pub expires_at: DateTime<Utc>,
}

/// A link just made: its token and when it stops working.
#[derive(Debug)]
pub struct IssuedLink {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs and checks download tokens; built once from the settings.
#[derive(Clone)]
pub struct ExportLinks {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl ExportLinks {
    /// Keys derived from the access tokens' `secret`; links live for `ttl`.
    pub fn new(secret: &SecretString, ttl: Duration) -> Self {
        let key = [secret.expose_secret().as_bytes(), KEY_CONTEXT].concat();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "aud", "iat"]);
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
            ttl,
        }
    }

    /// A token letting `user` download the export of `query` (canonical) once, for the TTL.
    pub fn issue(&self, user: &AuthUser, query: &str) -> Result<IssuedLink, ApiError> {
        let now = Utc::now();
        let ttl = chrono::Duration::from_std(self.ttl).map_err(ApiError::internal)?;
        let expires_at = now + ttl;
        let claims = LinkClaims {
            sub: user.id.to_string(),
            aud: AUDIENCE.to_owned(),
            role: user.role,
            q: query.to_owned(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: format!("{:032x}", rand::random::<u128>()),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok(IssuedLink { token, expires_at })
    }

    /// The download `token` allows, if it is genuine, unexpired and made for exactly `query`.
    pub fn verify(&self, token: &str, query: &str) -> Result<Grant, ApiError> {
        let claims = jsonwebtoken::decode::<LinkClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::Unauthorized(
                    "the download link has expired: export again from the dashboard",
                ),
                _ => ApiError::Unauthorized("the download link is invalid"),
            })?;
        if claims.q != query {
            return Err(ApiError::Unauthorized(
                "the download link was made for another query",
            ));
        }
        let id = claims
            .sub
            .parse()
            .map_err(|_| ApiError::Unauthorized("the download link is invalid"))?;
        Ok(Grant {
            user: AuthUser {
                id,
                role: claims.role,
            },
            id: claims.jti,
            expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::JwtKeys;

    fn secret() -> SecretString {
        SecretString::from("a test secret of at least thirty-two bytes")
    }

    #[test]
    fn a_link_token_is_bound_to_its_query_and_is_no_access_token() {
        let links = ExportLinks::new(&secret(), Duration::from_secs(60));
        let user = AuthUser {
            id: 4,
            role: Role::User,
        };
        let issued = links.issue(&user, "assistant=1&format=csv");
        let token = issued.map(|i| i.token).unwrap_or_default();
        let grant = links.verify(&token, "assistant=1&format=csv");
        assert_eq!(grant.map(|g| g.user).ok(), Some(user));
        assert!(links.verify(&token, "assistant=2&format=csv").is_err());
        let access = JwtKeys::new(&secret(), Duration::from_secs(60));
        assert!(access.verify(&token).is_err(), "a link is no access token");
        let access_token = access
            .issue(4, Role::User)
            .map(|t| t.token)
            .unwrap_or_default();
        assert!(
            links.verify(&access_token, "").is_err(),
            "an access token is no link"
        );
    }
}
