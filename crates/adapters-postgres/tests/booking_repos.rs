//! The booking-side repositories on both backends: bookings (round trip, filters, pagination,
//! busy intervals, per-day counts, seats and status transitions, cancellation), bundles,
//! templates and waitlists.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use chrono::TimeDelta;
use common::seed::{Academy, NO_BUFFER, academy, now, store_bundle, wednesday};
use domain::booking::{Booking, BookingFilter, BookingStatus, NewIndividualBooking, Payment, Seat, SessionType};
use domain::bundles::{BundleFilter, BundlePurchase};
use domain::group_sessions::WaitlistEntry;
use domain::scheduling::SessionDuration;
use domain::shared::{Cents, Currency, Cursor, Interval, Page, PageRequest, UserId};
use domain::store::Repositories;
use uuid::Uuid;

fn individual(a: &Academy, ta: usize, student: UserId, start: chrono::DateTime<chrono::Utc>) -> Booking {
    Booking::individual(
        NewIndividualBooking {
            id: Uuid::now_v7().into(),
            organization_id: a.org.id,
            course_id: a.course.id,
            ta_id: a.tas[ta].id,
            student_id: student,
            interval: Interval::new(start, start + TimeDelta::minutes(60)).unwrap(),
            payment: Payment::PerSession(Cents::new(5_000).unwrap()),
            currency: Currency::EUR,
            created_by: student,
            policy: domain::booking::BookingPolicy::default(),
        },
        now(),
    )
}

fn group(a: &Academy, start: chrono::DateTime<chrono::Utc>) -> Booking {
    a.template.session(
        Uuid::now_v7().into(),
        Interval::new(start, start + TimeDelta::minutes(60)).unwrap(),
        domain::booking::BookingPolicy::default(),
        a.admin.id,
        now(),
    )
}

#[tokio::test]
async fn bookings_round_trip_with_their_seats() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        let mut booking = individual(&a, 0, a.students[0].id, wednesday(10, 0));
        booking.policy = domain::booking::BookingPolicy {
            cancellation_window_hours: 720,
            reschedule_window_hours: 0,
            max_reschedules: 10,
            late_cancellation: domain::booking::LateOutcome::Refund,
            no_show: domain::booking::LateOutcome::Refund,
        };
        t.store.bookings().insert(&booking, NO_BUFFER).await.unwrap();
        assert_eq!(
            t.store.bookings().get(a.org.id, booking.id).await.unwrap(),
            Some(booking.clone()),
            "{:?}",
            t.backend
        );
        assert_eq!(t.store.bookings().lock(a.org.id, booking.id).await.unwrap(), Some(booking.clone()));
        let other = academy(&t.store, 0).await;
        assert_eq!(t.store.bookings().get(other.org.id, booking.id).await.unwrap(), None, "another tenant's");
    }
}

#[tokio::test]
async fn lists_filter_and_page_by_start_then_id() {
    for t in common::stores().await {
        let a = academy(&t.store, 3).await;
        let mut made = Vec::new();
        for (i, hour) in [9u32, 10, 11, 12, 13].into_iter().enumerate() {
            let b = individual(&a, i % 2, a.students[i % 3].id, wednesday(hour, 0));
            t.store.bookings().insert(&b, NO_BUFFER).await.unwrap();
            made.push(b);
        }
        let session = group(&a, wednesday(15, 0));
        t.store.bookings().insert(&session, NO_BUFFER).await.unwrap();
        made.push(session.clone());

        // Three pages of two, in order, nothing repeated or skipped.
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let request = PageRequest::new(Some(2), cursor.clone()).unwrap();
            let rows = t.store.bookings().list(a.org.id, &BookingFilter::default(), &request).await.unwrap();
            let page = Page::from_overfetch(rows, &request, |b| Cursor::instant(b.interval.start(), b.id));
            seen.extend(page.items.iter().map(|b| b.id));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, made.iter().map(|b| b.id).collect::<Vec<_>>(), "{:?}", t.backend);

        let by = |f: BookingFilter| {
            let store = t.store.clone();
            let org = a.org.id;
            async move { store.bookings().list(org, &f, &PageRequest::first()).await.unwrap().len() }
        };
        assert_eq!(
            by(BookingFilter { ta_id: Some(a.tas[0].id), ..Default::default() }).await,
            4,
            "TA 1: three sessions and the group"
        );
        assert_eq!(by(BookingFilter { student_id: Some(a.students[0].id), ..Default::default() }).await, 2);
        assert_eq!(by(BookingFilter { session_type: Some(SessionType::Group), ..Default::default() }).await, 1);
        assert_eq!(by(BookingFilter { status: Some(BookingStatus::Open), ..Default::default() }).await, 1);
        assert_eq!(
            by(BookingFilter { from: Some(wednesday(11, 0)), to: Some(wednesday(13, 0)), ..Default::default() }).await,
            2
        );
        assert_eq!(by(BookingFilter { course_id: Some(a.course.id), ..Default::default() }).await, 6);
    }
}

