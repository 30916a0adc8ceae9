//! The report repository on both backends: which sessions a report covers (window, course, TA,
//! tenant, not cancelled), seats and attendance aggregated per session, the amount rule of
//! `domain::reports` (per-session prices unless refunded, a bundle's price per credit while the
//! ledger keeps the credit spent), pages by `(startsAt, id)`, and the per-TA sums.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::TestStore;
use common::seed::{Academy, NO_BUFFER, academy, now, store_bundle, wednesday};
use domain::booking::{Booking, BookingPolicy, NewIndividualBooking, Payment, Seat};
use domain::bundles::{BundlePurchase, LedgerEntry, LedgerKind};
use domain::reports::{ReportFilter, SessionCursor, SessionReportRow, TaReportRow};
use domain::shared::{BookingId, BundlePurchaseId, Cents, Currency, Interval, UserId};
use domain::store::{Repositories, Store};
use uuid::Uuid;

fn at(start: DateTime<Utc>, minutes: i64) -> Interval {
    Interval::new(start, start + TimeDelta::minutes(minutes)).unwrap()
}

fn individual(a: &Academy, ta: usize, student: usize, interval: Interval, payment: Payment) -> Booking {
    Booking::individual(
        NewIndividualBooking {
            id: Uuid::now_v7().into(),
            organization_id: a.org.id,
            course_id: a.course.id,
            ta_id: a.tas[ta].id,
            student_id: a.students[student].id,
            interval,
            payment,
            currency: Currency::EUR,
            created_by: a.admin.id,
            policy: BookingPolicy::default(),
        },
        now(),
    )
}

fn per_session(cents: i64) -> Payment {
    Payment::PerSession(Cents::new(cents).unwrap())
}

/// A bundle of the student's bought for `paid` cents (the product has 3 sessions).
async fn bundle(t: &TestStore, a: &Academy, student: usize, paid: i64) -> BundlePurchaseId {
    let mut b = BundlePurchase::buy(Uuid::now_v7().into(), a.students[student].id, &a.bundle_product, now()).unwrap();
    b.price_paid = Cents::new(paid).unwrap();
    store_bundle(&t.store, &b).await;
    b.id
}

