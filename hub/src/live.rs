//! Live updates as data: what an assistant's actor announces after each committed batch, and
//! what a subscriber receives.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::budget::BudgetAlert;
use crate::{Stats, Totals};

/// What changed for one assistant, and its state afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    pub assistant_id: i64,
    /// Per-assistant sequence number, growing by 1 per delta except for jumps when numbering
    /// restarts (see docs/streaming.md); 0 until the bus or the live hub assigns one.
    pub seq: u64,
    /// When the newest batch in it was committed.
    pub at: DateTime<Utc>,
    /// Samples committed since the previous delta.
    pub added: TotalsWire,
    /// The assistant's statistics after them.
    pub stats: StatsWire,
    /// Budgets exceeded by these samples (each alerted once per period).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<BudgetAlert>,
    /// A budget covering the assistant is spent for its current period.
    #[serde(default)]
    pub over_budget: bool,
}

/// [`Totals`] as carried between nodes (storage units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsWire(pub [i64; 7]);

impl From<Totals> for TotalsWire {
    fn from(t: Totals) -> Self {
        Self([
            t.samples,
            t.calls,
            t.errors,
            t.duration_ms,
            t.cost_nanos,
            t.tokens_in,
            t.tokens_out,
        ])
    }
}

impl From<TotalsWire> for Totals {
    fn from(w: TotalsWire) -> Self {
        let [samples, calls, errors, duration_ms, cost_nanos, tokens_in, tokens_out] = w.0;
        Self {
            samples,
            calls,
            errors,
            duration_ms,
            cost_nanos,
            tokens_in,
            tokens_out,
        }
    }
}

/// [`Stats`] as carried between nodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsWire {
    pub today: TotalsWire,
    pub last_24h: TotalsWire,
    pub last_7_days: TotalsWire,
}

impl From<Stats> for StatsWire {
    fn from(s: Stats) -> Self {
        Self {
            today: s.today.into(),
            last_24h: s.last_24h.into(),
            last_7_days: s.last_7_days.into(),
        }
    }
}

impl From<StatsWire> for Stats {
    fn from(w: StatsWire) -> Self {
        Self {
            today: w.today.into(),
            last_24h: w.last_24h.into(),
            last_7_days: w.last_7_days.into(),
        }
    }
}

/// What a live subscriber receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// The current state; apply only if `seq` is not older than what the client holds.
    Snapshot {
        assistant_id: i64,
        seq: u64,
        stats: Stats,
    },
    /// One delta, in sequence order.
    Delta(Delta),
}
