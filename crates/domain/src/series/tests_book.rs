//! Booking, reading and cancelling a series with the in-memory world: all or nothing, partial,
//! the TA named or chosen, one bundle credit per session, one summary email, the refusals in
//! the contract's order, and cancellation from a date on.
//!
//! The world is in UTC, its TAs work Mon–Fri 09:00–17:00; "now" is Tuesday 2026-12-01 08:00.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::audit::AuditAction;
use crate::booking::Booking;
use crate::fixtures::*;
use crate::notifications::{EmailKind, EmailPayload};
use crate::scheduling::SessionDuration;
use crate::shared::{Actor, BusinessEvent, ErrorCode, Role, SeriesId, UseCaseError};
use crate::test_world::{Harness, World, harness};

fn day(d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, hour, 0, 0).unwrap()
}

/// Tuesdays and Thursdays at 10:00 from Thursday 3 December, four times: 3, 8, 10, 15.
fn four(ta: Option<u128>) -> BookSeries {
    BookSeries {
        course_id: id(COURSE),
        starts_at: day(3, 10),
        duration: SessionDuration::from_minutes(60).unwrap(),
        recurrence: Recurrence::parse("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4").unwrap(),
        ta_id: ta.map(id),
        bundle_purchase_id: None,
        student_id: None,
        allow_partial: false,
    }
}

fn starts(bookings: &[Booking]) -> Vec<DateTime<Utc>> {
    bookings.iter().map(|b| b.interval.start()).collect()
}

async fn book(world: World, who: &Actor, cmd: &BookSeries) -> (Result<SeriesView, BookSeriesError>, Harness) {
    let h = harness(world);
    let result = SeriesService::new(h.core.clone()).book(who, cmd).await;
    (result, h)
}

async fn refused(world: World, who: &Actor, cmd: &BookSeries) -> (ErrorCode, Option<DateTime<Utc>>) {
    let (result, h) = book(world, who, cmd).await;
    assert!(h.written().is_empty(), "a refused series writes nothing: {:?}", *h.written());
    let err = result.expect_err("the series should be refused");
    (err.code(), err.occurrence())
}

fn student() -> Actor {
    actor(STUDENT_1, Role::Student)
}

#[tokio::test]
async fn a_student_books_every_occurrence_with_one_ta_one_email_each_and_one_audit_event() {
    let (result, h) = book(World::standard(), &student(), &four(Some(TA_1))).await;
    let view = result.unwrap();
    assert_eq!(starts(&view.bookings), vec![day(3, 10), day(8, 10), day(10, 10), day(15, 10)]);
    assert!(view.bookings.iter().all(|b| b.series_id == Some(view.series.id) && b.ta_id == user_id(TA_1)));
    assert!(view.bookings.iter().all(|b| b.seats[0].bundle_purchase_id.is_none() && b.seats[0].price.get() > 0));
    assert_eq!(
        (view.series.ta_id, view.series.student_id, view.series.starts_at),
        (user_id(TA_1), user_id(STUDENT_1), day(3, 10))
    );
    assert!(view.series.skipped.is_empty());
    let w = h.written();
    assert_eq!(w.inserted.len(), 4);
    assert_eq!(w.series_added, vec![view.series]);
    let mut told = w.emails(EmailKind::SeriesConfirmation);
    told.sort();
    assert_eq!(told, vec!["user11@example.com", "user13@example.com"], "one email each, not one per session");
    assert!(w.emails(EmailKind::BookingConfirmation).is_empty());
    let EmailPayload::SeriesConfirmation { series, .. } = &w.outbox[0].payload else { unreachable!() };
    assert_eq!(series.sessions.len(), 4);
    assert_eq!(w.actions(), vec![AuditAction::SeriesBooked]);
    drop(w);
    assert_eq!(h.counted(), vec![BusinessEvent::BookingCreated; 4]);
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn all_or_nothing_refuses_with_the_first_failing_occurrence_and_partial_books_the_rest() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(day(8, 10), 60)));
    world.bookings.push(individual(501, TA_2, STUDENT_1, interval(day(15, 10), 60)));
    assert_eq!(
        refused(world.clone(), &student(), &four(Some(TA_1))).await,
        (ErrorCode::TaUnavailable, Some(day(8, 10)))
    );

    let partial = BookSeries { allow_partial: true, ..four(Some(TA_1)) };
    let (result, h) = book(world, &student(), &partial).await;
    let view = result.unwrap();
    assert_eq!(starts(&view.bookings), vec![day(3, 10), day(10, 10)]);
    let skipped: Vec<_> = view.series.skipped.iter().map(|s| (s.starts_at, s.code)).collect();
    assert_eq!(skipped, vec![(day(8, 10), ErrorCode::TaUnavailable), (day(15, 10), ErrorCode::StudentUnavailable)]);
    let w = h.written();
    let EmailPayload::SeriesConfirmation { series, .. } = &w.outbox[0].payload else { unreachable!() };
    assert_eq!((series.sessions.len(), series.skipped.len()), (2, 2));
}

