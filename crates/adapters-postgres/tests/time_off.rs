//! TA time off on both backends: the repository (round trip, tenancy, lists by start with
//! bounds and pages, overlapping windows of several TAs, delete), the store refusing a session
//! over its TA's time off (a trigger that reports stale reads, so the use case runs again),
//! and on PostgreSQL the ordering of a time off with sessions written for its TA concurrently.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use common::seed::{Academy, NO_BUFFER, academy, core, now, wednesday};
use domain::booking::{BookIndividual, Booking, BookingService, NewIndividualBooking, Payment};
use domain::scheduling::SessionDuration;
use domain::shared::{Actor, Cents, Currency, Cursor, Interval, Page, PageRequest, Role, SessionId, UseCaseError};
use domain::store::{Repositories, StoreError};
use domain::time_off::{AffectedOutcome, RecordTimeOff, TimeOff, TimeOffReason, TimeOffService, time_off_window};
use uuid::Uuid;

fn window(from: DateTime<Utc>, minutes: i64) -> Interval {
    Interval::new(from, from + TimeDelta::minutes(minutes)).unwrap()
}

fn time_off(a: &Academy, ta: usize, at: Interval) -> TimeOff {
    TimeOff {
        id: Uuid::now_v7().into(),
        organization_id: a.org.id,
        ta_id: a.tas[ta].id,
        window: at,
        reason: Some(TimeOffReason::parse("conference").unwrap()),
        created_by: a.admin.id,
        created_at: now(),
    }
}

fn individual(a: &Academy, ta: usize, student: usize, at: Interval) -> Booking {
    Booking::individual(
        NewIndividualBooking {
            id: Uuid::now_v7().into(),
            organization_id: a.org.id,
            course_id: a.course.id,
            ta_id: a.tas[ta].id,
            student_id: a.students[student].id,
            interval: at,
            payment: Payment::PerSession(Cents::new(5_000).unwrap()),
            currency: Currency::EUR,
            created_by: a.admin.id,
            policy: domain::booking::BookingPolicy::default(),
        },
        now(),
    )
}

fn actor_of(a: &Academy, user: &domain::accounts::User) -> Actor {
    Actor::new(user.id, a.org.id, user.role, SessionId::from_uuid(Uuid::now_v7()))
}

#[tokio::test]
async fn windows_round_trip_list_by_start_and_are_deleted() {
    for t in common::stores().await {
        let a = academy(&t.store, 0).await;
        let morning = time_off(&a, 0, window(wednesday(9, 0), 120));
        let evening = time_off(&a, 0, window(wednesday(18, 0), 60));
        let week = time_off(&a, 1, time_off_window(wednesday(0, 0), wednesday(0, 0) + TimeDelta::days(7)).unwrap());
        for w in [&evening, &morning, &week] {
            t.store.time_off().insert(w).await.unwrap();
        }
        assert_eq!(
            t.store.time_off().get(a.org.id, morning.id).await.unwrap(),
            Some(morning.clone()),
            "{:?}",
            t.backend
        );
        let other = academy(&t.store, 0).await;
        assert_eq!(t.store.time_off().get(other.org.id, morning.id).await.unwrap(), None, "another tenant's");

        let all = PageRequest::new(None, None).unwrap();
        let listed = t.store.time_off().list(a.org.id, a.tas[0].id, None, None, &all).await.unwrap();
        assert_eq!(listed, vec![morning.clone(), evening.clone()], "TA one's, earliest first");
        let after_ten = t.store.time_off().list(a.org.id, a.tas[0].id, Some(wednesday(11, 0)), None, &all).await;
        assert_eq!(after_ten.unwrap(), vec![evening.clone()], "the morning ends at 11:00");
        let before_six = t.store.time_off().list(a.org.id, a.tas[0].id, None, Some(wednesday(18, 0)), &all).await;
        assert_eq!(before_six.unwrap(), vec![morning.clone()], "the evening starts at 18:00");
        let one = PageRequest::new(Some(1), None).unwrap();
        let rows = t.store.time_off().list(a.org.id, a.tas[0].id, None, None, &one).await.unwrap();
        let first = Page::from_overfetch(rows, &one, |w| Cursor::instant(w.window.start(), w.id));
        assert_eq!(first.items, vec![morning.clone()]);
        let next = PageRequest::new(Some(1), first.next).unwrap();
        assert_eq!(
            t.store.time_off().list(a.org.id, a.tas[0].id, None, None, &next).await.unwrap(),
            vec![evening.clone()]
        );

        let tas = [a.tas[0].id, a.tas[1].id];
        let mut found = t.store.time_off().overlapping(a.org.id, &tas, window(wednesday(10, 0), 30)).await.unwrap();
        found.sort_by_key(|(_, w)| w.start());
        assert_eq!(found, vec![(a.tas[1].id, week.window), (a.tas[0].id, morning.window)]);
        let touching = t.store.time_off().overlapping(a.org.id, &tas[..1], window(wednesday(11, 0), 60)).await;
        assert_eq!(touching.unwrap(), vec![], "a window ending at 11:00 does not touch 11:00–12:00");
        // A week-long window found from its last day: the lookup reaches back far enough.
        let late =
            t.store.time_off().overlapping(a.org.id, &tas[1..], window(wednesday(0, 0) + TimeDelta::days(6), 60));
        assert_eq!(late.await.unwrap(), vec![(a.tas[1].id, week.window)]);

        assert!(t.store.time_off().delete(a.org.id, morning.id).await.unwrap());
        assert!(!t.store.time_off().delete(a.org.id, morning.id).await.unwrap());
        assert!(!t.store.time_off().delete(other.org.id, evening.id).await.unwrap(), "another tenant's");
        assert_eq!(t.store.time_off().get(a.org.id, morning.id).await.unwrap(), None);
    }
}

