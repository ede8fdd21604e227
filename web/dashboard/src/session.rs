//! Who is logged in. The access token from `POST /auth/login` is kept in `localStorage`, so a
//! reload, a second tab or the wallboard TV stays logged in until the token expires; the
//! [`SessionContext`] hands it to every page and lets any page log out (e.g. after a 401).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use yew::{Callback, Reducible};

use crate::api::types::LoginResponse;
use crate::api::Api;

/// `localStorage` key of the session.
pub const STORAGE_KEY: &str = "metrics-hub.session";

/// A logged-in user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub token: String,
    pub user_id: i64,
    pub email: String,
    /// The display name given at registration (sessions stored before names were kept have
    /// none).
    #[serde(default)]
    pub name: Option<String>,
    /// `user` or `admin`, as of the login (sessions stored before roles were kept have none;
    /// the hub checks the role on every call, this only decides what the nav offers).
    #[serde(default)]
    pub role: Option<String>,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    /// The session a successful login starts.
    pub fn from_login(login: &LoginResponse) -> Self {
        Self {
            token: login.access_token.clone(),
            user_id: login.user.id,
            email: login.user.email.clone(),
            name: login.user.name.clone(),
            role: Some(login.user.role.clone()),
            expires_at: login.expires_at,
        }
    }

    /// Whether the user logged in as an administrator.
    pub fn is_admin(&self) -> bool {
        self.role.as_deref() == Some("admin")
    }

    /// Whether the token is still good at `now` (with a minute of slack for clock skew).
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        !self.token.is_empty() && now + chrono::Duration::seconds(60) < self.expires_at
    }

    /// Reads a stored session; `None` when absent, unreadable or expired.
    pub fn parse_stored(text: &str, now: DateTime<Utc>) -> Option<Self> {
        serde_json::from_str::<Self>(text)
            .ok()
            .filter(|s| s.is_valid_at(now))
    }

    /// API calls as this user.
    pub fn api(&self) -> Api {
        Api::with_token(self.token.clone())
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored session, if any and still valid.
pub fn load() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Session::parse_stored(&text, Utc::now())
}

/// Stores (or with `None` removes) the session. Storage failures (private mode, quota) only
/// mean the next reload asks to log in again.
pub fn store(session: Option<&Session>) {
    let Some(storage) = storage() else { return };
    let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(text) => storage.set_item(STORAGE_KEY, &text),
        None => storage.remove_item(STORAGE_KEY),
    };
}

/// Log in or out.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionAction {
    LogIn(Session),
    LogOut,
}

/// The session state of the app (a `use_reducer` state, persisted on change by the app).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionState {
    pub session: Option<Session>,
}

impl Reducible for SessionState {
    type Action = SessionAction;

    fn reduce(self: std::rc::Rc<Self>, action: SessionAction) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Self {
            session: match action {
                SessionAction::LogIn(session) => Some(session),
                SessionAction::LogOut => None,
            },
        })
    }
}

/// What pages get from the context: the session and a way to change it.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionContext {
    pub session: Option<Session>,
    pub dispatch: Callback<SessionAction>,
}

impl SessionContext {
    pub fn log_out(&self) {
        self.dispatch.emit(SessionAction::LogOut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::User;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn login_answers_become_sessions_that_expire() {
        let login = LoginResponse {
            access_token: "tok".to_owned(),
            token_type: "Bearer".to_owned(),
            expires_in: 3600,
            expires_at: at(12, 0),
            user: User {
                id: 3,
                name: Some("Ada Lovelace".to_owned()),
                email: "ada@example.com".to_owned(),
                role: "user".to_owned(),
                created_at: at(9, 0),
            },
        };
        let session = Session::from_login(&login);
        assert_eq!(session.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(session.user_id, 3);
        assert!(!session.is_admin());
        assert!(session.is_valid_at(at(11, 0)));
        assert!(!session.is_valid_at(at(11, 59)));
        assert!(!session.is_valid_at(at(13, 0)));

        let stored = serde_json::to_string(&session).unwrap_or_default();
        assert_eq!(Session::parse_stored(&stored, at(10, 0)), Some(session));
        assert_eq!(Session::parse_stored(&stored, at(12, 30)), None);
        assert_eq!(Session::parse_stored("{garbage", at(10, 0)), None);
        // Sessions stored before names were kept still load.
        let older =
            r#"{"token":"tok","userId":3,"email":"a@b.c","expiresAt":"2026-11-23T12:00:00Z"}"#;
        let loaded = Session::parse_stored(older, at(10, 0));
        assert_eq!(
            loaded.map(|s| (s.user_id, s.name, s.role)),
            Some((3, None, None))
        );
    }

    #[test]
    fn an_admin_login_is_an_admin_session() {
        let stored = r#"{"token":"tok","userId":1,"email":"a@b.c","role":"admin",
                         "expiresAt":"2026-11-23T12:00:00Z"}"#;
        let session = Session::parse_stored(stored, at(10, 0));
        assert_eq!(session.map(|s| s.is_admin()), Some(true));
    }
}
