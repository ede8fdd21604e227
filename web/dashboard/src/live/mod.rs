//! The live feed (`WS /api/v1/ws/live`, contract in docs/streaming.md), split so that all of
//! its logic is plain Rust testable natively: the wire format ([`protocol`]), the state the
//! pages render and the sequence bookkeeping that detects gaps ([`state`]), and the reconnect
//! schedule ([`backoff`]), and which budget alerts are on screen as toasts ([`toasts`]). The browser side (the socket itself) is `hooks::use_live`.

pub mod backoff;
pub mod protocol;
pub mod state;
pub mod toasts;

pub use self::protocol::{BudgetAlert, ClientMessage, ServerMessage, Stats, Totals, TotalsRatios};
pub use state::{Connection, LiveAction, LiveState, SeqTracker, Verdict};
pub use toasts::{Toast, ToastAction, Toasts, TOAST_MS};
