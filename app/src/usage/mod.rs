//! Usage: the calls the key check counted, per subscription, API and
//! minute (`gateway::meter` counts in memory; `service::flush` writes them),
//! the reports built from them (APIM's Reports_*), and the charts.
use serde::{Deserialize, Serialize};

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
