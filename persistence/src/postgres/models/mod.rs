//! Row types, one file per table: `X` is what a query returns, `NewX` what an insert takes.

pub mod alert_rule;
pub mod assistant;
pub mod budget;
pub mod budget_alert;
pub mod connection;
pub mod ingest_key;
pub mod model_price;
pub mod point;
pub mod rule_alert;
pub mod source;
pub mod transformer;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
pub mod widget;

pub use alert_rule::{AlertRule, AlertRuleChanges, NewAlertRule};
pub use assistant::{Assistant, NewAssistant};
pub use budget::{Budget, BudgetChanges, NewBudget};
pub use budget_alert::BudgetAlert;
pub use connection::{Connection, ConnectionChanges, NewConnection};
pub use ingest_key::{IngestKey, NewIngestKey};
pub use model_price::{ModelPrice, NewModelPrice};
pub use point::Point;
pub use rule_alert::RuleAlert;
pub use source::{NewSource, Source, SourceChanges};
pub use transformer::{NewTransformer, Transformer};
pub use user::{NewUser, Role, User};
pub use webhook::{NewWebhook, Webhook};
pub use webhook_delivery::{Delivery, DeliveryState};
pub use widget::{NewWidget, Widget, WidgetChanges};
