//! Whether the bearer of a valid token may still act, and with which role: an administrator
//! can disable a user or change their role long before the user's token expires, so every
//! authenticated request confirms the token's user against `users` (role and `disabled_at`).
//!
//! The answer is cached per user for [`STATUS_TTL`] so a burst of requests costs one primary-key
//! lookup, not one each. The node that disables a user (or changes a role) forgets its cached
//! entry at once, so there a disabled token stops working with the next request; another hub
//! node learns it within [`STATUS_TTL`] at most. The role comes from the database too, so a
//! demoted administrator loses admin rights as quickly (the token's role is only a hint).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use persistence::postgres::models::Role;
use persistence::postgres::queries::users;
use persistence::PgPool;

use super::AuthUser;
use crate::error::ApiError;

/// How long one node trusts a looked-up status (the longest a disabled user's token keeps
/// working on a node other than the one that disabled them).
pub const STATUS_TTL: Duration = Duration::from_secs(1);

/// Entries kept at most; past this the cache starts over (it is only an accelerator).
const MAX_ENTRIES: usize = 100_000;

/// What a disabled user is told, on every request and at login.
pub const DISABLED: &str =
    "this account has been disabled by an administrator; ask them to enable it again";

#[derive(Debug, Clone, Copy)]
struct Status {
    role: Role,
    disabled: bool,
    fetched: Instant,
}

/// The per-node cache of users' role and disabled state.
#[derive(Debug, Default)]
pub struct AccountStatus {
    entries: RwLock<HashMap<i64, Status>>,
}

impl AccountStatus {
    /// The caller a verified token claims, confirmed: 403 when the user is disabled, 401 when
    /// the user no longer exists, the stored role otherwise.
    pub async fn confirm(&self, pool: &PgPool, claimed: AuthUser) -> Result<AuthUser, ApiError> {
        let status = match self.cached(claimed.id) {
            Some(status) => status,
            None => self.fetch(pool, claimed.id).await?,
        };
        if status.disabled {
            return Err(ApiError::Forbidden(DISABLED));
        }
        Ok(AuthUser {
            id: claimed.id,
            role: status.role,
        })
    }

    /// Forgets what is cached of user `id` (after their role or disabled state changed).
    pub fn forget(&self, id: i64) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(&id);
        }
    }

    fn cached(&self, id: i64) -> Option<Status> {
        let entries = self.entries.read().ok()?;
        entries
            .get(&id)
            .copied()
            .filter(|s| s.fetched.elapsed() < STATUS_TTL)
    }

    async fn fetch(&self, pool: &PgPool, id: i64) -> Result<Status, ApiError> {
        let mut conn = pool.get().await?;
        let (role, disabled_at) =
            users::status(&mut conn, id)
                .await?
                .ok_or(ApiError::Unauthorized(
                    "the access token's user no longer exists",
                ))?;
        let status = Status {
            role: Role::from_db(&role),
            disabled: disabled_at.is_some(),
            fetched: Instant::now(),
        };
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(id, status);
        }
        Ok(status)
    }
}
