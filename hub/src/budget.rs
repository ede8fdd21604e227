//! Budgets: spending limits per user or per assistant, per UTC day or month, optionally over one
//! `domain`, with warning thresholds (percentages of the limit). The assistant actors check them
//! after every committed batch; each threshold a budget's spend reaches raises one alert per
//! period, stored (a unique key per budget, period and threshold makes that exact across hub
//! nodes), pushed to live subscribers, and the limit itself is flagged in ingest acks.
//!
//! This module parses what clients send into [`BudgetSpec`] / [`BudgetChange`] and computes a
//! budget's [`Progress`] (spend, % used, projection, thresholds crossed); no SQL, no HTTP.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use protocol::budgets::{CreateBudget, UpdateBudget};
use serde::{Deserialize, Serialize};

use crate::store::SampleStore;
use crate::units::{usd_to_nanos, MAX_SAMPLE_COST_USD};
use crate::ValidationErrors;

/// Thresholds of a budget created without any.
pub const DEFAULT_THRESHOLDS: [i32; 3] = [50, 80, 100];
/// Most thresholds one budget may have (as sent, before removing repeats).
pub const MAX_THRESHOLDS: usize = 10;
/// Highest threshold, in percent of the limit.
pub const MAX_THRESHOLD_PERCENT: i64 = 1000;
/// Longest `domain` of a budget (the longest an event may carry).
pub const MAX_DOMAIN_CHARS: usize = crate::sample::MAX_LABEL_CHARS;
/// The shortest time a projection divides by, so that the first seconds of a period do not
/// project absurd sums.
pub const MIN_ELAPSED: Duration = Duration::minutes(1);

/// How long a budget's spend accumulates before it starts again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetPeriod {
    Daily,
    Monthly,
}

impl BudgetPeriod {
    /// Parses `daily` or `monthly`.
    pub fn parse(value: &str) -> Result<Self, ValidationErrors> {
        match value {
            "daily" => Ok(Self::Daily),
            "monthly" => Ok(Self::Monthly),
            other => Err(ValidationErrors::single(
                "period",
                format!("{other:?} is neither \"daily\" nor \"monthly\""),
            )),
        }
    }

    /// The value stored in `budgets.period`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Monthly => "monthly",
        }
    }

    /// The first day of the period holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Daily => day,
            Self::Monthly => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the next period (the day after the last day of the one holding `day`).
    pub fn next_start(self, day: NaiveDate) -> NaiveDate {
        let start = self.start(day);
        match self {
            Self::Daily => start.succ_opt(),
            Self::Monthly => start.checked_add_months(chrono::Months::new(1)),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// The last day of the period holding `day`.
    pub fn end(self, day: NaiveDate) -> NaiveDate {
        self.next_start(day).pred_opt().unwrap_or(day)
    }
}

/// Warning thresholds, in percent of the limit: 1 to [`MAX_THRESHOLDS`] values, each
/// `1..=MAX_THRESHOLD_PERCENT`, kept ascending without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds(Vec<i32>);

impl Default for Thresholds {
    fn default() -> Self {
        Self(DEFAULT_THRESHOLDS.to_vec())
    }
}

impl Thresholds {
    /// Sorts and de-duplicates `values` once each is in range.
    pub fn parse(values: &[i64]) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if values.is_empty() || values.len() > MAX_THRESHOLDS {
            errors.add(
                "thresholds",
                format!("must hold 1 to {MAX_THRESHOLDS} percentages"),
            );
        }
        for (i, value) in values.iter().enumerate() {
            if !(1..=MAX_THRESHOLD_PERCENT).contains(value) {
                errors.add(
                    format!("thresholds[{i}]"),
                    format!("{value} is not a percentage from 1 to {MAX_THRESHOLD_PERCENT}"),
                );
            }
        }
        let mut list: Vec<i32> = values
            .iter()
            .filter_map(|v| i32::try_from(*v).ok())
            .collect();
        list.sort_unstable();
        list.dedup();
        errors.into_result(Self(list))
    }

    /// Thresholds read back from storage (already checked when stored).
    pub fn from_stored(values: Vec<i32>) -> Self {
        Self(values)
    }

    pub fn as_slice(&self) -> &[i32] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<i32> {
        self.0
    }
}

