//! Error-rate and latency alert rules: a rule watches one assistant (or all of its owner's
//! together) and fires when its metric over a window of minutes is above a threshold. Rules are
//! evaluated by the assistant actors after every committed batch, next to the budgets (so an
//! alert goes out with the delta of the batch that crossed the threshold); each firing is stored
//! once (a partial unique index admits one open firing per rule, deciding between hub nodes) and
//! resolved by the first later evaluation that finds the metric back at or under the threshold.
//!
//! This module parses what clients send into [`RuleSpec`] / [`RuleChange`] and judges one
//! [`Observation`]; no SQL, no HTTP.

use chrono::{DateTime, Utc};
use protocol::alert_rules::{CreateAlertRule, UpdateAlertRule};
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// Longest window, in minutes.
pub const MAX_WINDOW_MINUTES: i64 = 60;
/// Highest `latency_p95` threshold, in milliseconds (a day).
pub const MAX_LATENCY_MS: f64 = 86_400_000.0;
/// `min_calls` of a rule created without one.
pub const DEFAULT_MIN_CALLS: i64 = 10;
/// Highest `min_calls`.
pub const MAX_MIN_CALLS: i64 = 1_000_000;

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Percent of the window's calls that failed.
    ErrorRate,
    /// The 95th percentile latency (ms) of the window's calls that carry one.
    LatencyP95,
}

impl Metric {
    /// Parses `error_rate` or `latency_p95`.
    pub fn parse(value: &str) -> Result<Self, ValidationErrors> {
        match value {
            "error_rate" => Ok(Self::ErrorRate),
            "latency_p95" => Ok(Self::LatencyP95),
            other => Err(ValidationErrors::single(
                "metric",
                format!("{other:?} is neither \"error_rate\" nor \"latency_p95\""),
            )),
        }
    }

    /// The value stored in `alert_rules.metric`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ErrorRate => "error_rate",
            Self::LatencyP95 => "latency_p95",
        }
    }

    /// The highest threshold that makes sense for the metric.
    fn max_threshold(self) -> f64 {
        match self {
            Self::ErrorRate => 100.0,
            Self::LatencyP95 => MAX_LATENCY_MS,
        }
    }
}

fn check_threshold(errors: &mut ValidationErrors, metric: Metric, value: f64) {
    let max = metric.max_threshold();
    if !value.is_finite() || !(0.0..=max).contains(&value) {
        errors.add(
            "threshold",
            format!("must be from 0 to {max} for {}", metric.as_str()),
        );
    }
}

fn check_window(errors: &mut ValidationErrors, minutes: i64) -> i32 {
    if !(1..=MAX_WINDOW_MINUTES).contains(&minutes) {
        errors.add(
            "windowMinutes",
            format!("must be 1 to {MAX_WINDOW_MINUTES} minutes"),
        );
    }
    i32::try_from(minutes).unwrap_or(1)
}

fn check_min_calls(errors: &mut ValidationErrors, calls: i64) -> i32 {
    if !(1..=MAX_MIN_CALLS).contains(&calls) {
        errors.add("minCalls", format!("must be 1 to {MAX_MIN_CALLS}"));
    }
    i32::try_from(calls).unwrap_or(1)
}

/// A rule to create, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec {
    pub assistant_id: Option<i64>,
    pub metric: Metric,
    pub threshold: f64,
    pub window_minutes: i32,
    pub min_calls: i32,
    /// Its owner is checked by the caller.
    pub webhook_id: Option<i64>,
}

impl RuleSpec {
    /// Checks every field of `input`, reporting all bad ones at once.
    pub fn parse(input: &CreateAlertRule) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let metric = Metric::parse(&input.metric)
            .map_err(|e| errors.extend(e))
            .ok();
        if let Some(metric) = metric {
            check_threshold(&mut errors, metric, input.threshold);
        }
        let window_minutes = check_window(&mut errors, input.window_minutes);
        let min_calls = check_min_calls(&mut errors, input.min_calls.unwrap_or(DEFAULT_MIN_CALLS));
        match metric {
            Some(metric) if errors.errors().is_empty() => Ok(Self {
                assistant_id: input.assistant_id,
                metric,
                threshold: input.threshold,
                window_minutes,
                min_calls,
                webhook_id: input.webhook_id,
            }),
            _ => Err(errors),
        }
    }
}

