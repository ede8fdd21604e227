//! The core of metrics-hub: the usage model and the arithmetic on it.
//!
//! The [`actors`] (one per assistant, a registry, a live fan-out hub) depend on storage only
//! through the traits in [`store`].
//!
//! Everything here is plain Rust with no HTTP and no SQL, so the rules (what a valid daily
//! record is, how costs and durations are stored exactly, what a valid date range is) are
//! written once and shared by the web layer, the persistence layer and the tests.

pub mod actors;
pub mod alert_rules;
pub mod analytics;
pub mod budget;
pub mod daily;
pub mod instruments;
pub mod latency;
pub mod live;
pub mod pricing;
pub mod range;
pub mod rollups;
pub mod sample;
pub mod sessions;
pub mod store;
pub mod totals;
pub mod units;
pub mod validation;

#[cfg(test)]
pub(crate) mod testing;

pub use daily::DailyRecord;
pub use range::{DateRange, RollingWindow};
pub use sample::{Sample, SampleKind};
pub use totals::{Stats, Totals};
pub use validation::{FieldError, ValidationErrors};
