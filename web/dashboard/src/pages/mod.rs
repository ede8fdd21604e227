//! One module per page (see `route::Route`). Pages that need a session render a small guard
//! component first and the real page (with its hooks) only once a session exists.

mod admin;
mod alerts;
mod analytics;
mod board;
mod budgets;
mod costs;
mod create_assistant;
mod detail;
mod keys;
mod login;
mod metrics;
mod not_found;
mod overview;
pub(crate) mod prices;
mod register;
pub(crate) mod runs;
mod wall;

pub use admin::AdminPage;
pub use alerts::AlertsPage;
pub use analytics::Analytics;
pub use budgets::BudgetsPage;
pub use costs::Costs;
pub use create_assistant::CreateAssistant;
pub use detail::AssistantDetail;
pub use keys::KeysPage;
pub use login::Login;
pub use metrics::MetricsPage;
pub use not_found::NotFound;
pub use overview::Overview;
pub use prices::PricesPage;
pub use register::Register;
pub use runs::Runs;
pub use wall::Wall;
