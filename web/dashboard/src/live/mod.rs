//! The live feed (`WS /api/v1/ws/live`, contract in docs/streaming.md), split so that all of
//! its logic is plain Rust testable natively: the wire format ([`protocol`]), the state the
//! pages render and the sequence bookkeeping that detects gaps ([`state`]), and the reconnect
//! schedule ([`backoff`]), which budget alerts are on screen as toasts ([`toasts`]), and the polls of followed
//! sources ([`sources`]). The browser side (the socket itself) is `hooks::use_live`.

pub mod backoff;
pub mod protocol;
pub mod sources;
pub mod state;
pub mod toasts;

pub use self::protocol::{BudgetAlert, ClientMessage, ServerMessage, Stats, Totals, TotalsRatios};
pub use sources::{SourceAlert, SourceLive, SourcesLive};
pub use state::{Connection, LiveAction, LiveState, SeqTracker, Verdict};
pub use toasts::{Toast, ToastAction, Toasts, TOAST_MS};
