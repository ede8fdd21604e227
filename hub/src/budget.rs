//! Budgets: spending limits per user or per assistant, per UTC day or month. The assistant
//! actors check them after every committed batch; crossing one raises an alert (once per budget
//! and period) that is stored, pushed to live subscribers, and flagged in ingest acks.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

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
}

/// A budget found exceeded (storage units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetAlert {
    pub budget_id: i64,
    /// `None` for a budget over all of the owner's assistants.
    pub assistant_id: Option<i64>,
    pub period: BudgetPeriod,
    pub period_start: NaiveDate,
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
            limit: crate::units::nanos_to_usd(self.limit_nanos),
            spent: crate::units::nanos_to_usd(self.spent_nanos),
        }
    }
}

/// The budgets of an assistant after a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetCheck {
    /// Some budget covering the assistant is spent for the current period.
    pub over_budget: bool,
    /// Budgets that became exceeded with this batch (each is alerted once per period).
    pub new_alerts: Vec<BudgetAlert>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let day: NaiveDate = "2026-05-17".parse().unwrap_or_default();
        assert_eq!(BudgetPeriod::Daily.start(day), day);
        assert_eq!(BudgetPeriod::Monthly.start(day).to_string(), "2026-05-01");
        assert_eq!(
            BudgetPeriod::parse("monthly").map(BudgetPeriod::as_str),
            Ok("monthly")
        );
        assert!(BudgetPeriod::parse("weekly").is_err());
    }
}
