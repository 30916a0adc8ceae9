//! Moves under concurrency over HTTP on PostgreSQL (the exclusion constraint and the time-off
//! trigger): fifty bookings rescheduled into one TA slot at once leave exactly one there and
//! the others where they were; a reschedule racing a new booking for the same slot lets exactly
//! one win; a TA's time off with reassignment racing bookings of the TAs it moves sessions to
//! never leaves two sessions of one TA overlapping, nor a session of the TA inside the window
//! that the answer did not name.
#![allow(clippy::print_stderr, reason = "the measured outcomes, shown with --nocapture")]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{book, booked, session, with};
use crate::helpers::{TestApp, outcomes, postgres_app};
use crate::reschedule::reschedule;

fn starts(b: &Value) -> DateTime<Utc> {
    b["startsAt"].as_str().unwrap().parse().unwrap()
}

fn ends(b: &Value) -> DateTime<Utc> {
    b["endsAt"].as_str().unwrap().parse().unwrap()
}

/// Every active booking of the organization (several pages).
async fn all_active(app: &TestApp, admin: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let reply = app.get(&format!("/api/v1/bookings?limit=100{cursor}"), Some(admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let page = reply.json();
        out.extend(page["data"].as_array().unwrap().iter().filter(|b| b["status"] != "cancelled").cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return out,
        }
    }
}

/// Panics if two active sessions of one TA overlap.
fn no_ta_overlaps(bookings: &[Value]) {
    for (i, a) in bookings.iter().enumerate() {
        for b in &bookings[i + 1..] {
            let overlap = a["taId"] == b["taId"] && starts(a) < ends(b) && starts(b) < ends(a);
            assert!(!overlap, "overlapping sessions of one TA: {a} and {b}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_bookings_moved_into_one_slot_at_once_leave_exactly_one_there() {
    let Some(app) = postgres_app().await else { return };
    let academy = Academy::new(&app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let students = academy.students("Student", 50).await;
    let mut lessons = Vec::new();
    for (n, student) in students.iter().enumerate() {
        let day = 2 + i64::try_from(n / 10).unwrap();
        let hour = 8 + u32::try_from(n % 10).unwrap();
        let body = with(session(&course, berlin(day, hour, 0), 60), &json!({"taId": tas[0].id}));
        lessons.push(booked(&app, &student.access, body).await);
    }
    let target = json!({"startsAt": rfc3339(berlin(8, 12, 0))});
    let replies = join_all(
        students
            .iter()
            .zip(&lessons)
            .map(|(student, lesson)| reschedule(&app, &student.access, lesson, target.clone())),
    )
    .await;
    let counts = outcomes(&replies);
    eprintln!("50 concurrent reschedules into one TA slot: {counts:?}");
    assert_eq!(counts.get("200"), Some(&1), "{counts:?}");
    let refused: usize = counts
        .iter()
        .filter(|(k, _)| ["409 no_ta_available", "409 ta_unavailable"].contains(&k.as_str()))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(refused, 49, "{counts:?}");

    let now = all_active(&app, &academy.admin.access).await;
    assert_eq!(now.len(), 50);
    for (lesson, reply) in lessons.iter().zip(&replies) {
        let found = now.iter().find(|b| b["id"] == lesson["id"]).unwrap();
        if reply.status.is_success() {
            assert_eq!((starts(found), found["sequence"].as_u64()), (berlin(8, 12, 0), Some(1)));
        } else {
            assert_eq!((starts(found), found["sequence"].as_u64()), (starts(lesson), Some(0)), "unchanged");
        }
    }
    no_ta_overlaps(&now);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reschedule_racing_a_new_booking_for_the_same_slot_lets_exactly_one_win() {
    let Some(app) = postgres_app().await else { return };
    let academy = Academy::new(&app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let [sam, kim] = [academy.student("Sam").await, academy.student("Kim").await];
    let tara = json!({"taId": tas[0].id});
    let mut wins = BTreeMap::new();
    for round in 0..12u32 {
        let lesson = booked(&app, &sam.access, with(session(&course, berlin(2, 8 + round, 0), 60), &tara)).await;
        let slot = berlin(5, 8 + round, 0);
        let (moved, booking) = tokio::join!(
            reschedule(&app, &sam.access, &lesson, json!({"startsAt": rfc3339(slot)})),
            book(&app, &kim.access, with(session(&course, slot, 60), &tara)),
        );
        assert!(
            moved.status.is_success() ^ booking.status.is_success(),
            "round {round}: {} / {}",
            moved.text,
            booking.text
        );
        *wins.entry(if moved.status.is_success() { "reschedule" } else { "booking" }).or_insert(0) += 1;
        if !moved.status.is_success() {
            let code = moved.json()["code"].as_str().unwrap().to_owned();
            assert!(["no_ta_available", "ta_unavailable"].contains(&code.as_str()), "{code}");
        }
    }
    eprintln!("a reschedule racing a booking for one slot, 12 rounds: {wins:?}");
    no_ta_overlaps(&all_active(&app, &academy.admin.access).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn time_off_with_reassignment_racing_bookings_never_overlaps() {
    let Some(app) = postgres_app().await else { return };
    let academy = Academy::new(&app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo", "Tess"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let students = academy.students("Student", 40).await;
    for round in 0..3i64 {
        let day = 2 + round;
        // Tara teaches ten sessions that day; forty students then book the same hours with
        // Theo and Tess while Tara's week off moves her sessions to them.
        let mut taras = Vec::new();
        for (n, student) in students.iter().take(10).enumerate() {
            let at = berlin(day, 8 + u32::try_from(n).unwrap(), 0);
            taras
                .push(booked(&app, &student.access, with(session(&course, at, 60), &json!({"taId": tas[0].id}))).await);
        }
        let off = json!({"from": rfc3339(berlin(day, 0, 0)), "to": rfc3339(berlin(day + 1, 0, 0)), "reassign": true});
        let bookings = students.iter().skip(10).enumerate().map(|(n, student)| {
            let at = berlin(day, 8 + u32::try_from(n % 10).unwrap(), 0);
            let ta = &tas[1 + n % 2].id;
            book(&app, &student.access, with(session(&course, at, 60), &json!({"taId": ta})))
        });
        let path = format!("/api/v1/tas/{}/time-off", tas[0].id);
        let time_off = app.post(&path, Some(&academy.admin.access), off);
        let (recorded, replies) = tokio::join!(time_off, join_all(bookings));
        assert_eq!(recorded.status, 201, "{}", recorded.text);
        let recorded = recorded.json();
        let counts = outcomes(&replies);
        let affected = recorded["affected"].as_array().unwrap();
        let moved = affected.iter().filter(|a| a["outcome"] == "reassigned").count();
        eprintln!("round {round}: time off moved {moved} of {} sessions; bookings: {counts:?}", affected.len());
        assert_eq!(affected.len(), 10, "every session of Tara that day is named");

        let now = all_active(&app, &academy.admin.access).await;
        no_ta_overlaps(&now);
        for a in affected {
            let found = now.iter().find(|b| b["id"] == a["bookingId"]).unwrap();
            assert_eq!(found["taId"], a["taId"], "the answer says who teaches it now");
        }
        let inside: Vec<_> = now
            .iter()
            .filter(|b| {
                b["taId"] == tas[0].id.as_str() && starts(b) >= berlin(day, 0, 0) && starts(b) < berlin(day + 1, 0, 0)
            })
            .collect();
        let unresolved = affected.iter().filter(|a| a["outcome"] == "unresolved").count();
        assert_eq!(inside.len(), unresolved, "Tara keeps only the sessions named unresolved");
    }
}
