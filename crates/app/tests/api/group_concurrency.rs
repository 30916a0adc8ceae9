//! Concurrent seat changes of one group session over HTTP on PostgreSQL: joins never exceed the
//! capacity, and leaves racing with joins, waitlist changes, promotions and a cancellation
//! leave the seat count equal to the seats listed and within the capacity.
#![allow(clippy::print_stderr, reason = "the measured outcomes, shown with --nocapture")]

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::berlin;
use crate::bookings::cancel;
use crate::group_fixture::{Groups, join, leave, listed, ok, wait};
use crate::helpers::{Reply, TestApp, outcomes, postgres_app};

/// The session as the admin sees it, checked for consistency: the seat count equals the seats
/// listed, no student holds two seats, the capacity is never exceeded and the status agrees.
async fn consistent(app: &TestApp, groups: &Groups<'_>, session: &Value) -> (Value, BTreeSet<String>) {
    let seen = listed(app, session, &groups.admin()).await;
    let seats: Vec<String> =
        seen["seats"].as_array().unwrap().iter().map(|s| s["studentId"].as_str().unwrap().to_owned()).collect();
    let unique: BTreeSet<String> = seats.iter().cloned().collect();
    let taken = seen["seatsTaken"].as_u64().unwrap();
    let capacity = seen["capacity"].as_u64().unwrap();
    assert_eq!(unique.len(), seats.len(), "one seat per student: {seen}");
    assert_eq!(taken, seats.len() as u64, "seatsTaken equals the seats listed: {seen}");
    assert!(taken <= capacity, "never over capacity: {seen}");
    if seen["status"] != "cancelled" {
        assert_eq!(seen["status"] == "full", taken == capacity, "status agrees with the count: {seen}");
    }
    (seen, unique)
}

type Call<'a> = Pin<Box<dyn Future<Output = (&'static str, Reply)> + 'a>>;

fn call<'a>(kind: &'static str, reply: impl Future<Output = Reply> + 'a) -> Call<'a> {
    Box::pin(async move { (kind, reply.await) })
}

