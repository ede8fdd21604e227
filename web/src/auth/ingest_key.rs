//! Ingestion API keys and the [`Ingestor`] extractor: who may write usage for an assistant,
//! either a logged-in user (bearer token) or a machine client holding that assistant's key
//! (`X-Api-Key`, or `Authorization: Bearer mh_...`).

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use persistence::postgres::queries::ingest_keys;
use persistence::PgPool;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::access::OwnerCache;
use super::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Header carrying an ingestion key.
pub const API_KEY_HEADER: &str = "x-api-key";
/// Every key starts with this, so leaked keys are easy to recognise.
pub const KEY_PREFIX: &str = "mh_";
/// Characters of a key shown in listings.
const SHOWN_CHARS: usize = 11;

/// A new random key: `mh_` and 40 hex digits (160 bits).
pub fn generate() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", hex(&bytes))
}

/// The stored digest of a key.
pub fn digest(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

/// The part of a key shown in listings.
pub fn shown_part(key: &str) -> String {
    key.chars().take(SHOWN_CHARS).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who is writing usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingestor {
    /// A user with a valid access token: any assistant they own.
    User(AuthUser),
    /// An ingestion key: its one assistant.
    Key { assistant_id: i64 },
}

impl Ingestor {
    /// Checks that this ingestor may write to `assistant_id` (404 otherwise).
    pub async fn check(
        &self,
        pool: &PgPool,
        owners: &OwnerCache,
        assistant_id: i64,
    ) -> Result<(), ApiError> {
        match self {
            Self::User(user) => owners.check(pool, user, assistant_id).await,
            Self::Key { assistant_id: own } if *own == assistant_id => Ok(()),
            Self::Key { .. } => Err(ApiError::NotFound(format!(
                "assistant {assistant_id} not found"
            ))),
        }
    }

    /// Resolves an ingestion key (or fails with 401; with 403 when its owner is disabled: the
    /// key is looked up on every request, so that takes effect at once).
    pub async fn from_key(pool: &PgPool, key: &str) -> Result<Self, ApiError> {
        if !key.starts_with(KEY_PREFIX) {
            return Err(ApiError::Unauthorized("the API key is invalid or revoked"));
        }
        let mut conn = pool.get().await?;
        let grant = ingest_keys::resolve(&mut conn, &digest(key))
            .await?
            .ok_or(ApiError::Unauthorized("the API key is invalid or revoked"))?;
        if grant.owner_disabled {
            return Err(ApiError::Forbidden(
                "the API key's owner has been disabled by an administrator",
            ));
        }
        Ok(Self::Key {
            assistant_id: grant.assistant_id,
        })
    }
}

/// An ingestion key sent as `Authorization: Bearer mh_...` (OpenTelemetry exporters are
/// configured with headers, and many tools only offer the bearer one). Access tokens are JWTs,
/// which never start with the key prefix.
fn bearer_key(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let token = value.to_str().ok()?.strip_prefix("Bearer ")?.trim();
    token.starts_with(KEY_PREFIX).then(|| token.to_owned())
}

impl FromRequest for Ingestor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = req
            .headers()
            .get(API_KEY_HEADER)
            .map(|v| v.to_str().map(str::to_owned))
            .or_else(|| bearer_key(req).map(Ok));
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let user = key.is_none().then(|| super::extractor::claimed_user(req));
        Box::pin(async move {
            match (key, user) {
                (Some(Ok(key)), _) => {
                    let state = state.ok_or(ApiError::Unauthorized("keys are not configured"))?;
                    Self::from_key(&state.pool, &key).await
                }
                (Some(Err(_)), _) => {
                    Err(ApiError::Unauthorized("the API key is invalid or revoked"))
                }
                (None, Some(user)) => {
                    let user =
                        super::extractor::confirm(state.as_ref().map(|s| s.get_ref()), user?)
                            .await?;
                    Ok(Self::User(user))
                }
                (None, None) => Err(ApiError::Unauthorized("missing credentials")),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_prefixed_and_digested() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 40);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(shown_part(&a).len(), 11);
    }
}
