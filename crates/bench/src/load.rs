//! A load generator over loopback: `concurrency` clients, each sending its next request as soon
//! as the previous one is answered (closed loop), or at a fixed total rate (open loop, latency
//! counted from the scheduled send time, so that a stall is not hidden). Latencies go into an
//! HDR histogram; any status not in the expected set is an error.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// Builds request number `i`.
pub type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// What a run measured.
pub struct Outcome {
    /// Requests answered.
    pub requests: u64,
    /// Answers with an unexpected status, by status (0: a transport error).
    pub errors: BTreeMap<u16, u64>,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Latencies in microseconds.
    pub latency: Histogram<u64>,
}

impl Outcome {
    /// Requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// A latency quantile in milliseconds.
    pub fn millis(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    /// Unexpected answers in all.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Nothing measured yet.
    pub fn empty() -> Self {
        Self {
            requests: 0,
            errors: BTreeMap::new(),
            elapsed: Duration::ZERO,
            latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds"),
        }
    }

    /// Adds another run of the same scenario: its requests, errors, time and latencies.
    pub fn absorb(&mut self, other: Self) {
        self.requests += other.requests;
        for (status, n) in other.errors {
            *self.errors.entry(status).or_default() += n;
        }
        self.elapsed += other.elapsed;
        let _ = self.latency.add(other.latency);
    }
}

/// Runs `make` for `duration` with `concurrency` clients; `rate` (requests per second in all)
/// switches to open loop.
pub async fn run(
    http: &reqwest::Client,
    concurrency: usize,
    duration: Duration,
    rate: Option<f64>,
    expected: &'static [u16],
    make: &MakeRequest,
) -> Outcome {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let interval = rate.map(|r| Duration::from_secs_f64(1.0 / r));
    let workers = (0..concurrency).map(|_| {
        let (http, make, next) = (http.clone(), make.clone(), next.clone());
        tokio::spawn(async move {
            let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
            let mut errors: BTreeMap<u16, u64> = BTreeMap::new();
            let mut requests = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let scheduled = match interval {
                    Some(every) => {
                        let at = started + every.mul_f64(i as f64);
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                    None => Instant::now(),
                };
                if scheduled >= deadline {
                    break;
                }
                let status = match make(&http, i).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        status
                    }
                    Err(_) => 0,
                };
                let micros = u64::try_from(scheduled.elapsed().as_micros()).unwrap_or(u64::MAX).max(1);
                let _ = latency.record(micros.min(60_000_000));
                requests += 1;
                if !expected.contains(&status) {
                    *errors.entry(status).or_default() += 1;
                }
            }
            (requests, errors, latency)
        })
    });
    let mut outcome = Outcome::empty();
    for worker in futures_join(workers).await {
        let (requests, errors, latency) = worker;
        outcome.requests += requests;
        for (status, n) in errors {
            *outcome.errors.entry(status).or_default() += n;
        }
        let _ = outcome.latency.add(latency);
    }
    outcome.elapsed = started.elapsed().min(duration.max(started.elapsed()));
    outcome
}

async fn futures_join<T: Send + 'static>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.expect("a load worker panicked"));
    }
    out
}
