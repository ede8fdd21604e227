//! Hooks shared by the pages: REST loading with loading/error state ([`use_api`]), the tab's
//! live WebSocket feed with reconnects ([`use_live_feed`], read by pages through
//! [`use_live`]), a periodic tick ([`use_tick`]), throttled refetches after live changes
//! ([`use_refresh_on`]), the session guard ([`use_require_session`]) and form text fields
//! ([`use_text_input`]).

mod api;
mod form;
mod live;
mod refresh;
mod session;
mod tick;

pub use api::{use_api, ApiHandle, Loadable};
pub use form::{
    field_error, form_error, text_field, use_synced_text_input, use_text_input, TextInput,
};
pub use live::{use_live, use_live_feed, use_live_sources, ws_url, LiveContext, Want, Wanted};
pub use refresh::use_refresh_on;
pub use session::{use_require_session, use_session};
pub use tick::use_tick;
