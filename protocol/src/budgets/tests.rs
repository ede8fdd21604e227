use super::*;

#[test]
fn requests_take_integral_thresholds_and_refuse_unknown_fields() {
    let create: Result<CreateBudget, _> = serde_json::from_str(
        r#"{"assistantId": 3.0, "period": "daily", "limit": 2.5, "thresholds": [80, 50.0],
            "domain": "support"}"#,
    );
    let create = create.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(create.assistant_id, Some(3));
    assert_eq!(create.thresholds, Some(vec![80, 50]));
    for text in [
        r#"{"period": "daily", "limit": 1, "thresholds": [50.5]}"#,
        r#"{"period": "daily", "limit": 1, "color": "red"}"#,
        r#"{"limit": 1, "extra": 1}"#,
    ] {
        assert!(
            serde_json::from_str::<CreateBudget>(text).is_err(),
            "{text}"
        );
    }
    let update: UpdateBudget = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(update, UpdateBudget::default());
    // What the dashboard sends: absent fields are left out.
    let text = serde_json::to_string(&UpdateBudget {
        limit: Some(3.0),
        thresholds: None,
        webhook_id: None,
    })
    .unwrap_or_default();
    assert_eq!(text, r#"{"limit":3.0}"#);
}

#[test]
fn answers_parse_tolerantly() {
    // An older hub's budget (no spend fields) and a field this version does not know.
    let view: BudgetView = serde_json::from_str(
        r#"{"id": 1, "assistantId": null, "period": "monthly", "limit": 10,
            "createdAt": "2026-11-23T10:00:00Z", "future": true}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((view.id, view.limit, view.spent), (1, 10.0, 0.0));
    assert!(view.thresholds.is_empty() && view.crossed.is_empty());
    let alert: AlertView = serde_json::from_str(
        r#"{"id": 2, "budgetId": 1, "period": "daily", "periodStart": "2026-11-23",
            "threshold": 80, "spent": 8.5, "limit": 10, "triggeredAt": "2026-11-23T10:00:00Z"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((alert.threshold, alert.spent), (80, 8.5));
}
