//! Concurrent bookings over HTTP on PostgreSQL (the exclusion constraint and the conditional
//! bundle debit): one TA slot wanted by a hundred students is booked once, a two-TA slot
//! twice, and a three-session bundle pays for exactly three of twenty concurrent sessions.
#![allow(clippy::print_stderr, reason = "the measured outcomes, shown with --nocapture")]

use std::collections::BTreeMap;

use chrono::Duration as Span;
use futures_util::future::join_all;
use serde_json::json;

use crate::academy::{Academy, berlin};
use crate::bookings::{book, session, with};
use crate::bundles::{bought, ledger, remaining};
use crate::helpers::{outcomes, postgres_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slot_wanted_by_a_hundred_students_at_once_is_booked_once_per_ta() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let academy = Academy::new(&app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let students = academy.students("Student", 100).await;

    // One named TA: exactly one booking, every other request sees the TA taken.
    let body = with(session(&course, berlin(2, 10, 0), 60), &json!({"taId": tas[0].id}));
    let replies = join_all(students.iter().map(|s| book(&app, &s.access, body.clone()))).await;
    let counts = outcomes(&replies);
    eprintln!("100 concurrent bookings of one TA slot: {counts:?}");
    assert_eq!(counts, BTreeMap::from([("201".to_owned(), 1), ("409 ta_unavailable".to_owned(), 99)]));

    // The automatic choice over two TAs: exactly two bookings, one per TA.
    let body = session(&course, berlin(2, 14, 0), 60);
    let replies = join_all(students.iter().map(|s| book(&app, &s.access, body.clone()))).await;
    let counts = outcomes(&replies);
    eprintln!("100 concurrent bookings of a two-TA slot: {counts:?}");
    assert_eq!(counts, BTreeMap::from([("201".to_owned(), 2), ("409 no_ta_available".to_owned(), 98)]));
    let mut chosen: Vec<String> = replies
        .iter()
        .filter(|r| r.status.is_success())
        .map(|r| r.json()["taId"].as_str().unwrap().to_owned())
        .collect();
    chosen.sort();
    let mut both = vec![tas[0].id.clone(), tas[1].id.clone()];
    both.sort();
    assert_eq!(chosen, both);

    let listed = app.get("/api/v1/bookings?limit=100", Some(&academy.admin.access)).await.json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 3, "nothing else was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_three_session_bundle_pays_for_exactly_three_of_twenty_concurrent_sessions() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let academy = Academy::new(&app, "acme").await;
    let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let sam = academy.student("Sam").await;
    let bundle = bought(&app, &sam, &academy.bundle(&course, 3, 30, 9_000).await).await;
    let bundle_id = bundle["id"].as_str().unwrap().to_owned();

    let bodies: Vec<_> = (0..20)
        .map(|i| {
            let at = berlin(2, 8, 0) + Span::minutes(30 * i);
            with(session(&course, at, 30), &json!({"bundlePurchaseId": bundle_id}))
        })
        .collect();
    let replies = join_all(bodies.into_iter().map(|body| book(&app, &sam.access, body))).await;
    let counts = outcomes(&replies);
    eprintln!("20 concurrent bookings on a 3-session bundle: {counts:?}");
    assert_eq!(counts, BTreeMap::from([("201".to_owned(), 3), ("409 bundle_exhausted".to_owned(), 17)]));

    assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 0);
    let entries = ledger(&app, &sam.access, &bundle_id).await;
    let expected: Vec<(String, i64)> =
        [("purchase", 3), ("debit", -1), ("debit", -1), ("debit", -1)].map(|(k, d)| (k.to_owned(), d)).to_vec();
    assert_eq!(entries, expected);
    let mine = app.get("/api/v1/bookings", Some(&sam.access)).await.json();
    assert_eq!(mine["data"].as_array().unwrap().len(), 3);
}
