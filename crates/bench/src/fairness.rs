//! The fairness scenario: what one student's slot searches cost everyone else. Other users
//! read the catalog and book at a steady rate (open loop), first alone, then while one student
//! runs 8 of the widest searches in parallel (31 days, 5-minute grid, the 11-TA booking course,
//! each from another grid cell so that none is served from the cache); the searcher waits
//! `Retry-After` when refused, as clients are asked to. The organization is on a 5-minute grid
//! for the scenario only.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use hdrhistogram::Histogram;
use serde_json::json;

use crate::load::{MakeRequest, Outcome, run};
use crate::seed::{BOOKING_TAS, Seeded, berlin};

/// Catalog reads per second of the other users.
const READS_PER_SECOND: f64 = 400.0;
/// Bookings per second of the other users.
const BOOKINGS_PER_SECOND: f64 = 20.0;
/// The searches one student runs at once.
const SEARCHERS: usize = 8;

/// What the scenario measured.
pub struct Fairness {
    /// Other users' catalog reads and bookings with no search running.
    pub alone: (Outcome, Outcome),
    /// The same while the searches run.
    pub crowded: (Outcome, Outcome),
    /// The searches.
    pub searches: Searches,
    /// One page's computation, in process.
    pub page: crate::page_cost::PageCost,
}

/// The searching student's answers.
pub struct Searches {
    /// Answers by status.
    pub statuses: BTreeMap<u16, u64>,
    /// Bytes of the 200 answers.
    pub bytes: u64,
    /// Latencies of the 200 answers, in microseconds.
    pub latency: Histogram<u64>,
    /// Wall time.
    pub elapsed: Duration,
}

fn reads(seeded: &Arc<Seeded>, base: &str) -> MakeRequest {
    let (s, b) = (seeded.clone(), base.to_owned());
    // Students 1..99 (the searcher is 99, student 0 the other scenarios' reader).
    Arc::new(move |h, i| {
        let student = 1 + usize::try_from(i % 98).unwrap_or(0);
        h.get(format!("{b}/api/v1/courses")).bearer_auth(&s.students[student].token)
    })
}

/// Booking `offset + i`: TA k's half-hour slot from day 60 (clear of the booking scenario's
/// days 11 and later), by student 100 + k, who books only with TA k.
fn bookings(seeded: &Arc<Seeded>, base: &str, offset: u64) -> MakeRequest {
    let (s, b) = (seeded.clone(), base.to_owned());
    Arc::new(move |h, i| {
        let i = i + offset;
        let tas = BOOKING_TAS as u64;
        let (k, slot) = (usize::try_from(i % tas).unwrap_or(0), i / tas);
        let at = berlin(60 + slot / 24, 8 + u32::try_from(slot % 24 / 2).unwrap_or(0))
            + Span::minutes(30 * i64::try_from(slot % 2).unwrap_or(0));
        let body =
            json!({"courseId": s.course, "taId": s.tas[k].id, "startsAt": at.to_rfc3339(), "durationMinutes": 30});
        h.post(format!("{b}/api/v1/bookings/individual")).bearer_auth(&s.students[100 + k].token).json(&body)
    })
}

/// The other users' load for `duration`: reads and bookings together.
async fn others(
    http: &reqwest::Client,
    seeded: &Arc<Seeded>,
    base: &str,
    duration: Duration,
    offset: u64,
) -> (Outcome, Outcome) {
    let (reads, bookings) = (reads(seeded, base), bookings(seeded, base, offset));
    tokio::join!(
        run(http, 16, duration, Some(READS_PER_SECOND), &[200], &reads),
        run(http, 16, duration, Some(BOOKINGS_PER_SECOND), &[201], &bookings),
    )
}