/// Writes the ledger entries (and balance change) of `kinds` for the bundle's seat in `booking`.
async fn ledger(t: &TestStore, a: &Academy, bundle: BundlePurchaseId, booking: BookingId, kinds: &[LedgerKind]) {
    let tx = t.store.begin().await.unwrap();
    for kind in kinds {
        match kind {
            LedgerKind::Debit => assert!(tx.bundles().debit(a.org.id, bundle).await.unwrap()),
            LedgerKind::Refund => assert!(tx.bundles().refund(a.org.id, bundle).await.unwrap()),
            _ => {}
        }
        let entry = LedgerEntry::for_booking(Uuid::now_v7().into(), a.org.id, bundle, *kind, booking, now());
        tx.bundles().append_ledger(&entry).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn mark(t: &TestStore, booking: BookingId, student: UserId, attendance: &str) {
    let (b, s) = (t.id(booking), t.id(student));
    t.exec(&format!(
        "UPDATE booking_seats SET attendance = '{attendance}' WHERE booking_id = {b} AND student_id = {s}"
    ))
    .await
    .unwrap();
}

fn wednesday_filter() -> ReportFilter {
    ReportFilter::new(wednesday(0, 0), wednesday(0, 0) + TimeDelta::days(1), None, None).unwrap()
}

/// What the sessions below were made to be: (booking, TA index, minutes, seats, present, absent,
/// excused, TA no-show, amount).
type Expected = (BookingId, usize, u32, u32, u32, u32, u32, bool, i64);

/// Wednesday's sessions of an academy with three students, earliest first, and what each row
/// must say; plus sessions no report of Wednesday may show.
async fn sessions(t: &TestStore, a: &Academy) -> Vec<Expected> {
    let store = &t.store;
    // 10:00, 60 min, paid per session and kept.
    let paid = individual(a, 0, 0, at(wednesday(10, 0), 60), per_session(5_000));
    store.bookings().insert(&paid, NO_BUFFER).await.unwrap();
    mark(t, paid.id, a.students[0].id, "present").await;

    // 11:00, 90 min, one credit of a 10 000-cent bundle of 3 kept: 3 333 (integer division).
    let credits = bundle(t, a, 1, 10_000).await;
    let kept_credit = individual(a, 1, 1, at(wednesday(11, 0), 90), Payment::Bundle(credits));
    store.bookings().insert(&kept_credit, NO_BUFFER).await.unwrap();
    ledger(t, a, credits, kept_credit.id, &[LedgerKind::Debit, LedgerKind::Forfeit]).await;
    mark(t, kept_credit.id, a.students[1].id, "absent").await;

    // 13:00: the credit was given back (excused): nothing kept.
    let given_back = individual(a, 0, 1, at(wednesday(13, 0), 30), Payment::Bundle(credits));
    store.bookings().insert(&given_back, NO_BUFFER).await.unwrap();
    ledger(t, a, credits, given_back.id, &[LedgerKind::Debit, LedgerKind::Refund]).await;
    mark(t, given_back.id, a.students[1].id, "excused").await;

    // 15:00, a group: a kept seat at 2 000, a refunded one, a kept credit (3 333); TA no-show
    // recorded on nothing else, so the refunds here are per seat.
    let group = a.template.session(
        Uuid::now_v7().into(),
        at(wednesday(15, 0), 60),
        BookingPolicy::default(),
        a.admin.id,
        now(),
    );
    store.bookings().insert(&group, NO_BUFFER).await.unwrap();
    for (student, payment) in [(0, per_session(2_000)), (2, per_session(2_000)), (1, Payment::Bundle(credits))] {
        let seat = Seat::new(group.id, a.students[student].id, payment, now());
        store.bookings().add_seat(a.org.id, &seat).await.unwrap();
    }
    ledger(t, a, credits, group.id, &[LedgerKind::Debit]).await;
    store.bookings().mark_seat_refunded(a.org.id, group.id, a.students[2].id).await.unwrap();
    mark(t, group.id, a.students[0].id, "present").await;
    mark(t, group.id, a.students[2].id, "excused").await;
    mark(t, group.id, a.students[1].id, "absent").await;

    // 15:00 too, an empty group of the other TA: ordered after the first by id, zero everywhere.
    let mut empty = a.template.session(
        Uuid::now_v7().into(),
        at(wednesday(15, 0), 60),
        BookingPolicy::default(),
        a.admin.id,
        now(),
    );
    empty.ta_id = a.tas[1].id;
    store.bookings().insert(&empty, NO_BUFFER).await.unwrap();
    t.exec(&format!("UPDATE bookings SET ta_no_show = TRUE WHERE id = {}", t.id(empty.id))).await.unwrap();

    // Not on Wednesday's report: cancelled, Thursday, midnight ending the window, another tenant.
    let cancelled = individual(a, 0, 2, at(wednesday(9, 0), 60), per_session(5_000));
    store.bookings().insert(&cancelled, NO_BUFFER).await.unwrap();
    store.bookings().cancel(a.org.id, cancelled.id, a.admin.id, now(), None).await.unwrap();
    let thursday = individual(a, 0, 2, at(wednesday(0, 0) + TimeDelta::days(1), 60), per_session(5_000));
    store.bookings().insert(&thursday, NO_BUFFER).await.unwrap();
    let other = academy(store, 1).await;
    store
        .bookings()
        .insert(&individual(&other, 0, 0, at(wednesday(10, 0), 60), per_session(5_000)), NO_BUFFER)
        .await
        .unwrap();

    vec![
        (paid.id, 0, 60, 1, 1, 0, 0, false, 5_000),
        (kept_credit.id, 1, 90, 1, 0, 1, 0, false, 3_333),
        (given_back.id, 0, 30, 1, 0, 0, 1, false, 0),
        (group.id, 0, 60, 3, 1, 1, 1, false, 5_333),
        (empty.id, 1, 60, 0, 0, 0, 0, true, 0),
    ]
}

fn assert_rows(t: &TestStore, a: &Academy, rows: &[SessionReportRow], expected: &[Expected]) {
    let got: Vec<Expected> = rows
        .iter()
        .map(|r| {
            let ta = usize::from(r.ta_name != a.tas[0].name.as_str());
            (
                r.booking_id,
                ta,
                r.duration_minutes,
                r.seats,
                r.present,
                r.absent,
                r.excused,
                r.ta_no_show,
                r.amount_cents,
            )
        })
        .collect();
    assert_eq!(got, expected, "{:?}", t.backend);
    for r in rows {
        assert_eq!((r.course_code.as_str(), r.currency), ("MATH-101", Currency::EUR), "{:?}", t.backend);
    }
}

#[tokio::test]
async fn session_rows_aggregate_seats_and_keep_what_was_paid() {
    for t in common::stores().await {
        let a = academy(&t.store, 3).await;
        let mut expected = sessions(&t, &a).await;
        // The two 15:00 sessions are ordered by id.
        if expected[4].0 < expected[3].0 {
            expected.swap(3, 4);
        }
        let reports = t.store.reports();

        let all = reports.sessions_page(a.org.id, &wednesday_filter(), None, 100).await.unwrap();
        assert_rows(&t, &a, &all, &expected);
        assert_eq!(all[0].starts_at, wednesday(10, 0));

        // Pages continue strictly after the last row, also between sessions starting together.
        let mut paged = Vec::new();
        let mut after: Option<SessionCursor> = None;
        loop {
            let page = reports.sessions_page(a.org.id, &wednesday_filter(), after, 2).await.unwrap();
            paged.extend(page.iter().cloned());
            match page.last() {
                Some(last) if page.len() == 2 => after = Some(last.cursor()),
                _ => break,
            }
        }
        assert_eq!(paged, all, "{:?}", t.backend);
        let after_first_group = Some(all[3].cursor());
        let rest = reports.sessions_page(a.org.id, &wednesday_filter(), after_first_group, 10).await.unwrap();
        assert_eq!(rest, all[4..].to_vec(), "{:?}", t.backend);
    }
}

#[tokio::test]
async fn filters_narrow_the_sessions_by_ta_course_and_window() {
    for t in common::stores().await {
        let a = academy(&t.store, 3).await;
        let expected = sessions(&t, &a).await;
        let reports = t.store.reports();
        let day = wednesday_filter();

        let second_ta = ReportFilter::new(day.from(), day.to(), None, Some(a.tas[1].id)).unwrap();
        let rows = reports.sessions_page(a.org.id, &second_ta, None, 100).await.unwrap();
        let ids: Vec<BookingId> = rows.iter().map(|r| r.booking_id).collect();
        assert_eq!(ids, vec![expected[1].0, expected[4].0], "{:?}", t.backend);

        let other_course = ReportFilter::new(day.from(), day.to(), Some(Uuid::now_v7().into()), None).unwrap();
        assert!(reports.sessions_page(a.org.id, &other_course, None, 100).await.unwrap().is_empty());

        // Half-open on the start: 11:00 is in, 13:00 is out.
        let late_morning = ReportFilter::new(wednesday(10, 30), wednesday(13, 0), Some(a.course.id), None).unwrap();
        let rows = reports.sessions_page(a.org.id, &late_morning, None, 100).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.booking_id).collect::<Vec<_>>(), vec![expected[1].0], "{:?}", t.backend);
    }
}

