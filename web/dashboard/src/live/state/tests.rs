//! Unit tests of the live state: sequence bookkeeping, the reducer, budget alerts.

use super::*;
use chrono::TimeZone;

fn stats(calls: i64) -> Stats {
    Stats {
        today: Totals {
            calls,
            ..Totals::default()
        },
        ..Stats::default()
    }
}

fn snapshot(id: i64, seq: u64, calls: i64) -> ServerMessage {
    ServerMessage::Snapshot {
        assistant_id: id,
        seq,
        stats: stats(calls),
    }
}

fn delta(id: i64, seq: u64, calls: i64) -> ServerMessage {
    ServerMessage::Delta {
        assistant_id: id,
        seq,
        at: "2026-11-23T10:00:01Z".parse().ok(),
        added: Totals {
            calls: 1,
            ..Totals::default()
        },
        stats: stats(calls),
        alerts: Vec::new(),
        over_budget: false,
    }
}

fn alert(budget_id: i64) -> BudgetAlert {
    BudgetAlert {
        budget_id,
        assistant_id: Some(1),
        period: "daily".into(),
        period_start: now().date_naive(),
        threshold: 100,
        limit: 5.0,
        spent: 5.5,
    }
}

fn received(state: &mut LiveState, message: ServerMessage) -> bool {
    state.apply(LiveAction::Message {
        message: Box::new(message),
        received: now(),
    })
}

#[test]
fn budget_alerts_and_the_over_budget_flag_are_kept() {
    let mut state = LiveState::default();
    received(&mut state, snapshot(1, 1, 5));
    let over = |state: &LiveState| state.assistants.get(&1).map(|a| a.over_budget);
    assert_eq!(over(&state), Some(false));
    let mut pushed_over = delta(1, 2, 6);
    if let ServerMessage::Delta {
        alerts,
        over_budget,
        ..
    } = &mut pushed_over
    {
        *alerts = vec![alert(3), alert(4)];
        *over_budget = true;
    }
    assert!(received(&mut state, pushed_over));
    assert_eq!(over(&state), Some(true));
    let ids: Vec<i64> = state.alerts.iter().map(|a| a.budget_id).collect();
    assert_eq!(ids, vec![4, 3], "newest first");
    // A snapshot (on resubscribe) says nothing about budgets: the flag stays.
    received(&mut state, snapshot(1, 9, 7));
    assert_eq!(over(&state), Some(true));
    for budget_id in 10..40 {
        let mut more = delta(1, 10 + budget_id as u64, 7);
        if let ServerMessage::Delta { alerts, .. } = &mut more {
            *alerts = vec![alert(budget_id)];
        }
        received(&mut state, more);
    }
    assert_eq!(state.alerts.len(), MAX_ALERTS);
    assert_eq!(state.alerts.first().map(|a| a.budget_id), Some(39));
    assert_eq!(state.alerts_received, 32, "every alert counts, kept or not");
    // The next delta without the flag clears it.
    received(&mut state, delta(1, 100, 8));
    assert_eq!(over(&state), Some(false));
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 2)
        .single()
        .unwrap_or_default()
}

#[test]
fn tracker_applies_in_order_and_ignores_replays() {
    let mut t = SeqTracker::default();
    assert_eq!(t.check(&snapshot(1, 10, 5)), Verdict::Apply);
    assert_eq!(t.check(&delta(1, 11, 6)), Verdict::Apply);
    assert_eq!(t.check(&delta(1, 12, 7)), Verdict::Apply);
    assert_eq!(t.check(&delta(1, 12, 7)), Verdict::Ignore);
    assert_eq!(t.check(&delta(1, 5, 1)), Verdict::Ignore);
    assert_eq!(t.since(), &BTreeMap::from([(1, 12)]));
}

#[test]
fn tracker_detects_a_gap_once_and_recovers_on_replay() {
    let mut t = SeqTracker::default();
    t.check(&snapshot(1, 10, 5));
    assert_eq!(
        t.check(&delta(1, 13, 8)),
        Verdict::Resync {
            assistant_id: 1,
            since: Some(10)
        }
    );
    // Later live deltas while the replay is on its way: no second resubscribe.
    assert_eq!(t.check(&delta(1, 14, 9)), Verdict::Ignore);
    // The replay, in order.
    for (seq, calls) in [(11, 6), (12, 7), (13, 8), (14, 9)] {
        assert_eq!(t.check(&delta(1, seq, calls)), Verdict::Apply);
    }
    assert_eq!(t.since().get(&1), Some(&14));
    // A new gap after recovery is reported again.
    assert!(matches!(t.check(&delta(1, 20, 1)), Verdict::Resync { .. }));
}