#[tokio::test]
async fn the_store_refuses_a_session_over_its_tas_time_off_as_a_stale_read() {
    for t in common::stores().await {
        let a = academy(&t.store, 2).await;
        t.store.time_off().insert(&time_off(&a, 0, window(wednesday(10, 0), 60))).await.unwrap();
        let over = individual(&a, 0, 0, window(wednesday(10, 30), 60));
        let err = t.store.bookings().insert(&over, NO_BUFFER).await.unwrap_err();
        assert!(matches!(err, StoreError::Transient(_)), "{:?}: {err:?}", t.backend);
        // Touching the window is fine, and so is another TA inside it.
        let after = individual(&a, 0, 0, window(wednesday(11, 0), 60));
        t.store.bookings().insert(&after, NO_BUFFER).await.unwrap();
        t.store.bookings().insert(&individual(&a, 1, 1, window(wednesday(10, 0), 60)), NO_BUFFER).await.unwrap();
        // A move into the window is refused; a move of the TA's session to another TA is not.
        let into = after.clone().moved(window(wednesday(10, 15), 60), a.tas[0].id, Role::Admin);
        assert!(matches!(t.store.bookings().reschedule(&into, NO_BUFFER).await, Err(StoreError::Transient(_))));
        let away = after.clone().moved(window(wednesday(12, 0), 60), a.tas[1].id, Role::Admin);
        assert!(t.store.bookings().reschedule(&away, NO_BUFFER).await.unwrap());
        // Cancelling a session inside a window (recorded after it) is never refused.
        let inside = individual(&a, 1, 0, window(wednesday(15, 0), 60));
        t.store.bookings().insert(&inside, NO_BUFFER).await.unwrap();
        t.store.time_off().insert(&time_off(&a, 1, window(wednesday(14, 0), 180))).await.unwrap();
        assert!(t.store.bookings().cancel(a.org.id, inside.id, a.admin.id, now(), None).await.unwrap());
    }
}

/// Recording time off for TA one (with reassignment) while students book TA one and TA two in
/// the window: every session that committed is either outside TA one's window or was listed as
/// affected; no TA holds two overlapping sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn time_off_and_bookings_for_its_ta_are_ordered_on_postgres() {
    let Some(db) = test_support::postgres::database().await else { return };
    let t = common::store_on(db, 12).await;
    for round in 0..5 {
        let a = Arc::new(academy(&t.store, 16).await);
        let bookings = BookingService::new(core(&t.store));
        let time_off = TimeOffService::new(core(&t.store));
        let mut tasks = tokio::task::JoinSet::new();
        for (n, student) in a.students.clone().into_iter().enumerate() {
            let (a, bookings) = (a.clone(), bookings.clone());
            tasks.spawn(async move {
                let cmd = BookIndividual {
                    course_id: a.course.id,
                    starts_at: wednesday(9 + u32::try_from(n % 8).unwrap(), 0),
                    duration: SessionDuration::from_minutes(60).unwrap(),
                    ta_id: Some(a.tas[n % 2].id),
                    bundle_purchase_id: None,
                    student_id: None,
                };
                bookings.book_individual(&actor_of(&a, &student), &cmd).await.map(|_| ()).map_err(|e| e.code())
            });
        }
        let off =
            RecordTimeOff { ta_id: a.tas[0].id, window: window(wednesday(9, 0), 8 * 60), reason: None, reassign: true };
        let recorded = time_off.record(&actor_of(&a, &a.admin), &off).await.unwrap();
        while let Some(done) = tasks.join_next().await {
            let _ = done.unwrap();
        }
        let unresolved: Vec<_> = recorded
            .affected
            .iter()
            .filter(|x| x.outcome == AffectedOutcome::Unresolved)
            .map(|x| x.booking_id)
            .collect();
        let still_there = t.store.bookings().active_for_ta(a.org.id, a.tas[0].id, off.window).await.unwrap();
        let mut left: Vec<_> = still_there.iter().map(|b| b.id).collect();
        left.sort();
        let mut listed = unresolved.clone();
        listed.sort();
        assert_eq!(left, listed, "round {round}: TA one keeps exactly the unresolved sessions");
        common::invariants::assert_hold(&t).await;
    }
}