#[tokio::test]
async fn partial_with_nothing_bookable_is_refused() {
    let cmd = BookSeries { allow_partial: true, starts_at: day(3, 20), ..four(Some(TA_1)) };
    assert_eq!(
        refused(World::standard(), &student(), &cmd).await,
        (ErrorCode::OutsideTaAvailability, Some(day(3, 20)))
    );
}

#[tokio::test]
async fn without_a_named_ta_the_one_free_most_often_teaches_then_the_least_loaded() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(day(8, 10), 60)));
    let partial = BookSeries { allow_partial: true, ..four(None) };
    let (result, _) = book(world.clone(), &student(), &partial).await;
    assert_eq!(result.unwrap().series.ta_id, user_id(TA_2), "TA 2 is free at all four");
    // Both free at every occurrence: TA 1 has a session in the span (at 14:00), TA 2 none.
    let mut loaded = World::standard();
    loaded.bookings.push(individual(500, TA_1, STUDENT_2, interval(day(4, 14), 60)));
    let (result, _) = book(loaded, &student(), &four(None)).await;
    assert_eq!(result.unwrap().series.ta_id, user_id(TA_2));
    let (result, _) = book(World::standard(), &student(), &four(None)).await;
    assert_eq!(result.unwrap().series.ta_id, user_id(TA_1), "then the smallest id");
    let evening = BookSeries { starts_at: day(3, 19), ..four(None) };
    assert_eq!(refused(World::standard(), &student(), &evening).await, (ErrorCode::NoTaAvailable, None));
}

#[tokio::test]
async fn a_bundle_pays_one_credit_per_session_and_must_cover_every_date_and_count() {
    let mut world = World::standard();
    world.bundles.push(bundle(100, STUDENT_1)); // three credits, 30 days
    let paid = BookSeries { bundle_purchase_id: Some(id(100)), ..four(Some(TA_1)) };
    assert_eq!(refused(world.clone(), &student(), &paid).await, (ErrorCode::BundleExhausted, Some(day(15, 10))));
    let (result, h) = book(world.clone(), &student(), &BookSeries { allow_partial: true, ..paid.clone() }).await;
    let view = result.unwrap();
    assert_eq!(view.bookings.len(), 3);
    assert_eq!(view.series.skipped[0].code, ErrorCode::BundleExhausted);
    let spent = {
        let w = h.written();
        (w.debits.len(), w.ledger.len())
    };
    assert_eq!(spent, (3, 3));

    let mut short = world.clone();
    short.bundles[0].valid_to = day(9, 0);
    short.bundles[0].remaining_sessions = 3;
    let two = BookSeries { recurrence: Recurrence::parse("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=3").unwrap(), ..paid.clone() };
    assert_eq!(refused(short, &student(), &two).await, (ErrorCode::BundleExpired, Some(day(10, 10))));

    let mut foreign = world;
    foreign.bundles[0].course_id = id(777);
    assert_eq!(refused(foreign, &student(), &paid).await, (ErrorCode::BundleCourseMismatch, None));
    let stranger = BookSeries { bundle_purchase_id: Some(id(100)), ..four(Some(TA_1)) };
    let mut theirs = World::standard();
    theirs.bundles.push(bundle(100, STUDENT_2));
    assert_eq!(refused(theirs, &student(), &stranger).await, (ErrorCode::NotFound, None));
}