#[test]
fn tracker_asks_for_a_snapshot_when_a_delta_comes_first() {
    let mut t = SeqTracker::default();
    assert_eq!(
        t.check(&delta(3, 7, 1)),
        Verdict::Resync {
            assistant_id: 3,
            since: None
        }
    );
    assert_eq!(t.check(&snapshot(3, 9, 4)), Verdict::Apply);
    assert_eq!(t.check(&delta(3, 10, 5)), Verdict::Apply);
}

#[test]
fn tracker_keeps_seqs_across_reconnects_and_forgets_unsubscribed() {
    let mut t = SeqTracker::default();
    t.check(&snapshot(1, 10, 5));
    t.check(&snapshot(2, 3, 5));
    t.check(&delta(1, 12, 5));
    t.disconnected();
    // After a reconnect the gap can be reported again.
    assert!(matches!(t.check(&delta(1, 12, 5)), Verdict::Resync { .. }));
    t.retain(&[2]);
    assert_eq!(t.since(), &BTreeMap::from([(2, 3)]));
}

#[test]
fn state_applies_snapshot_then_deltas() {
    let mut s = LiveState::default();
    assert!(s.apply(LiveAction::Connection(Connection::Connecting {
        attempt: 0
    })));
    assert!(!s.apply(LiveAction::Connection(Connection::Connecting {
        attempt: 0
    })));
    assert!(s.apply(LiveAction::Message {
        message: Box::new(snapshot(1, 10, 5)),
        received: now()
    }));
    assert!(s.connection.is_live());
    assert_eq!(s.stats(1).map(|x| x.today.calls), Some(5));
    assert_eq!(s.last_update, Some(now()));

    assert!(s.apply(LiveAction::Message {
        message: Box::new(delta(1, 11, 6)),
        received: now()
    }));
    let a = s
        .assistants
        .get(&1)
        .copied()
        .unwrap_or_else(|| panic!("no state"));
    assert_eq!(
        (a.seq, a.stats.today.calls, a.updates, a.last_added.calls),
        (11, 6, 1, 1)
    );
    // The delta's own timestamp is the update time.
    assert_eq!(
        s.last_update.map(|t| t.to_rfc3339()),
        Some("2026-11-23T10:00:01+00:00".to_owned())
    );
}

#[test]
fn state_refuses_stale_messages() {
    let mut s = LiveState::default();
    s.apply(LiveAction::Message {
        message: Box::new(snapshot(1, 10, 5)),
        received: now(),
    });
    assert!(!s.apply(LiveAction::Message {
        message: Box::new(delta(1, 10, 99)),
        received: now()
    }));
    assert!(!s.apply(LiveAction::Message {
        message: Box::new(snapshot(1, 9, 99)),
        received: now()
    }));
    assert_eq!(s.stats(1).map(|x| x.today.calls), Some(5));
}

#[test]
fn state_records_errors_and_retains_subscribed() {
    let mut s = LiveState::default();
    s.apply(LiveAction::Message {
        message: Box::new(snapshot(1, 1, 1)),
        received: now(),
    });
    s.apply(LiveAction::Message {
        message: Box::new(ServerMessage::Error {
            assistant_id: Some(2),
            status: 404,
            detail: "assistant 2 not found".to_owned(),
        }),
        received: now(),
    });
    assert_eq!(
        s.errors.get(&2).map(String::as_str),
        Some("assistant 2 not found (404)")
    );
    assert!(s.apply(LiveAction::Retain(vec![2])));
    assert!(s.assistants.is_empty());
    assert!(!s.apply(LiveAction::Retain(vec![2])));
}

#[test]
fn reducer_keeps_the_same_rc_when_nothing_changes() {
    use yew::Reducible;
    let s = Rc::new(LiveState::default());
    let same = s.clone().reduce(LiveAction::Connection(Connection::Idle));
    assert!(Rc::ptr_eq(&s, &same));
    let changed = s.clone().reduce(LiveAction::Connection(Connection::Live));
    assert!(!Rc::ptr_eq(&s, &changed));
}

