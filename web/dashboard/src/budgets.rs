//! What the budgets and alerts pages and the alert toasts compute, as plain functions that are
//! unit-tested natively: reading the form fields (limit, thresholds), the geometry of a
//! budget's progress bar with its threshold marks, the words for a budget's scope, and the
//! text of an alert. The rules themselves (ranges, how many thresholds) are the hub's: a value
//! the hub refuses comes back as a problem document and is shown under its field.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use protocol::budgets::{CreateBudget, UpdateBudget};

use crate::api::error::FieldError;
use crate::api::ApiError;
use crate::format;
use crate::live::BudgetAlert;

/// The thresholds a new budget's form starts with (the hub's default).
pub const DEFAULT_THRESHOLDS: &str = "50, 80, 100";

/// Reads the limit field: a number of US dollars (a leading `$` and thousands commas allowed).
/// Whether it is in range is for the hub to say.
pub fn parse_limit(text: &str) -> Result<f64, String> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if cleaned.is_empty() {
        return Err("is required".to_owned());
    }
    cleaned
        .parse::<f64>()
        .map_err(|_| format!("{:?} is not a number of US dollars", text.trim()))
}

/// Reads the thresholds field: whole percentages separated by commas or spaces, `%` allowed
/// (`"50, 80%, 100"`). Whether they are in range is for the hub to say.
pub fn parse_thresholds(text: &str) -> Result<Vec<i64>, String> {
    let values: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|v| v.trim().trim_end_matches('%'))
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err("need at least one percentage".to_owned());
    }
    values
        .into_iter()
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| format!("{v:?} is not a whole percentage"))
        })
        .collect()
}

