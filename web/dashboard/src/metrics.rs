//! The Metrics area's logic, kept out of the components so it is tested natively: turning a
//! widget's [`ChartView`](protocol::sources::ChartView) into an ECharts option ([`chart`]) and
//! the forms' choices, checks and changes ([`forms`]).

pub mod chart;
pub mod forms;
