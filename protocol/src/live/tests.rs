use super::*;

fn parse(text: &str) -> Result<ServerMessage, serde_json::Error> {
    serde_json::from_str(text)
}

#[test]
fn parses_the_documented_messages() {
    let snapshot = parse(
        r#"{"type":"snapshot","assistantId":1,"seq":42,"stats":{
            "today":{"calls":10,"errors":1,"cost":0.5,"totalMinutes":3.5,"tokensIn":100,"tokensOut":200},
            "last24h":{"calls":12,"errors":1,"cost":0.6,"totalMinutes":4,"tokensIn":0,"tokensOut":0},
            "last7Days":{"calls":70,"errors":2,"cost":3.5,"totalMinutes":20,"tokensIn":0,"tokensOut":0}}}"#,
    );
    let Ok(ServerMessage::Snapshot {
        assistant_id: 1,
        seq: 42,
        stats,
    }) = snapshot
    else {
        panic!("not the snapshot: {snapshot:?}");
    };
    assert_eq!(stats.today.calls, 10);
    assert_eq!(stats.today.total_minutes, 3.5);
    assert_eq!(stats.last_24h.calls, 12);
    assert_eq!(stats.last_7_days.calls, 70);

    let delta = parse(
        r#"{"type":"delta","assistantId":1,"seq":43,"at":"2026-11-23T10:00:00Z",
            "added":{"calls":1,"errors":0,"cost":0.05,"totalMinutes":0.2,"tokensIn":1,"tokensOut":2},
            "stats":{"today":{"calls":11}},
            "alerts":[{"budgetId":3,"assistantId":1,"period":"daily","periodStart":"2026-11-23",
                       "limit":5.0,"spent":5.2}],
            "overBudget":true}"#,
    );
    let Ok(ServerMessage::Delta {
        seq: 43,
        added,
        stats,
        alerts,
        over_budget: true,
        ..
    }) = delta
    else {
        panic!("not the delta: {delta:?}");
    };
    assert_eq!(
        (added.calls, stats.today.calls, stats.last_24h.calls),
        (1, 11, 0)
    );
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].budget_id, alerts[0].period.as_str()),
        (3, "daily")
    );
    assert_eq!(alerts[0].spent, 5.2);
    assert_eq!(
        alerts[0].threshold, 100,
        "an alert without a threshold was at the limit"
    );

    let error =
        parse(r#"{"type":"error","assistantId":9,"status":404,"detail":"assistant 9 not found"}"#);
    assert!(matches!(
        error,
        Ok(ServerMessage::Error {
            assistant_id: Some(9),
            status: 404,
            ..
        })
    ));
}

#[test]
fn an_older_client_survives_a_newer_server() {
    assert!(matches!(
        parse(r#"{"type":"hello","version":2}"#),
        Ok(ServerMessage::Unknown)
    ));
    // A delta without alerts or the budget flag, and a field this version does not know.
    let delta = parse(r#"{"type":"delta","assistantId":1,"seq":2,"stats":{},"future":1}"#);
    assert!(matches!(
        delta,
        Ok(ServerMessage::Delta { ref alerts, over_budget: false, at: None, .. }) if alerts.is_empty()
    ));
    assert!(parse("not json").is_err());
}

#[test]
fn what_the_server_sends_parses_back_the_same() {
    let message = ServerMessage::Delta {
        assistant_id: 4,
        seq: 7,
        at: DateTime::from_timestamp(1_800_000_000, 0),
        added: TotalsView {
            calls: 2,
            errors: 1,
            cost: 0.25,
            total_minutes: 1.5,
            tokens_in: 10,
            tokens_out: 20,
        },
        stats: StatsView::default(),
        alerts: Vec::new(),
        over_budget: false,
    };
    let text = serde_json::to_string(&message).unwrap_or_default();
    assert!(
        text.starts_with(r#"{"type":"delta","assistantId":4,"seq":7,"#),
        "{text}"
    );
    assert!(
        !text.contains("alerts"),
        "empty alerts are left out: {text}"
    );
    assert_eq!(parse(&text).ok(), Some(message));
}

#[test]
fn client_messages_are_strict_on_the_server() {
    let subscribe: Result<ClientMessage, _> =
        serde_json::from_str(r#"{"type":"subscribe","assistants":[1,2],"since":{"1":42}}"#);
    assert_eq!(
        subscribe.ok(),
        Some(ClientMessage::Subscribe {
            assistants: vec![1, 2],
            since: BTreeMap::from([("1".to_owned(), 42)]),
        })
    );
    let typo: Result<ClientMessage, _> =
        serde_json::from_str(r#"{"type":"subscribe","assistant":[1]}"#);
    assert!(typo.is_err());
    let unsubscribe = ClientMessage::Unsubscribe {
        assistants: vec![1],
    };
    assert_eq!(
        serde_json::to_string(&unsubscribe).unwrap_or_default(),
        r#"{"type":"unsubscribe","assistants":[1]}"#
    );
}

#[test]
fn a_sessions_message_round_trips_and_older_clients_skip_it() {
    let text = r#"{"type":"sessions","assistantId":1,"seq":44,"activeSessions":2,
        "changed":[{"sessionId":"conv-1","assistantId":1,"startedAt":"2026-11-23T10:00:00Z",
                    "lastEventAt":"2026-11-23T10:02:00Z","uptimeSeconds":150,"model":"gpt-4o",
                    "calls":3,"errors":1,"cost":0.25,"tokensIn":30,"tokensOut":60}],
        "ended":1}"#;
    let message: SessionsMessage = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((message.active_sessions, message.ended), (2, 1));
    assert_eq!(message.changed[0].session_id, "conv-1");
    let again = serde_json::to_string(&message).unwrap_or_default();
    assert!(again.starts_with(r#"{"type":"sessions","#), "{again}");
    assert_eq!(parse(&again).ok(), Some(ServerMessage::Unknown));
}