/// A budget's limit: above 0 and at most [`MAX_SAMPLE_COST_USD`] US dollars; in nano-dollars.
pub fn parse_limit(usd: f64) -> Result<i64, ValidationErrors> {
    if !usd.is_finite() || usd <= 0.0 || usd > MAX_SAMPLE_COST_USD {
        return Err(ValidationErrors::single(
            "limit",
            format!("must be above 0 and at most {MAX_SAMPLE_COST_USD} US dollars"),
        ));
    }
    Ok(usd_to_nanos(usd).max(1))
}

/// A budget to create, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetSpec {
    pub assistant_id: Option<i64>,
    pub period: BudgetPeriod,
    pub limit_nanos: i64,
    pub thresholds: Thresholds,
    /// Exactly as events carry it (no trimming: budgets match the stored label).
    pub domain: Option<String>,
    /// The webhook its alerts are POSTed to (its owner is checked by the caller).
    pub webhook_id: Option<i64>,
}

impl BudgetSpec {
    /// Checks every field of `input`, reporting all bad ones at once.
    pub fn parse(input: &CreateBudget) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let period = BudgetPeriod::parse(&input.period)
            .map_err(|e| errors.extend(e))
            .ok();
        let limit_nanos = parse_limit(input.limit).map_err(|e| errors.extend(e)).ok();
        let thresholds = match &input.thresholds {
            Some(values) => Thresholds::parse(values).map_err(|e| errors.extend(e)).ok(),
            None => Some(Thresholds::default()),
        };
        if let Some(domain) = &input.domain {
            errors.check_text("domain", domain, MAX_DOMAIN_CHARS);
        }
        match (period, limit_nanos, thresholds) {
            (Some(period), Some(limit_nanos), Some(thresholds)) if errors.errors().is_empty() => {
                Ok(Self {
                    assistant_id: input.assistant_id,
                    period,
                    limit_nanos,
                    thresholds,
                    domain: input.domain.clone(),
                    webhook_id: input.webhook_id,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A change to a budget, checked: what is `None` stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetChange {
    pub limit_nanos: Option<i64>,
    pub thresholds: Option<Thresholds>,
    /// `Some(None)` removes the webhook.
    pub webhook_id: Option<Option<i64>>,
}

impl BudgetChange {
    /// Checks every field of `input`, reporting all bad ones at once.
    pub fn parse(input: &UpdateBudget) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let limit_nanos = input
            .limit
            .and_then(|usd| parse_limit(usd).map_err(|e| errors.extend(e)).ok());
        let thresholds = input
            .thresholds
            .as_deref()
            .and_then(|v| Thresholds::parse(v).map_err(|e| errors.extend(e)).ok());
        errors.into_result(Self {
            limit_nanos,
            thresholds,
            webhook_id: input.webhook_id,
        })
    }
}

/// Whether `spent_nanos` reached `percent` % of `limit_nanos` (exact, in integers).
pub fn reached(spent_nanos: i64, limit_nanos: i64, percent: i32) -> bool {
    i128::from(spent_nanos) * 100 >= i128::from(limit_nanos) * i128::from(percent)
}

/// Where a budget stands in its current period.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    pub spent_nanos: i64,
    /// `spent / limit × 100`.
    pub percent_used: f64,
    /// See [`projected_nanos`].
    pub projected_nanos: i64,
    /// The thresholds the spend has reached, ascending.
    pub crossed: Vec<i32>,
}

impl Progress {
    /// The progress of a budget with this spend in the period holding `now`.
    pub fn of(
        period: BudgetPeriod,
        limit_nanos: i64,
        thresholds: &Thresholds,
        spent_nanos: i64,
        now: DateTime<Utc>,
    ) -> Self {
        let today = now.date_naive();
        Self {
            period_start: period.start(today),
            period_end: period.end(today),
            spent_nanos,
            percent_used: spent_nanos as f64 * 100.0 / limit_nanos.max(1) as f64,
            projected_nanos: projected_nanos(period, spent_nanos, now),
            crossed: thresholds
                .as_slice()
                .iter()
                .copied()
                .filter(|t| reached(spent_nanos, limit_nanos, *t))
                .collect(),
        }
    }
}

/// The spend at the end of the period if it goes on at the period's rate so far:
/// `spent × (length of the period) / (now − start of the period)`, both from 00:00 UTC of the
/// period's first day, the elapsed time counted as at least [`MIN_ELAPSED`]; rounded to the
/// nano-dollar. A day is 86,400 s; a month its number of days times that.
pub fn projected_nanos(period: BudgetPeriod, spent_nanos: i64, now: DateTime<Utc>) -> i64 {
    let today = now.date_naive();
    let midnight = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    let start = midnight(period.start(today));
    let length = midnight(period.next_start(today)) - start;
    let elapsed = (now - start).max(MIN_ELAPSED);
    let projected =
        spent_nanos as f64 * length.num_milliseconds() as f64 / elapsed.num_milliseconds() as f64;
    // A float-to-int cast saturates, which is the right answer for an absurd projection.
    projected.round() as i64
}

/// A budget threshold found reached for the first time in a period (storage units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetAlert {
    pub budget_id: i64,
    /// `None` for a budget over all of the owner's assistants.
    pub assistant_id: Option<i64>,
    pub period: BudgetPeriod,
    pub period_start: NaiveDate,
    /// The percentage of the limit reached.
    pub threshold: i32,
    pub limit_nanos: i64,
    pub spent_nanos: i64,
}

impl BudgetAlert {
    /// The client-facing view (US dollars).
    pub fn view(&self) -> protocol::live::BudgetAlert {
        protocol::live::BudgetAlert {
            budget_id: self.budget_id,
            assistant_id: self.assistant_id,
            period: self.period.as_str().to_owned(),
            period_start: self.period_start,
            threshold: i64::from(self.threshold),
            limit: crate::units::nanos_to_usd(self.limit_nanos),
            spent: crate::units::nanos_to_usd(self.spent_nanos),
        }
    }
}

impl BudgetAlert {
    /// The document POSTed to the budget's webhook for this alert (stored alert `alert_id`,
    /// raised at `triggered_at`, of a budget counting `domain`).
    pub fn webhook_payload(
        &self,
        alert_id: i64,
        triggered_at: DateTime<Utc>,
        domain: Option<String>,
    ) -> protocol::webhooks::WebhookPayload {
        protocol::webhooks::WebhookPayload {
            event: "alert.triggered".to_owned(),
            kind: "budget".to_owned(),
            alert_id,
            assistant_id: self.assistant_id,
            threshold: f64::from(self.threshold),
            triggered_at,
            budget: Some(protocol::webhooks::BudgetPayload {
                budget_id: self.budget_id,
                period: self.period.as_str().to_owned(),
                period_start: self.period_start,
                period_end: self.period.end(self.period_start),
                limit: crate::units::nanos_to_usd(self.limit_nanos),
                spent: crate::units::nanos_to_usd(self.spent_nanos),
                domain,
            }),
            rule: None,
        }
    }
}

/// The budgets of an assistant after a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetCheck {
    /// Some budget covering the assistant is spent (100 %) for the current period.
    pub over_budget: bool,
    /// Thresholds reached with this batch (each is alerted once per budget and period).
    pub new_alerts: Vec<BudgetAlert>,
}

/// How often a budget check that failed transiently is tried in all.
const CHECK_ATTEMPTS: u32 = 3;

/// Checks the budgets covering an assistant after one of its batches committed. A transient
/// failure (a deadlock, a dropped connection) is tried again: a check that never runs would
/// leave a reached threshold unalerted until the assistant's next batch. `None` when it
/// failed; the actor then keeps what it knew.
pub async fn check_after_commit(store: &dyn SampleStore, assistant_id: i64) -> Option<BudgetCheck> {
    let mut attempt = 1;
    loop {
        match store.check_budgets(assistant_id, Utc::now()).await {
            Ok(check) => return Some(check),
            Err(error) if error.is_transient() && attempt < CHECK_ATTEMPTS => {
                tracing::debug!(assistant_id, %error, attempt, "budget check failed; trying again");
                attempt += 1;
            }
            Err(error) => {
                tracing::warn!(assistant_id, %error, "budgets not checked");
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests;
