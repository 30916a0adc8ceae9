//! Each invariant marked [DB] is refused by the database itself: writes that skip the domain's
//! checks (straight through a repository, or raw SQL) must fail.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use chrono::TimeDelta;
use common::TestStore;
use common::seed::{Academy, NO_BUFFER, academy, now, store_bundle, wednesday};
use domain::booking::{Booking, NewIndividualBooking, Payment, Seat};
use domain::bundles::{BundlePurchase, LedgerEntry, LedgerKind};
use domain::catalog::{Product, ProductKind, ProductName};
use domain::group_sessions::WaitlistEntry;
use domain::shared::{Cents, Currency, Interval, UserId};
use domain::store::{Conflict, Repositories, Store};
use test_support::Backend;
use uuid::Uuid;

fn individual(a: &Academy, ta: usize, student: UserId, start: chrono::DateTime<chrono::Utc>, minutes: i64) -> Booking {
    Booking::individual(
        NewIndividualBooking {
            id: Uuid::now_v7().into(),
            organization_id: a.org.id,
            course_id: a.course.id,
            ta_id: a.tas[ta].id,
            student_id: student,
            interval: Interval::new(start, start + TimeDelta::minutes(minutes)).unwrap(),
            payment: Payment::PerSession(Cents::new(5_000).unwrap()),
            currency: Currency::EUR,
            created_by: student,
            policy: domain::booking::BookingPolicy::default(),
        },
        now(),
    )
}

async fn conflict_of(t: &TestStore, result: Result<(), domain::store::StoreError>) -> Option<Conflict> {
    let err = result.expect_err(&format!("{:?}: the database should refuse this", t.backend));
    err.conflict()
}

#[tokio::test]
async fn a_tas_overlapping_session_is_refused() {
    for t in common::stores().await {
        let a = academy(&t.store, 2).await;
        let first = individual(&a, 0, a.students[0].id, wednesday(10, 0), 60);
        t.store.bookings().insert(&first, NO_BUFFER).await.unwrap();
        let overlapping = individual(&a, 0, a.students[1].id, wednesday(10, 30), 60);
        assert_eq!(
            conflict_of(&t, t.store.bookings().insert(&overlapping, NO_BUFFER).await).await,
            Some(Conflict::TaOverlap)
        );
        let back_to_back = individual(&a, 0, a.students[1].id, wednesday(11, 0), 60);
        t.store.bookings().insert(&back_to_back, NO_BUFFER).await.unwrap();
        // Moving a session onto another by raw SQL is refused too.
        let moved = t
            .exec(&format!(
                "UPDATE bookings SET starts_at = '{}', ends_at = '{}', blocked_until = '{}' WHERE id = {}",
                wednesday(10, 15).to_rfc3339(),
                wednesday(11, 15).to_rfc3339(),
                wednesday(11, 15).to_rfc3339(),
                t.id(back_to_back.id)
            ))
            .await;
        assert!(moved.is_err(), "{:?}", t.backend);
    }
}

#[tokio::test]
async fn the_buffer_in_force_when_booking_is_part_of_the_constraint() {
    for t in common::stores().await {
        let a = academy(&t.store, 2).await;
        let buffer = TimeDelta::minutes(15);
        t.store.bookings().insert(&individual(&a, 0, a.students[0].id, wednesday(10, 0), 60), buffer).await.unwrap();
        let inside_buffer = individual(&a, 0, a.students[1].id, wednesday(11, 10), 30);
        let refused = t.store.bookings().insert(&inside_buffer, NO_BUFFER).await;
        assert_eq!(conflict_of(&t, refused).await, Some(Conflict::TaOverlap));
        let after_it = individual(&a, 0, a.students[1].id, wednesday(11, 15), 30);
        t.store.bookings().insert(&after_it, NO_BUFFER).await.unwrap();
    }
}