#[tokio::test]
async fn busy_intervals_and_day_counts_skip_cancelled_sessions() {
    for t in common::stores().await {
        let a = academy(&t.store, 2).await;
        let kept = individual(&a, 0, a.students[0].id, wednesday(10, 0));
        let cancelled = individual(&a, 0, a.students[1].id, wednesday(12, 0));
        t.store.bookings().insert(&kept, NO_BUFFER).await.unwrap();
        t.store.bookings().insert(&cancelled, NO_BUFFER).await.unwrap();
        assert!(t.store.bookings().cancel(a.org.id, cancelled.id, a.admin.id, now(), None).await.unwrap());
        assert!(
            !t.store.bookings().cancel(a.org.id, cancelled.id, a.admin.id, now(), None).await.unwrap(),
            "only once"
        );

        let day = Interval::new(wednesday(0, 0), wednesday(0, 0) + TimeDelta::days(1)).unwrap();
        let tas = [a.tas[0].id, a.tas[1].id];
        assert_eq!(t.store.bookings().ta_busy(a.org.id, &tas, day).await.unwrap(), vec![(a.tas[0].id, kept.interval)]);
        let narrow = Interval::new(wednesday(11, 0), wednesday(12, 0)).unwrap();
        assert!(
            t.store.bookings().ta_busy(a.org.id, &tas, narrow).await.unwrap().is_empty(),
            "half-open: 11:00 is free"
        );
        assert_eq!(t.store.bookings().count_starting_in(a.org.id, &tas, day).await.unwrap(), vec![(a.tas[0].id, 1)]);
        let students = [a.students[0].id, a.students[1].id];
        assert_eq!(
            t.store.bookings().student_busy(a.org.id, &students, day).await.unwrap(),
            vec![(a.students[0].id, kept.interval)],
            "{:?}: a cancelled session's seat no longer blocks its student",
            t.backend
        );
        let stored = t.store.bookings().get(a.org.id, cancelled.id).await.unwrap().unwrap();
        assert_eq!((stored.status, stored.cancelled_by), (BookingStatus::Cancelled, Some(a.admin.id)));
    }
}

#[tokio::test]
async fn a_booking_moves_with_its_seats_under_the_overlap_rules_and_never_conflicts_with_itself() {
    use domain::shared::Role;
    use domain::store::{Conflict, StoreError};
    for t in common::stores().await {
        let (b, bookings) = (t.backend, t.store.bookings());
        let a = academy(&t.store, 2).await;
        let (sam, kim) = (a.students[0].id, a.students[1].id);
        let moving = individual(&a, 0, sam, wednesday(10, 0));
        let taken = individual(&a, 0, kim, wednesday(12, 0));
        let elsewhere = individual(&a, 1, sam, wednesday(14, 0));
        for booking in [&moving, &taken, &elsewhere] {
            bookings.insert(booking, NO_BUFFER).await.unwrap();
        }
        let to = |h: u32, m: u32| Interval::new(wednesday(h, m), wednesday(h, m) + TimeDelta::minutes(60)).unwrap();

        let onto_the_ta = moving.clone().moved(to(12, 30), a.tas[0].id, Role::Student);
        let refused = bookings.reschedule(&onto_the_ta, NO_BUFFER).await.unwrap_err();
        assert!(matches!(refused, StoreError::Conflict(Conflict::TaOverlap)), "{b:?}: {refused:?}");
        let onto_the_student = moving.clone().moved(to(14, 0), a.tas[0].id, Role::Student);
        let refused = bookings.reschedule(&onto_the_student, NO_BUFFER).await.unwrap_err();
        assert!(matches!(refused, StoreError::Conflict(Conflict::StudentOverlap)), "{b:?}: {refused:?}");
        assert_eq!(
            bookings.get(a.org.id, moving.id).await.unwrap(),
            Some(moving.clone()),
            "{b:?}: refused moves change nothing"
        );

        // Half an hour later, over its own old time: the booking itself never counts.
        let later = moving.clone().moved(to(10, 30), a.tas[0].id, Role::Student);
        assert!(bookings.reschedule(&later, NO_BUFFER).await.unwrap(), "{b:?}");
        let stored = bookings.get(a.org.id, moving.id).await.unwrap().unwrap();
        assert_eq!((stored.interval, stored.sequence, stored.reschedule_count), (to(10, 30), 1, 1), "{b:?}");
        assert_eq!((stored.id, &stored.seats, stored.policy), (moving.id, &moving.seats, moving.policy));
        let day = Interval::new(wednesday(0, 0), wednesday(23, 0)).unwrap();
        let seats = bookings.student_busy(a.org.id, &[sam], day).await.unwrap();
        assert!(seats.contains(&(sam, to(10, 30))) && !seats.contains(&(sam, to(10, 0))), "{b:?}: the seat moved");
        // To the other TA, then the first TA's old slot is free for someone else.
        let other_ta = stored.moved(to(10, 30), a.tas[1].id, Role::Admin);
        assert!(bookings.reschedule(&other_ta, NO_BUFFER).await.unwrap());
        let busy = bookings.ta_busy(a.org.id, &[a.tas[0].id], day).await.unwrap();
        assert!(!busy.iter().any(|(_, i)| *i == to(10, 30)), "{b:?}: the old TA is free");

        assert!(bookings.cancel(a.org.id, moving.id, a.admin.id, now(), None).await.unwrap());
        let after = other_ta.moved(to(16, 0), a.tas[1].id, Role::Admin);
        assert!(!bookings.reschedule(&after, NO_BUFFER).await.unwrap(), "{b:?}: a cancelled booking stays");
    }
}

