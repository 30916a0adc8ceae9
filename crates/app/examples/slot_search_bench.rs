//! A small benchmark of slot search over HTTP: a course with 5 TAs open 08:00–20:00 every day,
//! 500 existing bookings over the next month, then repeated `GET /courses/{id}/slots` for a
//! 31-day window (its first page of 100). Prints latency percentiles; asserts nothing about
//! speed.
//!
//! ```sh
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p app --example slot_search_bench [-- requests]
//! ```
//! Without `TEST_DATABASE_URL` it runs on SQLite.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    reason = "a benchmark program: it fails by panicking and reports on stdout"
)]

#[path = "../tests/api/academy.rs"]
mod academy;
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::time::{Duration, Instant};

use academy::{Academy, berlin, rfc3339};
use serde_json::json;

const TAS: [&str; 5] = ["Tara", "Theo", "Tina", "Tom", "Tess"];
const BOOKINGS: usize = 500;

#[tokio::main]
async fn main() {
    let requests: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(300);
    let db = match test_support::postgres::database().await {
        Some(db) => db,
        None => test_support::sqlite::database().await,
    };
    let app = helpers::spawn_app(db).await;
    println!("backend: {:?}", app.backend);

    let academy = Academy::new(&app, "bench").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &TAS).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let mut students = Vec::new();
    for name in ["Sam", "Sky", "Sol", "Sid", "Sue"] {
        students.push(academy.student(name).await);
    }

    // 500 bookings: each day of the month, each TA, consecutive hours from 08:00, the student
    // of index i always with TA i so that no student overlaps.
    let started = Instant::now();
    let mut made = 0;
    'days: for day in 1..=31 {
        for hour in 8..=19 {
            for (ta, student) in tas.iter().zip(&students) {
                if made == BOOKINGS {
                    break 'days;
                }
                let reply = app
                    .post(
                        "/api/v1/bookings/individual",
                        Some(&student.access),
                        json!({"courseId": course, "taId": ta.id, "durationMinutes": 60,
                               "startsAt": rfc3339(berlin(day, hour, 0))}),
                    )
                    .await;
                if reply.status == 201 {
                    made += 1;
                }
            }
        }
    }
    println!("{made} bookings made in {:.1} s", started.elapsed().as_secs_f64());

    let from = berlin(1, 0, 0);
    let path = format!(
        "/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes=60&limit=100",
        rfc3339(from),
        rfc3339(from + chrono::Duration::days(31))
    );
    let token = academy.admin.access.clone();
    let first = app.get(&path, Some(&token)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let slots = first.json()["data"].as_array().unwrap().len();

    let mut latencies: Vec<Duration> = Vec::with_capacity(requests);
    for _ in 0..requests {
        let t = Instant::now();
        let reply = app.get(&path, Some(&token)).await;
        latencies.push(t.elapsed());
        assert_eq!(reply.status, 200);
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let mean = latencies.iter().sum::<Duration>() / u32::try_from(latencies.len()).unwrap();
    println!(
        "slot search, 31 days, 5 TAs, {made} bookings, {slots} slots returned, {requests} sequential requests:\n  \
         mean {:.2} ms, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        mean.as_secs_f64() * 1e3,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.90).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3,
    );
}
