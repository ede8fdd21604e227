//! Per-assistant sequence numbers as one node's live hub sees them, kept apart from the actor
//! so the rules are pure functions with unit tests: the floor a publisher hands the bus (so the
//! bus never numbers below what this node has delivered), how the node numbers deltas itself
//! while the bus is unavailable, and which deltas a resume may replay (only an unbroken run).

use std::collections::VecDeque;

use crate::live::Delta;

/// What this node knows of one assistant's numbering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Numbering {
    /// The highest sequence number delivered on this node.
    pub last: u64,
    /// Whether `last` was numbered on this node (bus unavailable) rather than by the bus.
    pub local: bool,
}

impl Numbering {
    /// The bus must number the assistant's next delta above this. After numbers handed out on
    /// this node alone it is one more than `last`, so the bus's next number leaves a gap: the
    /// node's subscribers may have missed other nodes' deltas meanwhile, and must be told.
    pub fn floor(self) -> u64 {
        self.last + u64::from(self.local)
    }

    /// The number of a delta this node delivers without the bus. With a bus configured but
    /// failing, the first such number jumps to `now_micros` (this node's clock, in
    /// microseconds since 1970): far above what the bus handed out and unlikely to collide
    /// with another node doing the same, and a visible gap for subscribers. The following
    /// ones count on by one. Without a bus, numbers simply count 1, 2, 3, ...
    pub fn next_local(self, bus_configured: bool, now_micros: u64) -> u64 {
        if !bus_configured || self.local {
            self.last + 1
        } else {
            (self.last + 2).max(now_micros)
        }
    }
}

/// The deltas after `since` when `history` (oldest first, ending at `last`) holds an unbroken
/// run of them: `since + 1`, `since + 2`, ... up to `last`. `None` when it does not (too old,
/// from the future, or across a jump in numbering such as a Redis restart): the subscriber
/// needs a snapshot, never a replay with a silent hole.
pub fn replay(history: &VecDeque<Delta>, last: u64, since: u64) -> Option<Vec<Delta>> {
    if since > last {
        return None;
    }
    let missed: Vec<Delta> = history.iter().filter(|d| d.seq > since).cloned().collect();
    let mut expected = since;
    for delta in &missed {
        if delta.seq != expected + 1 {
            return None;
        }
        expected = delta.seq;
    }
    (expected == last).then_some(missed)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn history(seqs: &[u64]) -> VecDeque<Delta> {
        seqs.iter()
            .map(|&seq| Delta {
                assistant_id: 1,
                seq,
                at: Utc::now(),
                added: Default::default(),
                stats: Default::default(),
                alerts: Vec::new(),
                rule_alerts: Vec::new(),
                over_budget: false,
                sessions: None,
            })
            .collect()
    }

    fn seqs(replayed: Option<Vec<Delta>>) -> Option<Vec<u64>> {
        replayed.map(|deltas| deltas.iter().map(|d| d.seq).collect())
    }

    #[test]
    fn an_unbroken_run_is_replayed_exactly() {
        let held = history(&[3, 4, 5, 6]);
        assert_eq!(seqs(replay(&held, 6, 4)), Some(vec![5, 6]));
        assert_eq!(seqs(replay(&held, 6, 2)), Some(vec![3, 4, 5, 6]));
        assert_eq!(seqs(replay(&held, 6, 6)), Some(vec![]));
    }

    #[test]
    fn too_old_or_future_positions_get_a_snapshot() {
        let held = history(&[3, 4, 5, 6]);
        assert_eq!(seqs(replay(&held, 6, 1)), None, "delta 2 is gone");
        assert_eq!(seqs(replay(&held, 6, 7)), None, "from the future");
        assert_eq!(seqs(replay(&VecDeque::new(), 6, 3)), None, "nothing held");
    }

    #[test]
    fn a_jump_in_numbering_is_never_replayed_across() {
        // A Redis restart: 41, 42, then numbers from the clock.
        let restart = 1_764_630_000_000_000;
        let held = history(&[41, 42, restart, restart + 1]);
        assert_eq!(seqs(replay(&held, restart + 1, 42)), None, "since -> first");
        assert_eq!(seqs(replay(&held, restart + 1, 40)), None, "inside the run");
        assert_eq!(
            seqs(replay(&held, restart + 1, restart)),
            Some(vec![restart + 1]),
            "after the jump, resuming is exact again"
        );
        // A delta this node never delivered (a full mailbox elsewhere does not matter, but a
        // missing number in the history does).
        assert_eq!(seqs(replay(&history(&[5, 7, 8]), 8, 5)), None);
        // A history that does not reach `last` (never the case, but never a hole either).
        assert_eq!(seqs(replay(&history(&[5, 6]), 9, 5)), None);
    }

    #[test]
    fn the_floor_leaves_a_gap_only_after_local_numbers() {
        let from_bus = Numbering {
            last: 42,
            local: false,
        };
        assert_eq!(from_bus.floor(), 42);
        let from_here = Numbering {
            last: 42,
            local: true,
        };
        assert_eq!(from_here.floor(), 43);
        assert_eq!(Numbering::default().floor(), 0);
    }

    #[test]
    fn local_numbers_jump_to_the_clock_once_then_count() {
        let now = 1_764_630_000_000_000;
        let from_bus = Numbering {
            last: 42,
            local: false,
        };
        assert_eq!(from_bus.next_local(true, now), now);
        let counting = Numbering {
            last: now,
            local: true,
        };
        assert_eq!(counting.next_local(true, now + 5), now + 1);
        // A bus number above this node's clock (clock skew): still a gap, never a step back.
        let ahead = Numbering {
            last: now + 1_000,
            local: false,
        };
        assert_eq!(ahead.next_local(true, now), now + 1_002);
        // No bus at all: plain counting from 1.
        assert_eq!(Numbering::default().next_local(false, now), 1);
        assert_eq!(from_bus.next_local(false, now), 43);
    }
}
