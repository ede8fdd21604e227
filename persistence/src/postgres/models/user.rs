//! `users`: people who log in.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::users;

/// What a user may do: `admin` may read every user's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    /// The value stored in `users.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }

    /// Reads `users.role`; the column's CHECK constraint admits only the two known values.
    pub fn from_db(value: &str) -> Self {
        if value == "admin" {
            Self::Admin
        } else {
            Self::User
        }
    }
}

/// A stored user.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    /// How the user is addressed (optional; 1 to 100 characters).
    pub name: Option<String>,
    /// When an administrator disabled the account; `None` while it is active.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl User {
    /// The user's role.
    pub fn role(&self) -> Role {
        Role::from_db(&self.role)
    }

    /// Whether an administrator has disabled the account.
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

/// A user to insert; `email` must already be normalised (trimmed, lower-case).
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub name: Option<&'a str>,
}
