//! Concurrency through the domain's services over the real stores: many simultaneous requests
//! against one slot, one group session, one bundle; each guarantee must hold on both backends,
//! enforced by the database, and the invariant queries must find nothing afterwards.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use std::sync::Arc;

use common::seed::{Academy, academy, core, wednesday};
use common::{TestStore, invariants};
use domain::booking::{BookIndividual, BookingService, BookingStatus};
use domain::bundles::BundleService;
use domain::group_sessions::GroupSessionService;
use domain::scheduling::SessionDuration;
use domain::shared::{Actor, ErrorCode, SessionId, UseCaseError};
use domain::store::Repositories;
use tokio::task::JoinSet;

fn actor_of(a: &Academy, user: &domain::accounts::User) -> Actor {
    Actor::new(user.id, a.org.id, user.role, SessionId::from_uuid(uuid::Uuid::now_v7()))
}

/// Tallies outcomes by error code (`None` for success).
fn tally(outcomes: Vec<Option<ErrorCode>>) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for o in outcomes {
        *counts.entry(o.map_or_else(|| "ok".to_owned(), |c| c.as_str().to_owned())).or_insert(0) += 1;
    }
    counts
}

async fn stores(pool: u32) -> Vec<TestStore> {
    let mut out = Vec::new();
    for db in test_support::all_backends().await {
        out.push(common::store_on(db, pool).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_students_race_for_one_ta_slot_and_exactly_one_wins() {
    for t in stores(10).await {
        let a = Arc::new(academy(&t.store, 100).await);
        let bookings = BookingService::new(core(&t.store));
        let mut tasks = JoinSet::new();
        for student in a.students.clone() {
            let (a, bookings) = (a.clone(), bookings.clone());
            tasks.spawn(async move {
                let cmd = BookIndividual {
                    course_id: a.course.id,
                    starts_at: wednesday(10, 0),
                    duration: SessionDuration::from_minutes(60).unwrap(),
                    ta_id: Some(a.tas[0].id),
                    bundle_purchase_id: None,
                    student_id: None,
                };
                bookings.book_individual(&actor_of(&a, &student), &cmd).await.err().map(|e| e.code())
            });
        }
        let outcomes = tasks.join_all().await;
        let counts = tally(outcomes);
        assert_eq!(counts.get("ok"), Some(&1), "{:?}: {counts:?}", t.backend);
        assert_eq!(counts.get("ta_unavailable"), Some(&99), "{:?}: {counts:?}", t.backend);
        assert_eq!(t.scalar("SELECT count(*) FROM bookings").await, 1);
        invariants::assert_hold(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_students_race_for_ten_seats_and_exactly_ten_sit() {
    for t in stores(10).await {
        let a = Arc::new(academy(&t.store, 50).await);
        let groups = GroupSessionService::new(core(&t.store));
        let session = groups.schedule(&actor_of(&a, &a.admin), a.template.id, wednesday(14, 0)).await.unwrap();
        let mut tasks = JoinSet::new();
        for student in a.students.clone() {
            let (a, groups) = (a.clone(), groups.clone());
            tasks.spawn(
                async move { groups.join(&actor_of(&a, &student), session.id, None).await.err().map(|e| e.code()) },
            );
        }
        let counts = tally(tasks.join_all().await);
        assert_eq!(counts.get("ok"), Some(&10), "{:?}: {counts:?}", t.backend);
        assert_eq!(counts.get("session_full"), Some(&40), "{:?}: {counts:?}", t.backend);
        let stored = t.store.bookings().get(a.org.id, session.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.seats_taken, stored.seats.len()),
            (BookingStatus::Full, 10, 10),
            "{:?}",
            t.backend
        );
        invariants::assert_hold(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_bookings_on_a_three_session_bundle_spend_exactly_three() {
    for t in stores(10).await {
        let a = Arc::new(academy(&t.store, 1).await);
        let student = actor_of(&a, &a.students[0]);
        let bundle = BundleService::new(core(&t.store)).purchase(&student, a.bundle_product.id).await.unwrap();
        let bookings = BookingService::new(core(&t.store));
        let mut tasks = JoinSet::new();
        for slot in 0..20u32 {
            let (a, bookings, student) = (a.clone(), bookings.clone(), student.clone());
            tasks.spawn(async move {
                let cmd = BookIndividual {
                    course_id: a.course.id,
                    starts_at: wednesday(9 + slot / 4, (slot % 4) * 15),
                    duration: SessionDuration::from_minutes(15).unwrap(),
                    ta_id: Some(a.tas[0].id),
                    bundle_purchase_id: Some(bundle.id),
                    student_id: None,
                };
                bookings.book_individual(&student, &cmd).await.err().map(|e| e.code())
            });
        }
        let counts = tally(tasks.join_all().await);
        assert_eq!(counts.get("ok"), Some(&3), "{:?}: {counts:?}", t.backend);
        assert_eq!(counts.get("bundle_exhausted"), Some(&17), "{:?}: {counts:?}", t.backend);
        let stored = t.store.bundles().get(a.org.id, bundle.id).await.unwrap().unwrap();
        assert_eq!(stored.remaining_sessions, 0);
        let ledger = t.store.bundles().ledger(a.org.id, bundle.id).await.unwrap();
        assert_eq!(ledger.iter().map(|e| e.delta).collect::<Vec<_>>(), vec![3, -1, -1, -1], "{:?}", t.backend);
        invariants::assert_hold(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leaves_joins_and_waitlist_promotions_racing_never_overbook() {
    for t in stores(10).await {
        let a = Arc::new(academy(&t.store, 23).await);
        let groups = GroupSessionService::new(core(&t.store));
        let session = groups.schedule(&actor_of(&a, &a.admin), a.template.id, wednesday(14, 0)).await.unwrap();
        let (seated, rest) = a.students.split_at(10);
        let (waiting, rest) = rest.split_at(5);
        let (joiners, late_waiters) = rest.split_at(5);
        for s in seated {
            groups.join(&actor_of(&a, s), session.id, None).await.unwrap();
        }
        for s in waiting {
            groups.join_waitlist(&actor_of(&a, s), session.id, None).await.unwrap();
        }

        let mut tasks = JoinSet::new();
        let race = seated[..5]
            .iter()
            .map(|s| ("leave", s.clone()))
            .chain(joiners.iter().map(|s| ("join", s.clone())))
            .chain(late_waiters.iter().map(|s| ("wait", s.clone())));
        for (what, student) in race {
            let (a, groups) = (a.clone(), groups.clone());
            tasks.spawn(async move {
                let who = actor_of(&a, &student);
                let code = match what {
                    "leave" => groups.leave(&who, session.id).await.err().map(|e| e.code()),
                    "join" => groups.join(&who, session.id, None).await.err().map(|e| e.code()),
                    _ => groups.join_waitlist(&who, session.id, None).await.err().map(|e| e.code()),
                };
                (what, code)
            });
        }
        let outcomes = tasks.join_all().await;
        let of = |kind: &str| tally(outcomes.iter().filter(|(w, _)| *w == kind).map(|(_, c)| *c).collect());
        assert_eq!(of("leave").get("ok"), Some(&5), "{:?}: {:?}", t.backend, of("leave"));
        // Every freed seat went to a waitlisted student in the same transaction, so the
        // session never had a free seat for a direct join, and always was full for a waiter.
        assert_eq!(of("join").get("session_full"), Some(&5), "{:?}: {:?}", t.backend, of("join"));
        assert_eq!(of("wait").get("ok"), Some(&3), "{:?}: {:?}", t.backend, of("wait"));

        let stored = t.store.bookings().get(a.org.id, session.id).await.unwrap().unwrap();
        assert_eq!((stored.status, stored.seats_taken), (BookingStatus::Full, 10), "{:?}", t.backend);
        let seated_now: Vec<_> = stored.seats.iter().map(|s| s.student_id).collect();
        for s in waiting.iter().chain(&seated[5..]) {
            assert!(seated_now.contains(&s.id), "{:?}: {} should be seated", t.backend, s.name);
        }
        let still_waiting = t.store.waitlist().list(a.org.id, session.id).await.unwrap();
        let mut expected: Vec<_> = late_waiters.iter().map(|s| s.id).collect();
        let mut actual: Vec<_> = still_waiting.iter().map(|e| e.student_id).collect();
        expected.sort();
        actual.sort();
        assert_eq!(actual, expected, "{:?}", t.backend);
        assert!(t.scalar("SELECT count(*) FROM outbox_messages WHERE kind = 'waitlist_promotion'").await == 5);
        invariants::assert_hold(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_purchases_of_one_product_leave_one_active_bundle() {
    for t in stores(10).await {
        let a = Arc::new(academy(&t.store, 1).await);
        let bundles = BundleService::new(core(&t.store));
        let mut tasks = JoinSet::new();
        for _ in 0..10 {
            let (a, bundles) = (a.clone(), bundles.clone());
            tasks.spawn(async move {
                bundles.purchase(&actor_of(&a, &a.students[0]), a.bundle_product.id).await.err().map(|e| e.code())
            });
        }
        let counts = tally(tasks.join_all().await);
        assert_eq!(counts.get("ok"), Some(&1), "{:?}: {counts:?}", t.backend);
        assert_eq!(counts.get("bundle_already_active"), Some(&9), "{:?}: {counts:?}", t.backend);
        invariants::assert_hold(&t).await;
    }
}