/// A change to a rule, checked against its metric: what is `None` stays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleChange {
    pub threshold: Option<f64>,
    pub window_minutes: Option<i32>,
    pub min_calls: Option<i32>,
    /// `Some(None)` removes the webhook.
    pub webhook_id: Option<Option<i64>>,
}

impl RuleChange {
    /// Checks every field of `input` for a rule watching `metric`.
    pub fn parse(input: &UpdateAlertRule, metric: Metric) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if let Some(threshold) = input.threshold {
            check_threshold(&mut errors, metric, threshold);
        }
        let window_minutes = input.window_minutes.map(|m| check_window(&mut errors, m));
        let min_calls = input.min_calls.map(|c| check_min_calls(&mut errors, c));
        errors.into_result(Self {
            threshold: input.threshold,
            window_minutes,
            min_calls,
            webhook_id: input.webhook_id,
        })
    }
}

/// What an evaluation found in a rule's window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Observation {
    /// Calls in the window (for `latency_p95`: those carrying a latency).
    pub calls: i64,
    /// Failed calls in the window (`error_rate` only).
    pub errors: i64,
    /// The 95th percentile latency in ms (`latency_p95` only; `None` without calls).
    pub p95_ms: Option<f64>,
}

/// What an evaluation decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Above the threshold: raise a firing unless one is open.
    Firing { value: f64 },
    /// At or under: resolve the open firing, if any.
    Clear { value: f64 },
    /// Fewer calls than the rule's `min_calls`: the rule keeps its state.
    TooFewCalls,
}

/// Judges `observation` for a rule watching `metric` above `threshold` with at least
/// `min_calls` calls.
pub fn judge(metric: Metric, threshold: f64, min_calls: i32, observation: &Observation) -> Verdict {
    if observation.calls < i64::from(min_calls) || observation.calls == 0 {
        return Verdict::TooFewCalls;
    }
    let value = match metric {
        Metric::ErrorRate => observation.errors as f64 * 100.0 / observation.calls as f64,
        Metric::LatencyP95 => match observation.p95_ms {
            Some(ms) => ms,
            None => return Verdict::TooFewCalls,
        },
    };
    if value > threshold {
        Verdict::Firing { value }
    } else {
        Verdict::Clear { value }
    }
}

/// A rule that fired with a batch (stored; announced in the assistant's next delta).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleAlert {
    pub alert_id: i64,
    pub rule_id: i64,
    pub metric: Metric,
    pub threshold: f64,
    pub value: f64,
    pub calls: i64,
    pub window_minutes: i32,
    pub triggered_at: DateTime<Utc>,
}

impl RuleAlert {
    /// The client-facing view.
    pub fn view(&self) -> protocol::live::RuleAlert {
        protocol::live::RuleAlert {
            alert_id: self.alert_id,
            rule_id: self.rule_id,
            metric: self.metric.as_str().to_owned(),
            threshold: self.threshold,
            value: self.value,
            calls: self.calls,
            window_minutes: i64::from(self.window_minutes),
        }
    }
}

/// A firing as the webhook document carries it, with what the alert itself does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct FiringContext {
    /// The rule's assistant (`None`: all of the owner's).
    pub rule_assistant_id: Option<i64>,
    /// The assistant whose batch raised it.
    pub observed_assistant_id: i64,
    pub window_start: DateTime<Utc>,
}

impl RuleAlert {
    /// The document POSTed to the rule's webhook for this firing.
    pub fn webhook_payload(&self, context: &FiringContext) -> protocol::webhooks::WebhookPayload {
        protocol::webhooks::WebhookPayload {
            event: "alert.triggered".to_owned(),
            kind: self.metric.as_str().to_owned(),
            alert_id: self.alert_id,
            assistant_id: context.rule_assistant_id,
            threshold: self.threshold,
            triggered_at: self.triggered_at,
            budget: None,
            rule: Some(protocol::webhooks::RulePayload {
                rule_id: self.rule_id,
                value: self.value,
                calls: self.calls,
                window_minutes: i64::from(self.window_minutes),
                window_start: context.window_start,
                window_end: self.triggered_at,
                observed_assistant_id: context.observed_assistant_id,
            }),
        }
    }
}

