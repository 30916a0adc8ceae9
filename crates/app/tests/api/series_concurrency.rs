//! Concurrent series over HTTP on PostgreSQL: two all-or-nothing series over the same TA slots
//! never overlap and one of them is wholly refused, and twenty series on one ten-credit bundle
//! never overspend it (the exclusion constraint and the conditional debit, retried whole).
#![allow(clippy::print_stderr, reason = "the measured outcomes, shown with --nocapture")]

use std::collections::BTreeMap;

use chrono::Duration as Span;
use futures_util::future::join_all;
use serde_json::json;

use crate::academy::{Academy, berlin};
use crate::bookings::with;
use crate::bundles::{bought, ledger, remaining};
use crate::helpers::{outcomes, postgres_app};
use crate::series::{book_series, series};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_series_over_the_same_slots_at_once_never_overlap_and_one_is_wholly_refused() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let academy = Academy::new(&app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let students = academy.students("Student", 2).await;
    let rounds = 8;
    for round in 0..rounds {
        // Each round its own hour; the two series share every occurrence.
        let at = berlin(2, 8 + round, 0);
        let body = with(series(&course, at, "FREQ=DAILY;COUNT=10"), &json!({"taId": tas[0].id}));
        let replies = join_all(students.iter().map(|s| book_series(&app, &s.access, body.clone()))).await;
        let counts = outcomes(&replies);
        eprintln!("round {round}: two series over the same ten slots: {counts:?}");
        assert_eq!(counts, BTreeMap::from([("201".to_owned(), 1), ("409 ta_unavailable".to_owned(), 1)]));
        let winner = replies.iter().find(|r| r.status.is_success()).unwrap().json();
        assert_eq!(winner["bookings"].as_array().unwrap().len(), 10, "all of it");
        let loser = students.iter().zip(&replies).find(|(_, r)| !r.status.is_success()).unwrap().0;
        let theirs = app.get("/api/v1/bookings?limit=100", Some(&loser.access)).await.json();
        let first = &winner["bookings"][0]["startsAt"];
        let theirs = theirs["data"].as_array().unwrap().iter().filter(|b| &b["startsAt"] == first).count();
        assert_eq!(theirs, 0, "none of the refused series is booked");
    }
    // The TA's sessions: exactly one per slot, ten slots per round.
    let path = format!("/api/v1/bookings?taId={}&limit=100", tas[0].id);
    let list = app.get(&path, Some(&academy.admin.access)).await.json();
    let mut starts: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|b| b["startsAt"].as_str().unwrap()).collect();
    starts.sort_unstable();
    let total = starts.len();
    starts.dedup();
    assert_eq!((total, starts.len()), (10 * rounds as usize, 10 * rounds as usize), "no two sessions at one time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_series_at_once_on_a_ten_credit_bundle_never_overspend_it() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let academy = Academy::new(&app, "acme").await;
    let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let sam = academy.student("Sam").await;
    let bundle = bought(&app, &sam, &academy.bundle(&course, 10, 60, 30_000).await).await;
    let bundle_id = bundle["id"].as_str().unwrap().to_owned();

    // Twenty series of two weekly sessions each, at twenty different times.
    let bodies: Vec<_> = (0..20)
        .map(|i| {
            let at = berlin(2 + i / 10, 8, 0) + Span::hours(i % 10);
            with(series(&course, at, "FREQ=WEEKLY;COUNT=2"), &json!({"bundlePurchaseId": bundle_id}))
        })
        .collect();
    let replies = join_all(bodies.into_iter().map(|body| book_series(&app, &sam.access, body))).await;
    let counts = outcomes(&replies);
    eprintln!("20 concurrent two-session series on a 10-credit bundle: {counts:?}");
    assert_eq!(counts, BTreeMap::from([("201".to_owned(), 5), ("409 bundle_exhausted".to_owned(), 15)]));

    assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 0);
    let entries = ledger(&app, &sam.access, &bundle_id).await;
    assert_eq!(entries.len(), 11, "a purchase and ten debits: {entries:?}");
    assert_eq!(entries.iter().map(|(_, d)| d).sum::<i64>(), 0, "the ledger sums to the balance");
    let mine = app.get("/api/v1/bookings?limit=100", Some(&sam.access)).await.json();
    assert_eq!(mine["data"].as_array().unwrap().len(), 10);
}