#[tokio::test]
async fn a_session_of_the_longest_length_is_busy_until_its_last_minute() {
    for t in common::stores().await {
        let a = academy(&t.store, 1).await;
        // 08:00–12:00, the longest session there is.
        let mut long = individual(&a, 0, a.students[0].id, wednesday(8, 0));
        let longest = SessionDuration::MAX.as_delta();
        long.interval = Interval::new(wednesday(8, 0), wednesday(8, 0) + longest).unwrap();
        t.store.bookings().insert(&long, NO_BUFFER).await.unwrap();
        let (tas, students) = ([a.tas[0].id], [a.students[0].id]);
        // A window starting in its last minute still meets it (the overlap reads look back
        // exactly one longest session); one starting at its end does not.
        let last_minute = Interval::new(wednesday(11, 59), wednesday(13, 0)).unwrap();
        let after = Interval::new(wednesday(12, 0), wednesday(13, 0)).unwrap();
        let bookings = t.store.bookings();
        assert_eq!(bookings.ta_busy(a.org.id, &tas, last_minute).await.unwrap(), vec![(tas[0], long.interval)]);
        assert_eq!(
            bookings.student_busy(a.org.id, &students, last_minute).await.unwrap(),
            vec![(students[0], long.interval)]
        );
        assert!(bookings.ta_busy(a.org.id, &tas, after).await.unwrap().is_empty(), "{:?}", t.backend);
        assert!(bookings.student_busy(a.org.id, &students, after).await.unwrap().is_empty(), "{:?}", t.backend);
    }
}

#[tokio::test]
async fn seats_fill_a_session_and_leaving_reopens_it() {
    for t in common::stores().await {
        let a = academy(&t.store, 11).await;
        let session = group(&a, wednesday(14, 0));
        t.store.bookings().insert(&session, NO_BUFFER).await.unwrap();
        for (i, s) in a.students.iter().take(10).enumerate() {
            let seat = Seat::new(session.id, s.id, Payment::PerSession(session.price_per_student), now());
            let status = t.store.bookings().add_seat(a.org.id, &seat).await.unwrap();
            assert_eq!(
                status,
                if i == 9 { BookingStatus::Full } else { BookingStatus::Open },
                "{:?} seat {i}",
                t.backend
            );
        }
        let eleventh = Seat::new(session.id, a.students[10].id, Payment::PerSession(session.price_per_student), now());
        let full = t.store.bookings().add_seat(a.org.id, &eleventh).await.unwrap_err();
        assert_eq!(full.conflict(), Some(domain::store::Conflict::CapacityExceeded));

        assert!(t.store.bookings().remove_seat(a.org.id, session.id, a.students[0].id).await.unwrap());
        assert!(!t.store.bookings().remove_seat(a.org.id, session.id, a.students[0].id).await.unwrap());
        let stored = t.store.bookings().get(a.org.id, session.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.seats_taken, stored.seats.len()),
            (BookingStatus::Open, 9, 9),
            "{:?}",
            t.backend
        );
        t.store.bookings().mark_seat_refunded(a.org.id, session.id, a.students[1].id).await.unwrap();
        let stored = t.store.bookings().get(a.org.id, session.id).await.unwrap().unwrap();
        assert!(stored.seat_of(a.students[1].id).unwrap().refunded);
    }
}