#[tokio::test]
async fn request_wide_refusals_come_first() {
    let admin = actor(ADMIN, Role::Admin);
    assert_eq!(refused(World::standard(), &admin, &four(None)).await.0, ErrorCode::ValidationFailed);
    let for_sam = BookSeries { student_id: Some(id(STUDENT_1)), ..four(Some(TA_1)) };
    let (result, _) = book(World::standard(), &admin, &for_sam).await;
    assert_eq!(result.unwrap().series.created_by, user_id(ADMIN));
    assert_eq!(refused(World::standard(), &actor(TA_1, Role::Ta), &four(None)).await.0, ErrorCode::Forbidden);
    assert_eq!(refused(World::standard(), &student(), &for_sam_other()).await.0, ErrorCode::Forbidden);
    let unknown = BookSeries { course_id: id(999), ..four(None) };
    assert_eq!(refused(World::standard(), &student(), &unknown).await.0, ErrorCode::NotFound);
    let mut unassigned = World::standard().with_ta(20);
    unassigned.assigned.retain(|t| *t != user_id(20));
    assert_eq!(refused(unassigned, &student(), &four(Some(20))).await.0, ErrorCode::TaNotAssignedToCourse);
    let far = BookSeries { recurrence: Recurrence::parse("FREQ=WEEKLY;COUNT=52").unwrap(), ..four(Some(TA_1)) };
    assert_eq!(refused(World::standard(), &student(), &far).await, (ErrorCode::InvalidRecurrence, None));
    let (result, _) = book(World::standard(), &student(), &far).await;
    assert!(result.unwrap_err().recurrence_problem().is_some_and(|why| why.contains("horizon")));
    let too_many =
        BookSeries { recurrence: Recurrence::parse("FREQ=DAILY;UNTIL=20271231").unwrap(), ..four(Some(TA_1)) };
    let (result, _) = book(World::standard(), &student(), &too_many).await;
    assert!(result.unwrap_err().recurrence_problem().is_some_and(|why| why.contains("52")));
    let soon = BookSeries { starts_at: day(1, 8), ..four(Some(TA_1)) };
    assert_eq!(refused(World::standard(), &student(), &soon).await, (ErrorCode::BookingTooSoon, Some(day(1, 8))));
    let (result, _) = book(World::standard(), &student(), &soon).await;
    assert_eq!(result.unwrap_err().recurrence_problem(), None, "an occurrence's refusal, not the rule's");
}

fn for_sam_other() -> BookSeries {
    BookSeries { student_id: Some(id(STUDENT_2)), ..four(Some(TA_1)) }
}

async fn booked_world() -> (World, SeriesId) {
    let (result, h) = book(World::standard(), &student(), &four(Some(TA_1))).await;
    let view = result.unwrap();
    let world = h.world.lock().unwrap().clone();
    (world, view.series.id)
}

#[tokio::test]
async fn a_series_is_read_by_its_student_its_ta_and_admins() {
    let (world, id) = booked_world().await;
    let h = harness(world);
    let service = SeriesService::new(h.core.clone());
    for who in [student(), actor(TA_1, Role::Ta), actor(ADMIN, Role::Admin)] {
        assert_eq!(service.get(&who, id).await.unwrap().bookings.len(), 4, "{:?}", who.role);
    }
    for who in [actor(STUDENT_2, Role::Student), actor(TA_2, Role::Ta), stranger(Role::Admin)] {
        assert_eq!(service.get(&who, id).await.unwrap_err().code(), ErrorCode::NotFound, "{:?}", who.role);
    }
}