#[tokio::test]
async fn a_students_overlapping_seat_is_refused_until_the_first_is_cancelled() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        let first = individual(&a, 0, a.students[0].id, wednesday(10, 0), 60);
        t.store.bookings().insert(&first, NO_BUFFER).await.unwrap();
        let other_ta = individual(&a, 1, a.students[0].id, wednesday(10, 30), 60);
        assert_eq!(
            conflict_of(&t, t.store.bookings().insert(&other_ta, NO_BUFFER).await).await,
            Some(Conflict::StudentOverlap)
        );
        assert!(t.store.bookings().cancel(a.org.id, first.id, a.admin.id, now(), None).await.unwrap());
        t.store.bookings().insert(&other_ta, NO_BUFFER).await.unwrap();
    }
}

#[tokio::test]
async fn seats_above_capacity_and_duplicate_seats_are_refused() {
    for t in common::stores().await {
        let a = academy(&t.store, 3).await;
        let session = a.template.session(
            Uuid::now_v7().into(),
            Interval::new(wednesday(14, 0), wednesday(15, 0)).unwrap(),
            domain::booking::BookingPolicy::default(),
            a.admin.id,
            now(),
        );
        t.store.bookings().insert(&session, NO_BUFFER).await.unwrap();
        let seat = Seat::new(session.id, a.students[0].id, Payment::PerSession(session.price_per_student), now());
        t.store.bookings().add_seat(a.org.id, &seat).await.unwrap();
        let again = t.store.bookings().add_seat(a.org.id, &seat).await.map(|_| ());
        assert_eq!(conflict_of(&t, again).await, Some(Conflict::AlreadyJoined));
        let over =
            t.exec(&format!("UPDATE bookings SET seats_taken = capacity + 1 WHERE id = {}", t.id(session.id))).await;
        assert!(over.is_err(), "{:?}: seats_taken above capacity", t.backend);
        // A seat row without its count is refused (at once on SQLite, at commit on PostgreSQL).
        let sneaky = t.exec(&format!(
            "INSERT INTO booking_seats (booking_id, organization_id, student_id, price_cents, joined_at, starts_at, ends_at) \
             VALUES ({}, {}, {}, 0, '{n}', '{s}', '{e}')",
            t.id(session.id), t.id(a.org.id), t.id(a.students[1].id),
            n = now().to_rfc3339(), s = wednesday(14, 0).to_rfc3339(), e = wednesday(15, 0).to_rfc3339()
        )).await;
        assert!(sneaky.is_err(), "{:?}: a seat the count does not know", t.backend);
    }
}

#[tokio::test]
async fn bundle_balances_stay_within_bounds_and_equal_their_ledger() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        let bundle = BundlePurchase::buy(Uuid::now_v7().into(), a.students[0].id, &a.bundle_product, now()).unwrap();
        store_bundle(&t.store, &bundle).await;
        let above =
            t.exec(&format!("UPDATE bundle_purchases SET remaining_sessions = 4 WHERE id = {}", t.id(bundle.id))).await;
        assert!(above.is_err(), "{:?}: remaining above total", t.backend);
        let below = t
            .exec(&format!("UPDATE bundle_purchases SET remaining_sessions = -1 WHERE id = {}", t.id(bundle.id)))
            .await;
        assert!(below.is_err(), "{:?}: remaining below zero", t.backend);
        // A ledger entry the balance does not reflect is refused.
        let booking = individual(&a, 0, a.students[0].id, wednesday(10, 0), 60);
        t.store.bookings().insert(&booking, NO_BUFFER).await.unwrap();
        let entry =
            LedgerEntry::for_booking(Uuid::now_v7().into(), a.org.id, bundle.id, LedgerKind::Debit, booking.id, now());
        assert_eq!(conflict_of(&t, t.store.bundles().append_ledger(&entry).await).await, Some(Conflict::BundleBalance));
        if t.backend == Backend::Postgres {
            // PostgreSQL also refuses a balance moved without its ledger entry (checked at commit).
            let unrecorded = t
                .exec(&format!("UPDATE bundle_purchases SET remaining_sessions = 2 WHERE id = {}", t.id(bundle.id)))
                .await;
            assert!(unrecorded.is_err(), "a balance change without a ledger entry");
        }
        // Spending below zero through the conditional update is impossible: the fourth debit
        // finds no credit (each debit commits with its ledger entry, as the services do).
        for expected in [true, true, true, false] {
            let tx = t.store.begin().await.unwrap();
            let spent = tx.bundles().debit(a.org.id, bundle.id).await.unwrap();
            if spent {
                let debit = LedgerEntry::for_booking(
                    Uuid::now_v7().into(),
                    a.org.id,
                    bundle.id,
                    LedgerKind::Debit,
                    booking.id,
                    now(),
                );
                tx.bundles().append_ledger(&debit).await.unwrap();
            }
            tx.commit().await.unwrap();
            assert_eq!(spent, expected, "{:?}", t.backend);
        }
    }
}

