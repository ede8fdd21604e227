//! Daily metrics of an assistant: log a day, read a range, rolling averages, totals and daily
//! averages, one module per endpoint group. Every route checks that the caller owns the assistant
//! (404 otherwise). The query types shared by several of them live here.

use actix_web::web;
use chrono::{Days, NaiveDate, Utc};
use hub::DateRange;
use persistence::postgres::queries::reports::SampleFilter;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::routes::openapi::schemas::CallStatus;

mod daily;
mod rolling;
mod summaries;

pub use daily::*;
pub use rolling::*;
pub use summaries::*;

/// Days covered when a query gives no `start`.
pub const DEFAULT_RANGE_DAYS: u64 = 30;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post_daily_metrics)
        .service(rolling_average)
        .service(summary)
        .service(daily_metrics)
        .service(totals);
}

/// A date range; both ends optional.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day, `YYYY-MM-DD` (default: 29 days before `end`).
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last day, inclusive (default: today, UTC); not before `start`, and the range covers at
    /// most 3,660 days.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
}

impl RangeQuery {
    fn range(&self) -> Result<DateRange, ApiError> {
        let end = self.end.unwrap_or_else(|| Utc::now().date_naive());
        let start = self.start.unwrap_or_else(|| {
            end.checked_sub_days(Days::new(DEFAULT_RANGE_DAYS - 1))
                .unwrap_or(end)
        });
        Ok(DateRange::new(start, end)?)
    }
}

/// A date range and which samples to count.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// First day, `YYYY-MM-DD` (default: 29 days before `end`).
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last day, inclusive (default: today, UTC); not before `start`, and the range covers at
    /// most 3,660 days.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// Only calls with this status.
    #[param(inline, value_type = Option<CallStatus>)]
    pub status: Option<String>,
    /// Only calls of this model (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: Option<String>,
}

impl MetricsQuery {
    fn range(&self) -> Result<DateRange, ApiError> {
        RangeQuery {
            start: self.start,
            end: self.end,
        }
        .range()
    }

    fn filter(&self) -> Result<SampleFilter, ApiError> {
        Ok(SampleFilter::parse(
            self.status.as_deref(),
            self.model.as_deref(),
        )?)
    }
}
