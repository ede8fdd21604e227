//! Ownership: another user's data is indistinguishable from missing data (404), so ids leak
//! nothing. Admins may read and write everything.

use persistence::models::Assistant;
use persistence::queries::assistants;
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

/// Checks that the caller may act as user `id` (404 otherwise).
pub fn require_user(user: &AuthUser, id: i64) -> Result<(), ApiError> {
    if user.may_access(id) {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!("user {id} not found")))
    }
}