#[tokio::test]
async fn cancelling_from_a_date_cancels_the_later_sessions_under_their_policy_with_one_email() {
    let (world, id) = booked_world().await;
    let h = harness(world);
    let service = SeriesService::new(h.core.clone());
    let view = service.cancel(&student(), id, Some(day(9, 0)), None).await.unwrap();
    let cancelled: Vec<_> = view.bookings.iter().filter(|b| !b.is_active()).map(|b| b.interval.start()).collect();
    assert_eq!(cancelled, vec![day(10, 10), day(15, 10)]);
    {
        let w = h.written();
        assert_eq!(w.cancelled.len(), 2);
        let mut told = w.emails(EmailKind::SeriesCancellation);
        told.sort();
        assert_eq!(told, vec!["user11@example.com", "user13@example.com"]);
        let refunds: Vec<_> = w
            .outbox
            .iter()
            .filter_map(|m| match &m.payload {
                EmailPayload::SeriesCancellation { refunded, series, .. } => Some((*refunded, series.sessions.len())),
                _ => None,
            })
            .collect();
        assert!(refunds.contains(&(Some(2), 2)) && refunds.contains(&(None, 2)), "{refunds:?}");
        assert_eq!(w.actions().last(), Some(&AuditAction::SeriesCancelled));
    }
    assert_eq!(h.counted(), vec![BusinessEvent::BookingCancelled; 2]);
    let again = service.cancel(&student(), id, None, None).await.unwrap();
    assert_eq!(again.bookings.iter().filter(|b| b.is_active()).count(), 0, "from now on: the first two too");
    assert_eq!(
        service.cancel(&actor(STUDENT_2, Role::Student), id, None, None).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn each_verdict_code_is_refused_with_its_own_code_and_the_occurrence() {
    let at = day(3, 10);
    for code in [
        ErrorCode::BookingTooSoon,
        ErrorCode::BookingTooFarAhead,
        ErrorCode::OutsideTaAvailability,
        ErrorCode::TaUnavailable,
        ErrorCode::StudentUnavailable,
        ErrorCode::BundleExpired,
        ErrorCode::BundleExhausted,
    ] {
        let error = BookSeriesError::at(code, at);
        assert_eq!((error.code(), error.occurrence()), (code, Some(at)));
    }
}

#[tokio::test]
async fn the_horizon_admits_an_occurrence_exactly_at_it_and_the_buffer_reaches_before_the_first() {
    // 90 days from now (1 December 08:00 UTC) is 1 March 08:00: a weekly pair ending exactly
    // there is within the horizon, so its occurrences get their own verdicts (08:00 is outside
    // the TA's 09:00–17:00).
    let edge = Utc.with_ymd_and_hms(2027, 2, 22, 8, 0, 0).unwrap();
    let pair = BookSeries {
        starts_at: edge,
        recurrence: Recurrence::parse("FREQ=WEEKLY;COUNT=2").unwrap(),
        ..four(Some(TA_1))
    };
    assert_eq!(refused(World::standard(), &student(), &pair).await, (ErrorCode::OutsideTaAvailability, Some(edge)));

    // With a 15-minute buffer, a session of the TA ending ten minutes before the first
    // occurrence refuses the first.
    let mut world = World::standard();
    let raw = crate::tenancy::RawSettings { buffer_minutes: Some(15), ..Default::default() };
    world.org.settings = world.org.settings.apply(&crate::tenancy::OrgSettingsPatch::parse(raw).unwrap());
    let before = crate::shared::Interval::new(day(3, 9), day(3, 10) - chrono::TimeDelta::minutes(10)).unwrap();
    let mut after = world.clone();
    world.bookings.push(individual(500, TA_1, STUDENT_2, before));
    assert_eq!(refused(world, &student(), &four(Some(TA_1))).await, (ErrorCode::TaUnavailable, Some(day(3, 10))));
    // And one starting ten minutes after the last occurrence ends: the last is refused.
    let next = crate::shared::Interval::new(day(15, 11) + chrono::TimeDelta::minutes(10), day(15, 12)).unwrap();
    after.bookings.push(individual(501, TA_1, STUDENT_2, next));
    assert_eq!(refused(after, &student(), &four(Some(TA_1))).await, (ErrorCode::TaUnavailable, Some(day(15, 10))));
}

#[tokio::test]
async fn cancelling_from_an_occurrence_s_start_includes_it_and_tells_each_reader_their_part() {
    let (world, id) = booked_world().await;
    let h = harness(world);
    let service = SeriesService::new(h.core.clone());
    let reason = crate::booking::CancellationReason::parse("exams").unwrap();
    let view = service.cancel(&student(), id, Some(day(10, 10)), Some(reason)).await.unwrap();
    let cancelled: Vec<_> = view.bookings.iter().filter(|b| !b.is_active()).map(|b| b.interval.start()).collect();
    assert_eq!(cancelled, vec![day(10, 10), day(15, 10)], "from a start on: that session too");
    let w = h.written();
    let told: Vec<_> = w
        .outbox
        .iter()
        .filter_map(|m| match &m.payload {
            EmailPayload::SeriesCancellation { refunded, reason, series } => {
                Some((m.recipient.to_string(), *refunded, reason.clone(), series.ta_name.clone()))
            }
            _ => None,
        })
        .collect();
    let exams = Some("exams".to_owned());
    let ta = h.world.lock().unwrap().users.iter().find(|u| u.id == user_id(TA_1)).unwrap().name.to_string();
    // Student 13 is told how many came back; TA 11 is told nothing of refunds; both see the TA.
    assert!(told.contains(&("user13@example.com".to_owned(), Some(2), exams.clone(), ta.clone())), "{told:?}");
    assert!(told.contains(&("user11@example.com".to_owned(), None, exams, ta)), "{told:?}");
}