#[test]
fn an_alert_kept_from_a_gap_and_then_replayed_is_kept_once() {
    let mut state = LiveState::default();
    received(&mut state, snapshot(1, 0, 0));
    // The delta after the snapshot jumped (an assistant's first delta does): not applied, but
    // its alert is kept.
    assert!(state.apply(LiveAction::Alerts(vec![alert(5)])));
    assert_eq!(state.alerts_received, 1);
    assert_eq!(state.stats(1).map(|s| s.today.calls), Some(0));
    // The replay brings the same delta again: its stats apply, its alert is not repeated.
    let mut replayed = delta(1, 7, 2);
    if let ServerMessage::Delta { alerts, .. } = &mut replayed {
        *alerts = vec![alert(5), alert(6)];
    }
    assert!(received(&mut state, replayed));
    let ids: Vec<i64> = state.alerts.iter().map(|a| a.budget_id).collect();
    assert_eq!(ids, vec![6, 5]);
    assert_eq!(state.alerts_received, 2);
    assert!(
        !state.apply(LiveAction::Alerts(vec![alert(6)])),
        "nothing new"
    );
    // Another threshold of the same budget and period is another alert.
    let higher = BudgetAlert {
        threshold: 50,
        ..alert(5)
    };
    assert!(state.apply(LiveAction::Alerts(vec![higher])));
}

#[test]
fn sessions_messages_count_active_sessions_per_assistant() {
    let mut s = LiveState::default();
    assert!(s.apply(LiveAction::Sessions {
        assistant_id: 3,
        active: 2
    }));
    s.apply(LiveAction::Sessions {
        assistant_id: 4,
        active: 1,
    });
    assert_eq!(s.active_sessions.get(&3), Some(&2));
    assert_eq!(s.session_updates, 2);
    s.apply(LiveAction::Retain(vec![4]));
    assert_eq!(
        s.active_sessions.keys().copied().collect::<Vec<_>>(),
        vec![4]
    );
}

#[test]
fn a_view_of_some_assistants_sees_only_their_updates() {
    let mut s = LiveState::default();
    received(&mut s, snapshot(1, 10, 5));
    received(&mut s, snapshot(2, 20, 7));
    s.apply(LiveAction::Connection(Connection::Live));
    s.apply(LiveAction::Sessions {
        assistant_id: 2,
        active: 3,
    });
    // A delta of assistant 2 with a later commit time than the snapshots.
    s.apply(LiveAction::Message {
        message: Box::new(ServerMessage::Delta {
            assistant_id: 2,
            seq: 21,
            at: Some(now() + chrono::Duration::seconds(30)),
            added: Totals::default(),
            stats: stats(8),
            alerts: vec![alert(9)],
            over_budget: false,
        }),
        received: now() + chrono::Duration::seconds(30),
    });

    let one = s.only(&[1]);
    assert_eq!(one.assistants.keys().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        one.last_update,
        Some(now()),
        "assistant 2's delta is not 1's update"
    );
    assert_eq!(one.active_sessions_of(&[1]), None);
    assert_eq!(one.connection, Connection::Live);
    assert_eq!(
        one.alerts.len(),
        1,
        "alerts are the user's, every view has them"
    );

    let two = s.only(&[2]);
    assert_eq!(two.stats(2).map(|st| st.today.calls), Some(8));
    assert_eq!(two.last_update, Some(now() + chrono::Duration::seconds(30)));
    assert_eq!(two.active_sessions_of(&[2]), Some(3));

    assert_eq!(s.only(&[1, 2]).last_update, s.last_update);
    let none = s.only(&[]);
    assert_eq!(none.connection, Connection::Idle);
    assert!(none.assistants.is_empty() && none.last_update.is_none());
}

#[test]
fn a_stale_message_after_a_reconnect_still_says_the_feed_is_live() {
    let mut s = LiveState::default();
    received(&mut s, snapshot(1, 10, 5));
    s.apply(LiveAction::Connection(Connection::Reconnecting {
        attempt: 1,
        retry_in_ms: 500,
    }));
    // A replayed delta changes no number, but it came over a working connection.
    assert!(received(&mut s, delta(1, 10, 99)));
    assert_eq!(s.connection, Connection::Live);
    assert_eq!(s.stats(1).map(|x| x.today.calls), Some(5));
    assert!(
        !received(&mut s, delta(1, 10, 99)),
        "and once live, nothing changes"
    );
}
