//! Ownership: another user's data is indistinguishable from missing data (404), so ids leak
//! nothing. Admins may read and write everything.

use persistence::postgres::models::Assistant;
use persistence::postgres::queries::assistants;
use persistence::AsyncPgConnection;

use super::AuthUser;
use crate::error::ApiError;

/// The assistant `id`, if it exists and the caller may access it.
pub async fn owned_assistant(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: i64,
) -> Result<Assistant, ApiError> {
    assistants::find(conn, id)
        .await?
        .filter(|a| user.may_access(a.owner_id))
        .ok_or_else(|| ApiError::NotFound(format!("assistant {id} not found")))
}

/// Checks that the caller is an administrator (403 otherwise; the action is named in the
/// answer, e.g. "only administrators may list users").
pub fn require_admin(user: &AuthUser, refusal: &'static str) -> Result<(), ApiError> {
    if user.role == persistence::postgres::models::Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(refusal))
    }
}

/// Checks that the caller may act as user `id` (404 otherwise).
pub fn require_user(user: &AuthUser, id: i64) -> Result<(), ApiError> {
    if user.may_access(id) {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!("user {id} not found")))
    }
}

/// Owners of assistants already looked up. An assistant never changes owner, so entries stay
/// valid; the cache only saves the ingestion hot path a database round trip per request.
#[derive(Debug, Default)]
pub struct OwnerCache {
    owners: std::sync::RwLock<std::collections::HashMap<i64, i64>>,
}

/// Entries kept at most; past this the cache starts over (it is only an accelerator).
const OWNER_CACHE_ENTRIES: usize = 100_000;

impl OwnerCache {
    /// Forgets assistant `id` (it has been deleted).
    pub fn forget(&self, id: i64) {
        if let Ok(mut owners) = self.owners.write() {
            owners.remove(&id);
        }
    }

    /// Checks that the caller may write to assistant `id`, from the cache or the database.
    pub async fn check(
        &self,
        pool: &persistence::PgPool,
        user: &AuthUser,
        id: i64,
    ) -> Result<(), ApiError> {
        let cached = self
            .owners
            .read()
            .ok()
            .and_then(|owners| owners.get(&id).copied());
        let owner = match cached {
            Some(owner) => owner,
            None => {
                let mut conn = pool.get().await?;
                let owner = assistants::find(&mut conn, id).await?.map(|a| a.owner_id);
                let Some(owner) = owner else {
                    return Err(ApiError::NotFound(format!("assistant {id} not found")));
                };
                if let Ok(mut owners) = self.owners.write() {
                    if owners.len() >= OWNER_CACHE_ENTRIES {
                        owners.clear();
                    }
                    owners.insert(id, owner);
                }
                owner
            }
        };
        if user.may_access(owner) {
            Ok(())
        } else {
            Err(ApiError::NotFound(format!("assistant {id} not found")))
        }
    }
}