/// The outcomes of each kind of call.
fn by_kind(results: &[(&'static str, Reply)]) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    let mut kinds: BTreeMap<&'static str, Vec<&Reply>> = BTreeMap::new();
    for (kind, reply) in results {
        kinds.entry(kind).or_default().push(reply);
    }
    kinds.into_iter().map(|(kind, replies)| (kind, outcomes(replies))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_students_joining_a_ten_seat_session_at_once_get_exactly_ten_seats() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let groups = Groups::new(&app, "acme").await;
    let template = groups.template(&groups.tara, "Exam prep", 10).await;
    let session = groups.session(&template, berlin(2, 10, 0)).await;
    let students = groups.students("Student", 50).await;

    let replies = join_all(students.iter().map(|s| join(&app, &session, s))).await;
    let counts = outcomes(&replies);
    eprintln!("50 concurrent joins of a 10-seat session: {counts:?}");
    assert_eq!(counts, BTreeMap::from([("200".to_owned(), 10), ("409 session_full".to_owned(), 40)]));
    let (seen, seated) = consistent(&app, &groups, &session).await;
    assert_eq!((seen["seatsTaken"].as_u64(), seen["status"].as_str()), (Some(10), Some("full")));
    let winners: BTreeSet<String> =
        students.iter().zip(&replies).filter(|(_, r)| r.status == StatusCode::OK).map(|(s, _)| s.id.clone()).collect();
    assert_eq!(seated, winners, "the seated students are exactly those answered 200");
    for (student, reply) in students.iter().zip(&replies).filter(|(_, r)| r.status == StatusCode::OK) {
        let own = reply.json();
        assert_eq!(own["seats"].as_array().unwrap().len(), 1, "{own}");
        assert_eq!(own["seats"][0]["studentId"], student.id.as_str(), "each winner sees only their own seat");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leaves_racing_with_joins_waitlists_promotions_and_a_cancellation_never_overfill() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let groups = Groups::new(&app, "acme").await;
    let template = groups.template(&groups.tara, "Exam prep", 10).await;
    let everyone = groups.students("Student", 45).await;
    let seated = &everyone[0..10];
    let waiting = &everyone[10..20];
    let joiners = &everyone[20..40];
    let late_waiters = &everyone[40..45];

    // 1. Ten seated and ten waitlisted; the ten seated leave while twenty others join. Every
    //    freed seat goes to a waitlisted student in the leave's own transaction, so every join
    //    finds the session full.
    let first = groups.session(&template, berlin(2, 10, 0)).await;
    for s in seated {
        ok(&join(&app, &first, s).await);
    }
    for s in waiting {
        assert_eq!(wait(&app, &first, s).await.status, StatusCode::CREATED);
    }
    let calls: Vec<Call<'_>> = seated
        .iter()
        .map(|s| call("leave", leave(&app, &first, s)))
        .chain(joiners.iter().map(|s| call("join", join(&app, &first, s))))
        .collect();
    let results = join_all(calls).await;
    let counts = by_kind(&results);
    eprintln!("10 leaves racing 20 joins, 10 waitlisted: {counts:?}");
    assert_eq!(counts["leave"], BTreeMap::from([("200".to_owned(), 10)]));
    assert_eq!(counts["join"], BTreeMap::from([("409 session_full".to_owned(), 20)]));
    let (seen, now_seated) = consistent(&app, &groups, &first).await;
    let promoted: BTreeSet<String> = waiting.iter().map(|s| s.id.clone()).collect();
    assert_eq!(now_seated, promoted, "the ten waitlisted students hold the seats: {seen}");
    for s in waiting {
        app.email(&s.email, "A seat opened up", 0).await;
    }
    eprintln!("after: seatsTaken={} status={}", seen["seatsTaken"], seen["status"]);

    // 2. Ten seated and five waitlisted; at once: the ten leave, twenty join, five more join
    //    the waitlist and three of the first five leave it. Which requests win depends on
    //    timing; the invariants do not.
    let second = groups.session(&template, berlin(2, 14, 0)).await;
    for s in seated {
        ok(&join(&app, &second, s).await);
    }
    for s in &waiting[0..5] {
        assert_eq!(wait(&app, &second, s).await.status, StatusCode::CREATED);
    }
    let path = crate::group_fixture::action(&second, "waitlist");
    let calls: Vec<Call<'_>> = seated
        .iter()
        .map(|s| call("leave", leave(&app, &second, s)))
        .chain(joiners.iter().map(|s| call("join", join(&app, &second, s))))
        .chain(late_waiters.iter().map(|s| call("waitlist", wait(&app, &second, s))))
        .chain(waiting[0..3].iter().map(|s| call("unwait", app.delete(&path, Some(&s.access)))))
        .collect();
    let results = join_all(calls).await;
    let counts = by_kind(&results);
    let (seen, now_seated) = consistent(&app, &groups, &second).await;
    eprintln!(
        "10 leaves, 20 joins, 5 waitlist joins, 3 waitlist leaves: {counts:?}; after: seatsTaken={} status={}",
        seen["seatsTaken"], seen["status"]
    );
    assert_eq!(counts["leave"], BTreeMap::from([("200".to_owned(), 10)]));
    let joined: BTreeSet<String> = joiners
        .iter()
        .zip(results.iter().filter(|(k, _)| *k == "join"))
        .filter(|(_, (_, r))| r.status == StatusCode::OK)
        .map(|(s, _)| s.id.clone())
        .collect();
    let could_be_promoted: BTreeSet<String> = waiting[0..5].iter().chain(late_waiters).map(|s| s.id.clone()).collect();
    assert!(joined.is_subset(&now_seated), "every 200 join holds a seat");
    for id in now_seated.difference(&joined) {
        assert!(could_be_promoted.contains(id), "{id} is seated without a 200 join or a waitlist entry");
    }
    for s in seated {
        assert!(!now_seated.contains(&s.id), "a leaver is not seated again");
    }
    for (kind, reply) in &results {
        assert!(
            reply.status.is_success()
                || ["session_full", "not_waitlistable", "not_found"].contains(&reply.json()["code"].as_str().unwrap()),
            "{kind}: {}",
            reply.text
        );
    }

    // 3. Thirty joins racing with the admin's cancellation: every join either got a seat before
    //    it or was refused; the cancelled session keeps the seats it had, within the capacity.
    let third = groups.session(&template, berlin(3, 10, 0)).await;
    let admin = groups.admin();
    let calls: Vec<Call<'_>> = everyone[0..15]
        .iter()
        .map(|s| call("join", join(&app, &third, s)))
        .chain(std::iter::once(call("cancel", cancel(&app, &admin.access, &third, json!({"reason": "storm"})))))
        .chain(everyone[15..30].iter().map(|s| call("join", join(&app, &third, s))))
        .collect();
    let results = join_all(calls).await;
    let counts = by_kind(&results);
    let (seen, now_seated) = consistent(&app, &groups, &third).await;
    eprintln!(
        "30 joins racing a cancellation: {counts:?}; after: seatsTaken={} status={}",
        seen["seatsTaken"], seen["status"]
    );
    assert_eq!(counts["cancel"], BTreeMap::from([("200".to_owned(), 1)]));
    assert_eq!(seen["status"], "cancelled");
    let granted = counts["join"].get("200").copied().unwrap_or(0);
    assert_eq!(now_seated.len(), granted, "the seats kept are the joins answered 200");
    let refused: usize = counts["join"]
        .iter()
        .filter(|(k, _)| *k == "409 session_full" || *k == "409 already_cancelled")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(granted + refused, 30, "{counts:?}");
}
