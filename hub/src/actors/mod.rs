//! The actors of the hub: one [`AssistantActor`] per active assistant (buffering and
//! batch-writing its samples), the [`Registry`] that starts and stops them, and the
//! [`LiveHub`] that fans live updates out to subscribers on this node (with the sequence
//! number rules in [`sequence`]).

pub mod assistant;
pub mod config;
pub mod live_hub;
pub mod messages;
pub mod registry;
pub mod sequence;

pub use assistant::AssistantActor;
pub use config::HubConfig;
pub use live_hub::LiveHub;
pub use registry::Registry;
