//! Exports of stored calls: the file formats ([`format`]), reading the calls a page at a time
//! ([`pages`]) — both shared by `GET /export` and `metrics-hub export` — and the signed
//! download links the dashboard's Export button uses ([`links`]).

pub mod format;
pub mod links;
pub mod pages;

pub use format::Format;
pub use links::ExportLinks;
pub use pages::{CallPages, DailyPages, Pager};