#[tokio::test]
async fn the_ta_report_sums_sessions_minutes_and_no_shows_per_ta_by_name() {
    for t in common::stores().await {
        let a = academy(&t.store, 3).await;
        sessions(&t, &a).await;
        let reports = t.store.reports();

        let rows = reports.tas(a.org.id, &wednesday_filter()).await.unwrap();

        let row = |ta: usize, sessions, minutes, student_no_shows, ta_no_shows| TaReportRow {
            ta_id: a.tas[ta].id,
            ta_name: a.tas[ta].name.as_str().to_owned(),
            sessions,
            minutes,
            student_no_shows,
            ta_no_shows,
        };
        // "ta-one" sorts before "ta-two"; the cancelled session counts for nobody.
        assert_eq!(rows, vec![row(0, 3, 150, 1, 0), row(1, 2, 150, 1, 1)], "{:?}", t.backend);
        assert_eq!(rows[0].hours().to_string(), "2.50");

        let only_second = ReportFilter::new(wednesday(0, 0), wednesday(23, 0), None, Some(a.tas[1].id)).unwrap();
        assert_eq!(reports.tas(a.org.id, &only_second).await.unwrap(), vec![row(1, 2, 150, 1, 1)]);
        let before_any = ReportFilter::new(wednesday(0, 0), wednesday(9, 30), None, None).unwrap();
        assert!(reports.tas(a.org.id, &before_any).await.unwrap().is_empty(), "{:?}", t.backend);
    }
}
