//! The alert toasts: which budget alerts from the live feed are on screen. [`LiveState`] keeps
//! the newest alerts and counts every one it received; [`Toasts::absorb`] turns each alert not
//! yet shown into a toast, so none is dropped between two renders (up to [`MAX_ALERTS`] at
//! once, what the live state keeps) and none is shown twice. Toasts leave when dismissed or
//! when their time is up ([`TOAST_MS`], the host's timer dispatches [`ToastAction::Dismiss`]).

use std::rc::Rc;

use super::sources::SourceAlert;
use super::state::{LiveState, MAX_ALERTS};
use super::BudgetAlert;
use protocol::live::RuleAlert;

/// How long a toast stays, in milliseconds.
pub const TOAST_MS: u32 = 10_000;

/// One alert on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    /// Unique while the page lives (the key of its element and of its dismissal).
    pub id: u64,
    pub alert: BudgetAlert,
}

/// The toasts on screen, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Toasts {
    pub shown: Vec<Toast>,
    /// How many alerts of the live feed have been turned into toasts.
    absorbed: u64,
    next_id: u64,
    /// Toasts of alert rules that fired, oldest first (ids shared with `shown`).
    pub rules_shown: Vec<RuleToast>,
    /// How many rule firings of the live feed have been turned into toasts.
    rules_absorbed: u64,
    /// Toasts of sources that need their owner, oldest first (ids shared with `shown`).
    pub sources_shown: Vec<SourceToast>,
    /// How many source alerts of the live feed have been turned into toasts.
    sources_absorbed: u64,
}

/// One source alert on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceToast {
    pub id: u64,
    pub alert: SourceAlert,
}

/// One rule firing on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleToast {
    pub id: u64,
    pub alert: RuleAlert,
}

/// Inputs of the [`Toasts`] reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum ToastAction {
    /// The live state changed: show the alerts it received since the last time.
    Absorb {
        alerts: Vec<BudgetAlert>,
        received: u64,
    },
    /// The live state's rule firings changed: show those received since the last time.
    AbsorbRules {
        alerts: Vec<RuleAlert>,
        received: u64,
    },
    /// The live state's source alerts changed: show those received since the last time.
    AbsorbSources {
        alerts: Vec<SourceAlert>,
        received: u64,
    },
    /// Remove one toast (closed, or its time is up).
    Dismiss(u64),
}

impl Toasts {
    /// Shows the alerts of `live` not shown yet; returns the new toasts' ids.
    pub fn absorb(&mut self, live: &LiveState) -> Vec<u64> {
        self.absorb_alerts(&live.alerts, live.alerts_received)
    }

    /// `alerts` is newest first and `received` counts every alert ever put in it.
    fn absorb_alerts(&mut self, alerts: &[BudgetAlert], received: u64) -> Vec<u64> {
        if received < self.absorbed {
            // A new feed (after logging in again): start counting afresh.
            self.absorbed = 0;
        }
        let fresh = usize::try_from(received - self.absorbed)
            .unwrap_or(usize::MAX)
            .min(alerts.len())
            .min(MAX_ALERTS);
        self.absorbed = received;
        let mut ids = Vec::with_capacity(fresh);
        // Oldest of the fresh ones first, so toasts stack in the order the alerts came.
        for alert in alerts[..fresh].iter().rev() {
            self.next_id += 1;
            ids.push(self.next_id);
            self.shown.push(Toast {
                id: self.next_id,
                alert: alert.clone(),
            });
        }
        ids
    }

    /// Shows the rule firings not shown yet (`alerts` newest first, `received` counting every
    /// one); returns the new toasts' ids.
    fn absorb_rules(&mut self, alerts: &[RuleAlert], received: u64) -> Vec<u64> {
        if received < self.rules_absorbed {
            self.rules_absorbed = 0;
        }
        let fresh = usize::try_from(received - self.rules_absorbed)
            .unwrap_or(usize::MAX)
            .min(alerts.len());
        self.rules_absorbed = received;
        let mut ids = Vec::with_capacity(fresh);
        for alert in alerts[..fresh].iter().rev() {
            self.next_id += 1;
            ids.push(self.next_id);
            self.rules_shown.push(RuleToast {
                id: self.next_id,
                alert: alert.clone(),
            });
        }
        ids
    }

    /// Shows the source alerts not shown yet (`alerts` newest first, `received` counting
    /// every one); returns the new toasts' ids.
    fn absorb_sources(&mut self, alerts: &[SourceAlert], received: u64) -> Vec<u64> {
        if received < self.sources_absorbed {
            self.sources_absorbed = 0;
        }
        let fresh = usize::try_from(received - self.sources_absorbed)
            .unwrap_or(usize::MAX)
            .min(alerts.len());
        self.sources_absorbed = received;
        let mut ids = Vec::with_capacity(fresh);
        for alert in alerts[..fresh].iter().rev() {
            self.next_id += 1;
            ids.push(self.next_id);
            self.sources_shown.push(SourceToast {
                id: self.next_id,
                alert: alert.clone(),
            });
        }
        ids
    }

    /// Removes toast `id`; whether it was shown.
    pub fn dismiss(&mut self, id: u64) -> bool {
        let count = |t: &Self| t.shown.len() + t.rules_shown.len() + t.sources_shown.len();
        let before = count(self);
        self.shown.retain(|t| t.id != id);
        self.rules_shown.retain(|t| t.id != id);
        self.sources_shown.retain(|t| t.id != id);
        count(self) != before
    }
}

impl yew::Reducible for Toasts {
    type Action = ToastAction;