#[tokio::test]
async fn bundles_list_newest_first_and_find_the_active_one() {
    for t in common::stores().await {
        let a = academy(&t.store, 2).await;
        let mut made = Vec::new();
        for (i, student) in [0usize, 1, 0].into_iter().enumerate() {
            let mut b = BundlePurchase::buy(
                Uuid::now_v7().into(),
                a.students[student].id,
                &a.bundle_product,
                now() + TimeDelta::minutes(i as i64),
            )
            .unwrap();
            if i == 0 {
                b.remaining_sessions = 0; // spent
            }
            store_bundle(&t.store, &b).await;
            made.push(b);
        }
        let all = t.store.bundles().list(a.org.id, &BundleFilter::default(), &PageRequest::first()).await.unwrap();
        assert_eq!(
            all.iter().map(|b| b.id).collect::<Vec<_>>(),
            vec![made[2].id, made[1].id, made[0].id],
            "{:?}",
            t.backend
        );
        let second_page = PageRequest::new(Some(2), Some(Cursor::instant(made[1].created_at, made[1].id))).unwrap();
        let rest = t.store.bundles().list(a.org.id, &BundleFilter::default(), &second_page).await.unwrap();
        assert_eq!(rest.iter().map(|b| b.id).collect::<Vec<_>>(), vec![made[0].id]);
        let mine = BundleFilter { student_id: Some(a.students[0].id) };
        assert_eq!(t.store.bundles().list(a.org.id, &mine, &PageRequest::first()).await.unwrap().len(), 2);
        let active =
            t.store.bundles().active_for_product(a.org.id, a.students[0].id, a.bundle_product.id, now()).await.unwrap();
        assert_eq!(active.map(|b| b.id), Some(made[2].id), "the spent one is not active");
        let later = made[2].valid_to;
        assert_eq!(
            t.store.bundles().active_for_product(a.org.id, a.students[0].id, a.bundle_product.id, later).await.unwrap(),
            None
        );
        let many = t.store.bundles().get_many(a.org.id, &[made[0].id, made[1].id]).await.unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(
            t.store.bundles().get(a.org.id, made[1].id).await.unwrap(),
            Some(made[1].clone()),
            "{:?}",
            t.backend
        );
    }
}

#[tokio::test]
async fn waitlists_are_first_in_first_out_with_positions() {
    for t in common::stores().await {
        let a = academy(&t.store, 3).await;
        let session = group(&a, wednesday(14, 0));
        t.store.bookings().insert(&session, NO_BUFFER).await.unwrap();
        let mut entries = Vec::new();
        for (i, s) in a.students.iter().enumerate() {
            let e = WaitlistEntry {
                id: Uuid::now_v7().into(),
                organization_id: a.org.id,
                booking_id: session.id,
                student_id: s.id,
                bundle_purchase_id: None,
                created_at: now() + TimeDelta::seconds(i as i64),
            };
            t.store.waitlist().insert(&e).await.unwrap();
            entries.push(e);
        }
        assert_eq!(t.store.waitlist().list(a.org.id, session.id).await.unwrap(), entries, "{:?}", t.backend);
        let third = t.store.waitlist().find(a.org.id, session.id, a.students[2].id).await.unwrap().unwrap();
        assert_eq!(third.position, 3);
        assert!(t.store.waitlist().remove(a.org.id, entries[0].id).await.unwrap());
        assert!(!t.store.waitlist().remove(a.org.id, entries[0].id).await.unwrap());
        assert_eq!(t.store.waitlist().find(a.org.id, session.id, a.students[2].id).await.unwrap().unwrap().position, 2);
        assert_eq!(t.store.waitlist().clear(a.org.id, session.id).await.unwrap(), 2);
        assert!(t.store.waitlist().list(a.org.id, session.id).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn templates_list_by_title_per_course() {
    for t in common::stores().await {
        let a = academy(&t.store, 0).await;
        let mut second = a.template.clone();
        second.id = Uuid::now_v7().into();
        second.title = domain::group_sessions::TemplateTitle::parse("Algebra drills").unwrap();
        t.store.templates().insert(&second).await.unwrap();
        let all = t.store.templates().list(a.org.id, Some(a.course.id), &PageRequest::first()).await.unwrap();
        assert_eq!(
            all.iter().map(|x| x.title.to_string()).collect::<Vec<_>>(),
            vec!["Algebra drills", "Exam prep"],
            "{:?}",
            t.backend
        );
        let after_first = PageRequest::new(Some(1), Some(Cursor::text("Algebra drills", second.id))).unwrap();
        let rest = t.store.templates().list(a.org.id, None, &after_first).await.unwrap();
        assert_eq!(rest.first().map(|x| x.id), Some(a.template.id));
        assert_eq!(t.store.templates().get(a.org.id, a.template.id).await.unwrap(), Some(a.template.clone()));
    }
}