/// The thresholds as the form shows them: `"50, 80, 100"`.
pub fn thresholds_text(thresholds: &[i64]) -> String {
    thresholds
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Thresholds as the list shows them: `"50%, 80%, 100%"`.
pub fn percents_text(thresholds: &[i64]) -> String {
    thresholds
        .iter()
        .map(|t| format!("{t}%"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The hub's message about a form field, including its per-item messages
/// (`thresholds[1]: 1001 is not a percentage…` for the field `thresholds`).
pub fn field_messages(error: Option<&ApiError>, field: &str) -> Option<String> {
    let ApiError::Invalid { fields, .. } = error? else {
        return None;
    };
    let item = format!("{field}[");
    let messages: Vec<&str> = fields
        .iter()
        .filter(|f| f.field == field || f.field.starts_with(&item))
        .map(|f| f.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

/// The percentage the full width of a budget's bar stands for: 100 %, or more when a
/// threshold lies beyond the limit.
pub fn bar_scale(thresholds: &[i64]) -> f64 {
    thresholds
        .iter()
        .copied()
        .max()
        .map_or(100.0, |max| (max as f64).max(100.0))
}

/// Where `percent` of the limit lies on a bar of `scale`, as a CSS width in percent (0..=100).
pub fn bar_position(percent: f64, scale: f64) -> f64 {
    if !percent.is_finite() || scale <= 0.0 {
        return 0.0;
    }
    (percent / scale * 100.0).clamp(0.0, 100.0)
}

/// A percentage as the pages show it: `55%`, `77.5%`, `0.4%`.
pub fn percent_text(percent: f64) -> String {
    format::percent(percent / 100.0)
}

/// What a budget covers: `"All assistants"`, or the assistant's name (its id if unknown), with
/// the domain when it has one.
pub fn scope_label(
    assistant_id: Option<i64>,
    domain: Option<&str>,
    names: &BTreeMap<i64, String>,
) -> String {
    let who = match assistant_id {
        None => "All assistants".to_owned(),
        Some(id) => names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Assistant {id}")),
    };
    match domain {
        Some(domain) => format!("{who}, domain {domain:?}"),
        None => who,
    }
}

/// The title and line of an alert's toast: `"Budget at 50%"` and
/// `"Support bot (daily): $0.55 of $1.00 spent"`.
pub fn alert_text(alert: &BudgetAlert, names: &BTreeMap<i64, String>) -> (String, String) {
    let title = if alert.threshold >= 100 {
        format!("Budget at {}%: limit reached", alert.threshold)
    } else {
        format!("Budget at {}%", alert.threshold)
    };
    let line = format!(
        "{} ({}): {} of {} spent",
        scope_label(alert.assistant_id, None, names),
        alert.period,
        format::usd(alert.spent),
        format::usd(alert.limit)
    );
    (title, line)
}

/// A refusal of the form before anything is sent, shown like the hub's own.
pub(crate) fn refused(field: &str, message: String) -> ApiError {
    ApiError::Invalid {
        detail: format!("{field}: {message}"),
        fields: vec![FieldError {
            field: field.to_owned(),
            message,
        }],
    }
}

/// The body of `POST /budgets` from the create form's fields (`scope` is an assistant id or
/// empty for all of them; an empty domain is none).
pub fn new_budget(
    scope: &str,
    period: &str,
    limit: &str,
    thresholds: &str,
    domain: &str,
) -> Result<CreateBudget, ApiError> {
    let assistant_id = match scope.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| refused("assistantId", format!("{id:?} is not an assistant")))?,
        ),
    };
    Ok(CreateBudget {
        assistant_id,
        period: period.to_owned(),
        limit: parse_limit(limit).map_err(|m| refused("limit", m))?,
        thresholds: Some(parse_thresholds(thresholds).map_err(|m| refused("thresholds", m))?),
        domain: Some(domain.trim().to_owned()).filter(|d| !d.is_empty()),
        webhook_id: None,
    })
}

/// The body of `PATCH /budgets/{id}` from the edit form's fields.
pub fn budget_change(limit: &str, thresholds: &str) -> Result<UpdateBudget, ApiError> {
    Ok(UpdateBudget {
        limit: Some(parse_limit(limit).map_err(|m| refused("limit", m))?),
        thresholds: Some(parse_thresholds(thresholds).map_err(|m| refused("thresholds", m))?),
        webhook_id: None,
    })
}

/// A budget's current period: `2026-12-02` for a day, `2026-12-01 – 2026-12-31` for a month.
pub fn period_text(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start} – {end}")
    }
}

/// When an alert was raised, in UTC to the second: `2026-12-02 10:00:05 UTC`.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_build_the_bodies_or_say_which_field_is_wrong() {
        let body = new_budget("3", "daily", "2.5", "80, 50", " support ");
        let body = body.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            body,
            CreateBudget {
                assistant_id: Some(3),
                period: "daily".to_owned(),
                limit: 2.5,
                thresholds: Some(vec![80, 50]),
                domain: Some("support".to_owned()),
                webhook_id: None,
            }
        );
        let all = new_budget("", "monthly", "10", "100", "  ").unwrap_or_default();
        assert_eq!((all.assistant_id, all.domain), (None, None));
        let bad = new_budget("", "monthly", "lots", "100", "").err();
        assert_eq!(
            field_messages(bad.as_ref(), "limit").as_deref(),
            Some("\"lots\" is not a number of US dollars")
        );
        let bad = budget_change("5", "fifty").err();
        assert!(field_messages(bad.as_ref(), "thresholds").is_some());
        assert_eq!(
            budget_change("5", "50 100").ok(),
            Some(UpdateBudget {
                limit: Some(5.0),
                thresholds: Some(vec![50, 100]),
                webhook_id: None,
            })
        );
    }

    #[test]
    fn periods_and_times_read_in_utc() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
        assert_eq!(
            period_text(day("2026-12-02"), day("2026-12-02")),
            "2026-12-02"
        );
        assert_eq!(
            period_text(day("2026-12-01"), day("2026-12-31")),
            "2026-12-01 – 2026-12-31"
        );
        let at = "2026-12-02T11:00:05+01:00"
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        assert_eq!(when(at), "2026-12-02 10:00:05 UTC");
    }

    #[test]
    fn limits_and_thresholds_are_read_from_what_was_typed() {
        assert_eq!(parse_limit(" $1,250.50 "), Ok(1250.5));
        assert_eq!(
            parse_limit("-3"),
            Ok(-3.0),
            "the hub says what is wrong with it"
        );
        assert!(parse_limit("").is_err());
        assert!(parse_limit("ten").is_err());
        assert_eq!(parse_thresholds("50, 80%,100"), Ok(vec![50, 80, 100]));
        assert_eq!(parse_thresholds("90 10"), Ok(vec![90, 10]));
        assert_eq!(parse_thresholds("0"), Ok(vec![0]));
        assert!(parse_thresholds(" , ").is_err());
        assert_eq!(
            parse_thresholds("50, half"),
            Err("\"half\" is not a whole percentage".to_owned())
        );
        assert_eq!(thresholds_text(&[50, 80, 100]), DEFAULT_THRESHOLDS);
        assert_eq!(percents_text(&[25, 75]), "25%, 75%");
    }

    #[test]
    fn item_messages_go_under_their_field() {
        let error = ApiError::Invalid {
            detail: "invalid input".to_owned(),
            fields: vec![
                FieldError {
                    field: "thresholds[1]".to_owned(),
                    message: "1001 is not a percentage from 1 to 1000".to_owned(),
                },
                FieldError {
                    field: "limit".to_owned(),
                    message: "must be above 0".to_owned(),
                },
            ],
        };
        assert_eq!(
            field_messages(Some(&error), "thresholds").as_deref(),
            Some("1001 is not a percentage from 1 to 1000")
        );
        assert_eq!(
            field_messages(Some(&error), "limit").as_deref(),
            Some("must be above 0")
        );
        assert_eq!(field_messages(Some(&error), "domain"), None);
        assert_eq!(field_messages(None, "limit"), None);
    }

    #[test]
    fn bars_scale_to_the_highest_threshold_and_clamp() {
        assert_eq!(bar_scale(&[50, 80, 100]), 100.0);
        assert_eq!(bar_scale(&[50, 150]), 150.0);
        assert_eq!(bar_scale(&[]), 100.0);
        assert_eq!(bar_position(50.0, 100.0), 50.0);
        assert_eq!(bar_position(75.0, 150.0), 50.0);
        assert_eq!(bar_position(155.0, 100.0), 100.0);
        assert_eq!(bar_position(-1.0, 100.0), 0.0);
        assert_eq!(bar_position(f64::NAN, 100.0), 0.0);
        assert_eq!(percent_text(77.4), "77%");
        assert_eq!(percent_text(0.4), "0.4%");
    }

    #[test]
    fn scopes_and_alerts_read_as_words() {
        let names = BTreeMap::from([(3, "Support bot".to_owned())]);
        assert_eq!(scope_label(None, None, &names), "All assistants");
        assert_eq!(scope_label(Some(3), None, &names), "Support bot");
        assert_eq!(
            scope_label(Some(9), Some("sales"), &names),
            "Assistant 9, domain \"sales\""
        );
        let alert = BudgetAlert {
            budget_id: 1,
            assistant_id: Some(3),
            period: "daily".to_owned(),
            period_start: chrono::NaiveDate::default(),
            threshold: 50,
            limit: 1.0,
            spent: 0.55,
        };
        assert_eq!(
            alert_text(&alert, &names),
            (
                "Budget at 50%".to_owned(),
                "Support bot (daily): $0.55 of $1.00 spent".to_owned()
            )
        );
        let full = BudgetAlert {
            threshold: 100,
            ..alert
        };
        assert_eq!(alert_text(&full, &names).0, "Budget at 100%: limit reached");
    }
}
