//! Building blocks shared by the pages: the ECharts chart, assistant tiles, the live
//! indicator, filter bar, navigation, an assistant's edit and delete, the loading / empty /
//! error states, the tab's live feed, the toasts of live budget alerts, and the Export button.

pub mod assistant_manage;
pub mod assistant_select;
pub mod chart;
pub mod export_button;
pub mod filter_bar;
pub mod live_indicator;
pub mod live_provider;
pub mod nav;
pub mod sessions;
pub mod states;
pub mod tile;
pub mod toasts;

pub use assistant_manage::{AssistantDelete, AssistantEdit};
pub use assistant_select::AssistantSelect;
pub use chart::EChart;
pub use export_button::ExportButton;
pub use filter_bar::FilterBar;
pub use live_indicator::LiveIndicator;
pub use live_provider::LiveProvider;
pub use nav::Nav;
pub use sessions::SessionsPanel;
pub use states::{Empty, ErrorBox, Loading, Skeleton};
pub use tile::{AssistantTile, TileData};
pub use toasts::ToastHost;
