//! The calls of the administrators' page and of an assistant's edit and delete: users, their
//! role and disabled state, storage and the cleanup (`/admin/...`, admins only), and
//! `PATCH`/`DELETE /assistants/{id}` with the deletion preview (owners and admins).

use gloo_net::http::Request;
use protocol::admin::{AdminUser, AdminUsersPage, CleanupReport, StorageView, UpdateUser};
use protocol::assistants::{AssistantDeletion, UpdateAssistant};

use super::client::{with_query, Api};
use super::error::ApiError;
use super::types::Assistant;

/// Users per page of the admin page.
pub const USERS_PAGE: i64 = 20;

impl Api {
    /// `GET /admin/users`: the page starting at `offset` of the users matching `search`.
    pub async fn admin_users(&self, search: &str, offset: i64) -> Result<AdminUsersPage, ApiError> {
        let mut params = vec![
            ("limit", USERS_PAGE.to_string()),
            ("offset", offset.to_string()),
        ];
        if !search.trim().is_empty() {
            params.push(("search", search.trim().to_owned()));
        }
        self.get(&with_query("/admin/users", &params)).await
    }

    /// `PATCH /admin/users/{id}`.
    pub async fn update_user(&self, id: i64, change: &UpdateUser) -> Result<AdminUser, ApiError> {
        let builder = self.authorised(Request::patch(&Self::url(&format!("/admin/users/{id}"))));
        Self::decode(Self::send(builder.json(change)).await?).await
    }

    /// `GET /admin/storage`.
    pub async fn storage(&self) -> Result<StorageView, ApiError> {
        self.get("/admin/storage").await
    }

    /// `POST /admin/retention/run`.
    pub async fn run_cleanup(&self) -> Result<CleanupReport, ApiError> {
        self.post("/admin/retention/run", &serde_json::json!({}))
            .await
    }

    /// `PATCH /assistants/{id}`.
    pub async fn update_assistant(
        &self,
        id: i64,
        change: &UpdateAssistant,
    ) -> Result<Assistant, ApiError> {
        let builder = self.authorised(Request::patch(&Self::url(&format!("/assistants/{id}"))));
        Self::decode(Self::send(builder.json(change)).await?).await
    }

    /// `GET /assistants/{id}/deletion`: what deleting it removes.
    pub async fn assistant_deletion(&self, id: i64) -> Result<AssistantDeletion, ApiError> {
        self.get(&format!("/assistants/{id}/deletion")).await
    }

    /// `DELETE /assistants/{id}` (204).
    pub async fn delete_assistant(&self, id: i64) -> Result<(), ApiError> {
        let builder = self.authorised(Request::delete(&Self::url(&format!("/assistants/{id}"))));
        Self::send(builder.build()).await.map(|_| ())
    }
}