#[tokio::test]
async fn the_ledger_and_the_audit_trail_are_append_only() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        let bundle = BundlePurchase::buy(Uuid::now_v7().into(), a.students[0].id, &a.bundle_product, now()).unwrap();
        store_bundle(&t.store, &bundle).await;
        assert!(t.exec("DELETE FROM ledger_entries").await.is_err(), "{:?}", t.backend);
        assert!(t.exec("UPDATE ledger_entries SET delta = 100").await.is_err(), "{:?}", t.backend);
        let ctx = domain::shared::RequestContext::default();
        let event = domain::audit::AuditEvent::new(
            Uuid::now_v7().into(),
            a.org.id,
            domain::audit::AuditAction::LoginSucceeded,
            (domain::audit::TargetType::User, a.admin.id.into()),
            &ctx,
            now(),
        );
        t.store.audit().append(&event).await.unwrap();
        assert!(t.exec("UPDATE audit_events SET action = 'x'").await.is_err(), "{:?}", t.backend);
        assert!(t.exec("DELETE FROM audit_events").await.is_err(), "{:?}", t.backend);
    }
}

#[tokio::test]
async fn rows_cannot_point_across_tenants_or_at_the_wrong_role() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        let b = academy(&t.store, 1).await;
        // A course of organization B assigned a TA of organization A.
        let cross = t.store.course_tas().assign(b.org.id, b.course.id, a.tas[0].id).await.map(|_| ());
        assert_eq!(conflict_of(&t, cross).await, Some(Conflict::MissingReference));
        // A student assigned as a TA.
        let student_as_ta = t.store.course_tas().assign(a.org.id, a.course.id, a.students[0].id).await.map(|_| ());
        assert_eq!(conflict_of(&t, student_as_ta).await, Some(Conflict::MissingReference));
        // A booking of organization A on organization B's course.
        let mut foreign = individual(&a, 0, a.students[0].id, wednesday(10, 0), 60);
        foreign.course_id = b.course.id;
        assert_eq!(
            conflict_of(&t, t.store.bookings().insert(&foreign, NO_BUFFER).await).await,
            Some(Conflict::MissingReference)
        );
    }
}

#[tokio::test]
async fn one_active_session_price_per_course_and_one_waitlist_entry_per_student() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        let second_price = Product {
            id: Uuid::now_v7().into(),
            organization_id: a.org.id,
            course_id: a.course.id,
            kind: ProductKind::SingleSession,
            name: ProductName::parse("Another price").unwrap(),
            price: Cents::new(1).unwrap(),
            currency: Currency::EUR,
            active: true,
            created_at: now(),
        };
        assert_eq!(
            conflict_of(&t, t.store.products().insert(&second_price).await).await,
            Some(Conflict::SessionPriceExists)
        );
        let session = a.template.session(
            Uuid::now_v7().into(),
            Interval::new(wednesday(14, 0), wednesday(15, 0)).unwrap(),
            domain::booking::BookingPolicy::default(),
            a.admin.id,
            now(),
        );
        t.store.bookings().insert(&session, NO_BUFFER).await.unwrap();
        let entry = |n| WaitlistEntry {
            id: Uuid::now_v7().into(),
            organization_id: a.org.id,
            booking_id: session.id,
            student_id: a.students[0].id,
            bundle_purchase_id: None,
            created_at: now() + TimeDelta::seconds(n),
        };
        t.store.waitlist().insert(&entry(0)).await.unwrap();
        assert_eq!(
            conflict_of(&t, t.store.waitlist().insert(&entry(1)).await).await,
            Some(Conflict::AlreadyWaitlisted)
        );
    }
}
