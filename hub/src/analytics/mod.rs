//! Analytics math: which buckets a dashboard or time series covers, the KPIs of a set of
//! totals, spend projections and trends, and anomaly flags. Inputs come from the rollups (the
//! persistence crate reads them); nothing here touches storage.

pub mod anomaly;
pub mod compat;
pub mod dashboard;
pub mod kpis;
pub mod projection;
pub mod window;

pub use anomaly::{find_anomalies, Anomaly};
pub use dashboard::{Cell, Dashboard, DashboardInput, DayPoint, LabelCount, SeriesPoint};
pub use kpis::{Kpis, Trend};
pub use projection::Projection;
pub use window::{Granularity, GranularityExt, Window, WindowExt};
