//! Usage: the calls the key check counted, per subscription, API and
//! minute (`gateway::meter` counts in memory; `service::flush` writes them),
//! the reports built from them (APIM's Reports_*), and the charts.
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod charts;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

/// One bucket of a report: calls as APIM names them. Gatehouse sees the
/// key check, not the backend's answer: a call the check allowed is a
/// success, one it refused (401, 403, 429) is blocked, and a check that
/// found no API or could not answer (404, 503) is "other". `failed`
/// (backend errors) is always 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCounts {
    pub success: i64,
    pub blocked: i64,
    pub failed: i64,
    pub other: i64,
}

impl CallCounts {
    pub fn total(&self) -> i64 {
        self.success + self.blocked + self.failed + self.other
    }
}

/// A series over time: each point's start (Unix seconds) and counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Seconds per point.
    pub step: i64,
    pub points: Vec<(i64, CallCounts)>,
}

/// A chart: the SVG the server drew, and its numbers (the table beside it
/// for screen readers and for reading exact values).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub svg: String,
    pub series: Series,
}

/// Calls per hour over the last 24 hours and per day over the last 30.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageCharts {
    pub hourly: Chart,
    pub daily: Chart,
}

/// What a subscription's quota leaves in the current period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaLeft {
    pub calls: i64,
    pub used: i64,
    /// Unix seconds when the next period starts.
    pub renews_at: i64,
}

/// One of the developer's subscriptions: its usage and limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionUsage {
    pub uid: String,
    pub charts: UsageCharts,
    /// (calls, seconds) of the product's rate limit.
    pub rate: Option<(i64, i64)>,
    pub quota: Option<QuotaLeft>,
}

/// A busiest-first row: (uid, name, counts over 30 days).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopRow {
    pub uid: String,
    pub name: String,
    pub counts: CallCounts,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardUsage {
    pub charts: UsageCharts,
    pub top_products: Vec<TopRow>,
    pub top_subscriptions: Vec<TopRow>,
}
