//! Alert rules and webhooks on screen, as plain functions the `/alerts` page uses: the body of
//! `POST /alert-rules` from the form's fields (refusing what is not a number before sending),
//! and the words for a rule, a firing and a delivery's state.

use protocol::alert_rules::CreateAlertRule;
use protocol::live::RuleAlert;
use protocol::webhooks::DeliveryView;

use crate::api::ApiError;
use crate::budgets::refused;

/// The body of `POST /alert-rules` from the form: `scope` and `webhook` are an id or empty.
pub fn new_rule(
    scope: &str,
    metric: &str,
    threshold: &str,
    window: &str,
    min_calls: &str,
    webhook: &str,
) -> Result<CreateAlertRule, ApiError> {
    let id = |field: &str, text: &str| -> Result<Option<i64>, ApiError> {
        match text.trim() {
            "" => Ok(None),
            t => t
                .parse::<i64>()
                .map(Some)
                .map_err(|_| refused(field, format!("{t:?} is not a whole number"))),
        }
    };
    let threshold = threshold.trim().parse::<f64>().map_err(|_| {
        refused(
            "threshold",
            format!("{:?} is not a number", threshold.trim()),
        )
    })?;
    Ok(CreateAlertRule {
        assistant_id: id("assistantId", scope)?,
        metric: metric.to_owned(),
        threshold,
        window_minutes: id("windowMinutes", window)?
            .ok_or_else(|| refused("windowMinutes", "is required".into()))?,
        min_calls: id("minCalls", min_calls)?,
        webhook_id: id("webhookId", webhook)?,
    })
}

/// `error rate > 5%` or `p95 latency > 2000 ms`.
pub fn condition(metric: &str, threshold: f64) -> String {
    match metric {
        "error_rate" => format!("error rate > {threshold}%"),
        "latency_p95" => format!("p95 latency > {threshold} ms"),
        other => format!("{other} > {threshold}"),
    }
}

/// An observed value in the metric's unit: `12.5%` or `1500 ms`.
pub fn value_text(metric: &str, value: f64) -> String {
    match metric {
        "error_rate" => format!("{value:.1}%"),
        _ => format!("{value:.0} ms"),
    }
}

/// The toast of a live rule firing: title and line.
pub fn rule_toast_text(alert: &RuleAlert) -> (String, String) {
    (
        format!("Alert rule #{} fired", alert.rule_id),
        format!(
            "{} over {} min: {} ({} calls)",
            condition(&alert.metric, alert.threshold),
            alert.window_minutes,
            value_text(&alert.metric, alert.value),
            alert.calls
        ),
    )
}

/// A delivery's state in words: `delivered (1 attempt, 204)`, `pending: attempt 3 at …`,
/// `failed after 8 attempts: timed out`, `dropped: not queued …`.
pub fn delivery_text(delivery: &DeliveryView) -> String {
    let attempts = match delivery.attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    };
    let error = delivery.last_error.clone().unwrap_or_default();
    match delivery.state.as_str() {
        "delivered" => match delivery.last_status {
            Some(status) => format!("delivered ({attempts}, {status})"),
            None => format!("delivered ({attempts})"),
        },
        "pending" => match (delivery.next_attempt_at, error.is_empty()) {
            (Some(at), false) => format!(
                "pending: {error}; attempt {} at {}",
                delivery.attempts + 1,
                crate::budgets::when(at)
            ),
            _ => "pending".to_owned(),
        },
        "failed" => format!("failed after {attempts}: {error}"),
        "dropped" => format!("dropped: {error}"),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_form_builds_the_body_or_names_the_field() {
        let body = new_rule("3", "error_rate", " 5 ", "15", "", "7").unwrap_or_default();
        assert_eq!(
            (
                body.assistant_id,
                body.threshold,
                body.window_minutes,
                body.min_calls,
                body.webhook_id
            ),
            (Some(3), 5.0, 15, None, Some(7))
        );
        let bad = new_rule("", "latency_p95", "fast", "15", "", "").err();
        assert!(
            matches!(bad, Some(ApiError::Invalid { ref fields, .. }) if fields[0].field == "threshold")
        );
        let bad = new_rule("", "latency_p95", "100", "", "", "").err();
        assert!(
            matches!(bad, Some(ApiError::Invalid { ref fields, .. }) if fields[0].field == "windowMinutes")
        );
    }

    #[test]
    fn deliveries_and_rules_read_in_words() {
        let delivered = DeliveryView {
            state: "delivered".into(),
            attempts: 3,
            last_status: Some(204),
            ..DeliveryView::default()
        };
        assert_eq!(delivery_text(&delivered), "delivered (3 attempts, 204)");
        let failed = DeliveryView {
            state: "failed".into(),
            attempts: 2,
            last_error: Some("timed out".into()),
            ..DeliveryView::default()
        };
        assert_eq!(delivery_text(&failed), "failed after 2 attempts: timed out");
        assert_eq!(condition("error_rate", 5.0), "error rate > 5%");
        assert_eq!(value_text("latency_p95", 1500.0), "1500 ms");
    }
}