/// One student's searches until `deadline`, [`SEARCHERS`] at a time.
async fn search(http: reqwest::Client, seeded: Arc<Seeded>, base: String, deadline: Instant) -> Searches {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..SEARCHERS)
        .map(|_| {
            let (http, s, b, next) = (http.clone(), seeded.clone(), base.clone(), next.clone());
            tokio::spawn(async move {
                let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
                let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
                let mut bytes = 0;
                while Instant::now() < deadline {
                    // Another 5-minute grid cell each time: never a cached answer.
                    let i = i64::try_from(next.fetch_add(1, Ordering::Relaxed) % 288).unwrap_or(0);
                    let from = berlin(1, 0) + Span::minutes(5 * i);
                    let to = from + Span::days(31);
                    let url = format!(
                        "{b}/api/v1/courses/{}/slots?from={}&to={}&durationMinutes=60&limit=100",
                        s.course,
                        from.format("%Y-%m-%dT%H:%M:%SZ"),
                        to.format("%Y-%m-%dT%H:%M:%SZ")
                    );
                    let sent = Instant::now();
                    let Ok(response) = http.get(&url).bearer_auth(&s.students[99].token).send().await else {
                        *statuses.entry(0).or_default() += 1;
                        continue;
                    };
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    let body = response.bytes().await.map(|b| b.len()).unwrap_or(0);
                    *statuses.entry(status).or_default() += 1;
                    if status == 200 {
                        bytes += body as u64;
                        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX).max(1);
                        let _ = latency.record(micros.min(60_000_000));
                    }
                    if let Some(seconds) = retry_after {
                        tokio::time::sleep(
                            Duration::from_secs(seconds).min(deadline.saturating_duration_since(Instant::now())),
                        )
                        .await;
                    }
                }
                (statuses, bytes, latency)
            })
        })
        .collect();
    let mut all = Searches {
        statuses: BTreeMap::new(),
        bytes: 0,
        latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds"),
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (statuses, bytes, latency) = task.await.expect("a searcher panicked");
        for (status, n) in statuses {
            *all.statuses.entry(status).or_default() += n;
        }
        all.bytes += bytes;
        let _ = all.latency.add(latency);
    }
    all.elapsed = started.elapsed();
    all
}

async fn step(http: &reqwest::Client, seeded: &Seeded, base: &str, minutes: u32) -> anyhow::Result<()> {
    let body = json!({"settings": {"slotStepMinutes": minutes}});
    let response =
        http.patch(format!("{base}/api/v1/organization")).bearer_auth(&seeded.admin.token).json(&body).send().await?;
    anyhow::ensure!(response.status().is_success(), "PATCH /organization: {}", response.status());
    Ok(())
}

/// Runs the scenario: `duration` alone, then `duration` with the searches.
///
/// # Errors
/// When the organization's grid cannot be changed.
pub async fn fairness(
    http: &reqwest::Client,
    seeded: &Arc<Seeded>,
    base: &str,
    duration: Duration,
) -> anyhow::Result<Fairness> {
    let page = crate::page_cost::page_cost()?;
    step(http, seeded, base, 5).await?;
    let alone = others(http, seeded, base, duration, 0).await;
    let offset = alone.1.requests + 10;
    let searcher =
        tokio::spawn(search(crate::client(SEARCHERS)?, seeded.clone(), base.to_owned(), Instant::now() + duration));
    let crowded = others(http, seeded, base, duration, offset).await;
    let searches = searcher.await?;
    step(http, seeded, base, 30).await?;
    Ok(Fairness { alone, crowded, searches, page })
}

/// Prints the scenario's table.
pub fn print(f: &Fairness) {
    let s = &f.searches;
    let ok = s.statuses.get(&200).copied().unwrap_or(0);
    println!(
        "\none student, {SEARCHERS} searches at a time (31 days, 5-minute grid, 11 TAs, never cached), {:.0} s: \
         {ok} answered ({:.1}/s, {:.0} KB each, p50 {:.2} ms, p99 {:.2} ms), answers by status {:?}",
        s.elapsed.as_secs_f64(),
        ok as f64 / s.elapsed.as_secs_f64(),
        if ok == 0 { 0.0 } else { s.bytes as f64 / ok as f64 / 1024.0 },
        s.latency.value_at_quantile(0.5) as f64 / 1000.0,
        s.latency.value_at_quantile(0.99) as f64 / 1000.0,
        s.statuses,
    );
    println!(
        "a page of 100 computed in process (11 TAs, 5-minute grid, a month): {:.2} ms when it fills at once, \
         {:.2} ms when the whole month is scanned to fill it",
        f.page.dense_ms, f.page.sparse_ms
    );
    println!(
        "\n| other users (open loop) | req/s | p50 ms alone | p99 ms alone | p50 ms with searches | p99 ms with searches | p99 ratio | errors |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, alone, crowded) in
        [("catalog read (cached)", &f.alone.0, &f.crowded.0), ("individual booking", &f.alone.1, &f.crowded.1)]
    {
        let errors = alone.error_count() + crowded.error_count();
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2}× | {} |",
            crowded.throughput(),
            alone.millis(0.5),
            alone.millis(0.99),
            crowded.millis(0.5),
            crowded.millis(0.99),
            crowded.millis(0.99) / alone.millis(0.99),
            if errors == 0 { "0".to_owned() } else { format!("{:?} / {:?}", alone.errors, crowded.errors) },
        );
    }
}
