//! Sources (#16): metrics pulled on a schedule from external APIs. This crate is the pure
//! logic of it, with no database and no actix, so the web crate, the bench and the tests share
//! one implementation:
//!
//! - [`template`]: the template files (`templates/*.toml`) and how a source's parameters are
//!   rendered into a request;
//! - [`transform`]: jq transformers (run by jaq, with limits) that turn a raw response into
//!   points;
//! - [`fetch`]: the HTTP client that sends rendered requests with SSRF guards and size limits;
//! - [`generate`]: the optional OpenAI-compatible endpoint that writes transformers and turns a
//!   sentence into chart settings.

pub mod fetch;
pub mod generate;
pub mod template;
pub mod transform;

pub use fetch::{AddressPolicy, FetchConfig, FetchError, Fetched, Fetcher};
pub use generate::{ChartSpec, GenerateError, LlmClient, LlmConfig};
pub use template::{
    Auth, Catalog, Endpoint, EndpointKind, Frequency, Parameter, ParameterKind, RenderedRequest,
    Template, TemplateError, TemplateTransformers,
};
pub use transform::{check_program, transform, Limits, Point, TransformError};
