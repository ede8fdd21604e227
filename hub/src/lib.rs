//! The core of metrics-hub: the usage model and the arithmetic on it.
//!
//! Everything here is plain Rust with no HTTP and no SQL, so the rules (what a valid daily
//! record is, how costs and durations are stored exactly, what a valid date range is) are
//! written once and shared by the web layer, the persistence layer and the tests.

pub mod daily;
pub mod range;
pub mod units;
pub mod validation;

pub use daily::{DailyRecord, DailyRecordInput};
pub use range::{DateRange, RollingWindow};
pub use validation::{FieldError, ValidationErrors};