/// The start of a window of `minutes` ending at `now`: the start of `now`'s minute and the
/// `minutes - 1` whole minutes before it (minute rollups are the unit).
pub fn window_start(now: DateTime<Utc>, minutes: i32) -> DateTime<Utc> {
    let minute = now.timestamp().div_euclid(60) * 60;
    let start = minute - i64::from(minutes.max(1) - 1) * 60;
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(metric: &str, threshold: f64, window: i64) -> CreateAlertRule {
        CreateAlertRule {
            metric: metric.into(),
            threshold,
            window_minutes: window,
            ..CreateAlertRule::default()
        }
    }

    fn fields(errors: &ValidationErrors) -> Vec<&str> {
        errors.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_create_reports_every_bad_field() {
        let mut input = create("error_rate", 101.0, 0);
        input.min_calls = Some(0);
        let errors = RuleSpec::parse(&input).err().unwrap_or_default();
        assert_eq!(fields(&errors), ["threshold", "windowMinutes", "minCalls"]);
        let errors = RuleSpec::parse(&create("p99", 5.0, 15))
            .err()
            .unwrap_or_default();
        assert_eq!(fields(&errors), ["metric"]);
        let errors = RuleSpec::parse(&create("latency_p95", f64::NAN, 61))
            .err()
            .unwrap_or_default();
        assert_eq!(fields(&errors), ["threshold", "windowMinutes"]);
        let spec = RuleSpec::parse(&create("latency_p95", 2000.0, 15));
        let spec = spec.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((spec.metric, spec.min_calls), (Metric::LatencyP95, 10));
    }

    #[test]
    fn a_window_is_whole_minutes_ending_with_the_current_one() {
        let now = DateTime::from_timestamp(1_000_000_030, 0).unwrap_or_default();
        let start = window_start(now, 15);
        assert_eq!(start.timestamp(), 1_000_000_020 - 14 * 60);
        assert_eq!(window_start(now, 1).timestamp(), 1_000_000_020);
    }

    #[test]
    fn a_change_is_checked_against_the_rules_metric() {
        let change = UpdateAlertRule {
            threshold: Some(500.0),
            ..UpdateAlertRule::default()
        };
        assert!(RuleChange::parse(&change, Metric::ErrorRate).is_err());
        assert!(RuleChange::parse(&change, Metric::LatencyP95).is_ok());
        let none = RuleChange::parse(&UpdateAlertRule::default(), Metric::ErrorRate);
        assert_eq!(none.ok(), Some(RuleChange::default()));
    }

    #[test]
    fn judging_needs_enough_calls_and_strictly_more_than_the_threshold() {
        let seen = |calls, errors| Observation {
            calls,
            errors,
            p95_ms: None,
        };
        assert_eq!(
            judge(Metric::ErrorRate, 5.0, 10, &seen(9, 9)),
            Verdict::TooFewCalls
        );
        assert_eq!(
            judge(Metric::ErrorRate, 5.0, 10, &seen(20, 1)),
            Verdict::Clear { value: 5.0 }
        );
        assert_eq!(
            judge(Metric::ErrorRate, 5.0, 10, &seen(20, 2)),
            Verdict::Firing { value: 10.0 }
        );
        let slow = Observation {
            calls: 10,
            errors: 0,
            p95_ms: Some(2500.0),
        };
        assert_eq!(
            judge(Metric::LatencyP95, 2000.0, 1, &slow),
            Verdict::Firing { value: 2500.0 }
        );
        assert_eq!(
            judge(Metric::LatencyP95, 2500.0, 1, &slow),
            Verdict::Clear { value: 2500.0 }
        );
        assert_eq!(
            judge(Metric::LatencyP95, 1.0, 1, &seen(5, 0)),
            Verdict::TooFewCalls
        );
    }
}
