//! A small closed-loop load generator for loopback benchmarks: N workers
//! send requests back to back for a fixed time and record each latency.
use std::time::{Duration, Instant};

pub struct Report {
    pub requests: usize,
    pub errors: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>7.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} errors)",
            self.rps, self.p50_ms, self.p99_ms, self.requests, self.errors
        )
    }
}

/// Runs `make` (which builds one request) from `workers` tasks for `duration`.
pub async fn run<F>(workers: usize, duration: Duration, make: F) -> Report
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = std::sync::Arc::new(make);
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for w in 0..workers {
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut i = w;
            while Instant::now() < deadline {
                let t = Instant::now();
                match make(i).send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                    }
                    _ => errors += 1,
                }
                lat.push(t.elapsed());
                i += workers;
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let wall = start.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    Report { requests: all.len(), errors, rps: all.len() as f64 / wall, p50_ms: pct(0.5), p99_ms: pct(0.99) }
}