    fn reduce(self: Rc<Self>, action: ToastAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let changed = match action {
            ToastAction::Absorb { alerts, received } => {
                let before = next.absorbed;
                !next.absorb_alerts(&alerts, received).is_empty() || before != next.absorbed
            }
            ToastAction::AbsorbRules { alerts, received } => {
                let before = next.rules_absorbed;
                !next.absorb_rules(&alerts, received).is_empty() || before != next.rules_absorbed
            }
            ToastAction::AbsorbSources { alerts, received } => {
                let before = next.sources_absorbed;
                !next.absorb_sources(&alerts, received).is_empty()
                    || before != next.sources_absorbed
            }
            ToastAction::Dismiss(id) => next.dismiss(id),
        };
        if changed {
            Rc::new(next)
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(budget_id: i64, threshold: i64) -> BudgetAlert {
        BudgetAlert {
            budget_id,
            assistant_id: Some(1),
            period: "daily".into(),
            period_start: chrono::NaiveDate::default(),
            threshold,
            limit: 1.0,
            spent: 1.0,
        }
    }

    /// A live state that received `list` (oldest first) in total.
    fn live(list: &[BudgetAlert]) -> LiveState {
        let mut state = LiveState::default();
        for a in list {
            state.alerts.insert(0, a.clone());
        }
        state.alerts.truncate(MAX_ALERTS);
        state.alerts_received = list.len() as u64;
        state
    }

    fn shown(toasts: &Toasts) -> Vec<(i64, i64)> {
        toasts
            .shown
            .iter()
            .map(|t| (t.alert.budget_id, t.alert.threshold))
            .collect()
    }

    #[test]
    fn every_alert_becomes_one_toast_in_order() {
        let mut toasts = Toasts::default();
        let mut all = vec![alert(1, 50)];
        assert_eq!(toasts.absorb(&live(&all)), vec![1]);
        // The same state again (a re-render): nothing new.
        assert!(toasts.absorb(&live(&all)).is_empty());
        // Two arrive before the next render: both shown, oldest first.
        all.extend([alert(1, 80), alert(2, 100)]);
        assert_eq!(toasts.absorb(&live(&all)), vec![2, 3]);
        assert_eq!(shown(&toasts), [(1, 50), (1, 80), (2, 100)]);
        assert!(toasts.dismiss(2));
        assert!(!toasts.dismiss(2));
        assert_eq!(shown(&toasts), [(1, 50), (2, 100)]);
    }

    #[test]
    fn a_burst_larger_than_the_live_state_keeps_shows_what_it_kept() {
        let mut toasts = Toasts::default();
        let burst: Vec<BudgetAlert> = (0..30).map(|i| alert(i, 50)).collect();
        assert_eq!(toasts.absorb(&live(&burst)).len(), MAX_ALERTS);
        assert_eq!(toasts.shown.first().map(|t| t.alert.budget_id), Some(10));
        assert_eq!(toasts.shown.last().map(|t| t.alert.budget_id), Some(29));
    }

    #[test]
    fn the_reducer_keeps_the_same_rc_when_nothing_changes() {
        use yew::Reducible;
        let toasts = Rc::new(Toasts::default());
        let same = toasts.clone().reduce(ToastAction::Dismiss(4));
        assert!(Rc::ptr_eq(&toasts, &same));
        let one = toasts.reduce(ToastAction::Absorb {
            alerts: vec![alert(1, 50)],
            received: 1,
        });
        assert_eq!(shown(&one), [(1, 50)]);
        let again = one.clone().reduce(ToastAction::Absorb {
            alerts: vec![alert(1, 50)],
            received: 1,
        });
        assert!(Rc::ptr_eq(&one, &again));
    }

    #[test]
    fn each_rule_firing_becomes_one_toast_and_dismisses_by_id() {
        let firing = |alert_id| RuleAlert {
            alert_id,
            rule_id: 1,
            metric: "error_rate".into(),
            threshold: 5.0,
            value: 50.0,
            calls: 10,
            window_minutes: 15,
        };
        let mut toasts = Toasts::default();
        assert_eq!(toasts.absorb_rules(&[firing(1)], 1), vec![1]);
        assert!(toasts.absorb_rules(&[firing(1)], 1).is_empty());
        assert_eq!(
            toasts.absorb_rules(&[firing(3), firing(2), firing(1)], 3),
            vec![2, 3]
        );
        let ids: Vec<i64> = toasts
            .rules_shown
            .iter()
            .map(|t| t.alert.alert_id)
            .collect();
        assert_eq!(ids, [1, 2, 3]);
        assert!(toasts.dismiss(2));
        assert_eq!(toasts.rules_shown.len(), 2);
    }

    #[test]
    fn each_source_alert_becomes_one_toast() {
        let alert = |source_id| SourceAlert {
            source_id,
            message: format!("source {source_id} stopped retrying"),
        };
        let mut toasts = Toasts::default();
        assert_eq!(toasts.absorb_sources(&[alert(1)], 1), vec![1]);
        assert!(toasts.absorb_sources(&[alert(1)], 1).is_empty());
        assert_eq!(
            toasts.absorb_sources(&[alert(3), alert(2), alert(1)], 3),
            vec![2, 3]
        );
        let ids: Vec<i64> = toasts
            .sources_shown
            .iter()
            .map(|t| t.alert.source_id)
            .collect();
        assert_eq!(ids, [1, 2, 3]);
        assert!(toasts.dismiss(3));
        assert_eq!(toasts.sources_shown.len(), 2);
    }
}
