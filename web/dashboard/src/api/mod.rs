//! The hub's REST API as the dashboard uses it: typed requests and answers ([`types`]), and
//! errors turned from `application/problem+json` documents into [`ApiError`] values that pages
//! can show ([`error`]). The calls themselves ([`client`], and [`admin`] for administration and
//! assistant changes, [`sources`] for the Metrics area) go through gloo-net's `fetch`.

pub mod admin;
pub mod client;
pub mod error;
pub mod sources;
pub mod types;

pub use client::Api;
pub use error::ApiError;
