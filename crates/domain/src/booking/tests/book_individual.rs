//! `BookingService::book_individual`: success paths, the automatic TA choice, and every error
//! code in the contract's order.

use chrono::{DateTime, TimeDelta, Utc};

use crate::audit::AuditAction;
use crate::booking::{BookIndividual, BookingService, BookingStatus};
use crate::bundles::LedgerKind;
use crate::fixtures::*;
use crate::notifications::EmailKind;
use crate::scheduling::SessionDuration;
use crate::shared::{Actor, CourseId, ErrorCode, Role, UseCaseError};
use crate::store::Conflict;
use crate::tenancy::{OrgSettingsPatch, RawSettings};
use crate::test_world::{World, harness};

/// Wednesday 2026-12-02 10:00Z: inside everyone's availability, a day after "now".
fn wednesday(hour: u32, minute: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 12, 2, hour, minute, 0).unwrap()
}

fn cmd(starts_at: DateTime<Utc>, ta: Option<u128>) -> BookIndividual {
    BookIndividual {
        course_id: id(COURSE),
        starts_at,
        duration: SessionDuration::from_minutes(60).unwrap(),
        ta_id: ta.map(id),
        bundle_purchase_id: None,
        student_id: None,
    }
}

fn student() -> Actor {
    actor(STUDENT_1, Role::Student)
}

async fn book(
    world: World,
    who: &Actor,
    c: &BookIndividual,
) -> (Result<crate::booking::Booking, ErrorCode>, crate::test_world::Harness) {
    let h = harness(world);
    let result = BookingService::new(h.core.clone()).book_individual(who, c).await.map_err(|e| e.code());
    (result, h)
}

async fn refused(world: World, who: &Actor, c: &BookIndividual) -> ErrorCode {
    let (result, h) = book(world, who, c).await;
    assert!(h.written().is_empty(), "a refused booking writes nothing: {:?}", *h.written());
    assert_eq!(h.commits(), 0);
    assert!(h.counted().is_empty(), "a refused booking is not counted");
    result.expect_err("the booking should be refused")
}

#[tokio::test]
async fn books_the_named_ta_at_the_session_price_with_emails_and_audit() {
    let (result, h) = book(World::standard(), &student(), &cmd(wednesday(10, 0), Some(TA_1))).await;
    let booking = result.unwrap();
    assert_eq!(
        (booking.ta_id, booking.status, booking.capacity, booking.seats_taken),
        (user_id(TA_1), BookingStatus::Booked, 1, 1)
    );
    assert_eq!(booking.seats.len(), 1);
    assert_eq!(booking.seats[0].student_id, user_id(STUDENT_1));
    assert_eq!(booking.seats[0].price.get(), 5_000);
    assert_eq!(booking.seats[0].bundle_purchase_id, None);
    assert_eq!(booking.interval, interval(wednesday(10, 0), 60));
    let w = h.written();
    assert_eq!(w.inserted.len(), 1);
    assert_eq!(w.emails(EmailKind::BookingConfirmation), vec!["user13@example.com", "user11@example.com"]);
    assert_eq!(w.actions(), vec![AuditAction::BookingCreated]);
    assert!(w.ledger.is_empty() && w.debits.is_empty());
    assert_eq!(h.commits(), 1);
    assert_eq!(h.counted(), vec![crate::shared::BusinessEvent::BookingCreated]);
}

#[tokio::test]
async fn the_booking_copies_its_courses_policy_over_the_organizations() {
    use crate::booking::{BookingPolicy, LateOutcome, PolicyTerms};
    let mut world = World::standard();
    let org_terms =
        PolicyTerms { max_reschedules: Some(5), no_show: Some(LateOutcome::Refund), ..PolicyTerms::default() };
    world.org.settings = world.org.settings.with_policy(org_terms);
    world.courses[0].policy = PolicyTerms {
        cancellation_window_hours: Some(6),
        late_cancellation: Some(LateOutcome::Refund),
        ..PolicyTerms::default()
    };
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await;
    let expected = BookingPolicy {
        cancellation_window_hours: 6,
        reschedule_window_hours: 6,
        max_reschedules: 5,
        late_cancellation: LateOutcome::Refund,
        no_show: LateOutcome::Refund,
    };
    assert_eq!(result.unwrap().policy, expected);
    assert_eq!(h.written().inserted[0].policy, expected, "the stored copy");
    assert_eq!(h.written().inserted[0].sequence, 0);
}

#[tokio::test]
async fn a_bundle_pays_one_credit_with_a_debit_entry() {
    let mut world = World::standard();
    world.bundles.push(bundle(100, STUDENT_1));
    let mut c = cmd(wednesday(10, 0), Some(TA_1));
    c.bundle_purchase_id = Some(id(100));
    let (result, h) = book(world, &student(), &c).await;
    let booking = result.unwrap();
    assert_eq!(booking.seats[0].price.get(), 0);
    assert_eq!(booking.seats[0].bundle_purchase_id, Some(id(100)));
    let w = h.written();
    assert_eq!(w.debits, vec![id(100)]);
    assert_eq!(w.ledger.len(), 1);
    assert_eq!(
        (w.ledger[0].kind, w.ledger[0].delta, w.ledger[0].booking_id),
        (LedgerKind::Debit, -1, Some(booking.id))
    );
}

#[tokio::test]
async fn automatic_choice_prefers_the_ta_with_fewest_bookings_that_day() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(wednesday(14, 0), 60)));
    let booking = book(world, &student(), &cmd(wednesday(10, 0), None)).await.0.unwrap();
    assert_eq!(booking.ta_id, user_id(TA_2), "TA 1 already teaches that day");
}

#[tokio::test]
async fn automatic_choice_counts_only_that_organization_local_day() {
    let mut world = World::standard();
    // TA 1's session is the day before: it does not count.
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(in_hours(2), 60)));
    let booking = book(world, &student(), &cmd(wednesday(10, 0), None)).await.0.unwrap();
    assert_eq!(booking.ta_id, user_id(TA_1), "tie on the day: the smaller id wins");
}

#[tokio::test]
async fn automatic_choice_skips_tas_that_are_busy_or_unavailable() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(wednesday(10, 30), 60)));
    assert_eq!(book(world, &student(), &cmd(wednesday(10, 0), None)).await.0.unwrap().ta_id, user_id(TA_2));

    let mut world = World::standard();
    world.availability.retain(|a| a.ta_id() != user_id(TA_2));
    world.availability.push(
        crate::availability::Availability::new(id(TA_2), crate::shared::TimeZoneId::UTC, vec![], vec![]).unwrap(),
    );
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(wednesday(10, 30), 60)));
    assert_eq!(refused(world, &student(), &cmd(wednesday(10, 0), None)).await, ErrorCode::NoTaAvailable);
}

#[tokio::test]
async fn a_ta_with_no_stored_availability_gets_the_default_hours() {
    let mut world = World::standard();
    world.availability.clear();
    assert!(book(world.clone(), &student(), &cmd(wednesday(9, 0), Some(TA_1))).await.0.is_ok());
    assert_eq!(refused(world, &student(), &cmd(wednesday(17, 0), Some(TA_1))).await, ErrorCode::OutsideTaAvailability);
}

#[tokio::test]
async fn the_named_ta_busy_is_ta_unavailable_and_back_to_back_is_fine() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(wednesday(10, 0), 60)));
    assert_eq!(refused(world.clone(), &student(), &cmd(wednesday(10, 30), Some(TA_1))).await, ErrorCode::TaUnavailable);
    assert!(book(world, &student(), &cmd(wednesday(11, 0), Some(TA_1))).await.0.is_ok());
}

#[tokio::test]
async fn the_buffer_keeps_a_gap_after_and_before_other_sessions() {
    let mut world = World::standard();
    let patch = OrgSettingsPatch::parse(RawSettings { buffer_minutes: Some(15), ..RawSettings::default() }).unwrap();
    world.org.settings = world.org.settings.apply(&patch);
    world.bookings.push(individual(500, TA_1, STUDENT_2, interval(wednesday(10, 0), 60)));
    assert_eq!(refused(world.clone(), &student(), &cmd(wednesday(11, 0), Some(TA_1))).await, ErrorCode::TaUnavailable);
    assert_eq!(
        refused(world.clone(), &student(), &cmd(wednesday(8, 45), Some(TA_1))).await,
        ErrorCode::OutsideTaAvailability
    );
    assert!(book(world.clone(), &student(), &cmd(wednesday(11, 15), Some(TA_1))).await.0.is_ok());
    world.availability = vec![crate::availability::Availability::default_for(id(TA_1), crate::shared::TimeZoneId::UTC)];
    // Before the session: ending at 10:00 leaves no gap; ending at 09:45 leaves exactly the buffer.
    assert_eq!(refused(world.clone(), &student(), &cmd(wednesday(9, 0), Some(TA_1))).await, ErrorCode::TaUnavailable);
    let mut early = cmd(wednesday(9, 0), Some(TA_1));
    early.duration = SessionDuration::from_minutes(45).unwrap();
    assert!(book(world, &student(), &early).await.0.is_ok(), "a gap equal to the buffer is enough");
}

#[tokio::test]
async fn outside_availability_is_refused_for_the_named_ta() {
    assert_eq!(
        refused(World::standard(), &student(), &cmd(wednesday(16, 30), Some(TA_1))).await,
        ErrorCode::OutsideTaAvailability
    );
    let saturday = wednesday(10, 0) + TimeDelta::days(3);
    assert_eq!(refused(World::standard(), &student(), &cmd(saturday, None)).await, ErrorCode::NoTaAvailable);
}

#[tokio::test]
async fn the_booking_window_is_enforced() {
    assert_eq!(
        refused(World::standard(), &student(), &cmd(now() + TimeDelta::minutes(59), None)).await,
        ErrorCode::BookingTooSoon
    );
    let too_far = wednesday(10, 0) + TimeDelta::days(91);
    assert_eq!(refused(World::standard(), &student(), &cmd(too_far, None)).await, ErrorCode::BookingTooFarAhead);
}

#[tokio::test]
async fn an_unassigned_ta_is_refused() {
    let mut world = World::standard();
    world.assigned = vec![user_id(TA_1)];
    assert_eq!(refused(world, &student(), &cmd(wednesday(10, 0), Some(TA_2))).await, ErrorCode::TaNotAssignedToCourse);
}

#[tokio::test]
async fn a_student_already_in_a_session_then_is_unavailable() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_2, STUDENT_1, interval(wednesday(9, 30), 60)));
    assert_eq!(refused(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await, ErrorCode::StudentUnavailable);
}

#[tokio::test]
async fn bundle_refusals_follow_ownership_course_validity_remaining() {
    let with_bundle = |b: crate::bundles::BundlePurchase| {
        let mut world = World::standard();
        world.bundles.push(b);
        let mut c = cmd(wednesday(10, 0), Some(TA_1));
        c.bundle_purchase_id = Some(id(100));
        (world, c)
    };
    let (w, c) = with_bundle(bundle(100, STUDENT_2));
    assert_eq!(refused(w, &student(), &c).await, ErrorCode::NotFound, "another student's bundle");
    let mut other_course = bundle(100, STUDENT_1);
    other_course.course_id = id(21);
    let (w, c) = with_bundle(other_course);
    assert_eq!(refused(w, &student(), &c).await, ErrorCode::BundleCourseMismatch);
    let mut expired = bundle(100, STUDENT_1);
    expired.valid_to = wednesday(10, 0);
    let (w, c) = with_bundle(expired);
    assert_eq!(refused(w, &student(), &c).await, ErrorCode::BundleExpired, "validTo is exclusive");
    let mut empty = bundle(100, STUDENT_1);
    empty.remaining_sessions = 0;
    let (w, c) = with_bundle(empty);
    assert_eq!(refused(w, &student(), &c).await, ErrorCode::BundleExhausted);
}

#[tokio::test]
async fn a_credit_spent_concurrently_rolls_the_booking_back() {
    let mut world = World::standard();
    world.bundles.push(bundle(100, STUDENT_1));
    world.debit_fails.push(id(100));
    let mut c = cmd(wednesday(10, 0), Some(TA_1));
    c.bundle_purchase_id = Some(id(100));
    let (result, h) = book(world, &student(), &c).await;
    assert_eq!(result.unwrap_err(), ErrorCode::BundleExhausted);
    assert_eq!(h.commits(), 0, "the inserted booking is rolled back with the transaction");
}

#[tokio::test]
async fn without_a_bundle_the_course_needs_a_session_price() {
    let mut world = World::standard();
    world.session_price = None;
    assert_eq!(refused(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await, ErrorCode::NoSessionPrice);
}

#[tokio::test]
async fn unknown_inactive_or_foreign_references_are_not_found() {
    let mut c = cmd(wednesday(10, 0), Some(TA_1));
    c.course_id = id::<CourseId>(777);
    assert_eq!(refused(World::standard(), &student(), &c).await, ErrorCode::NotFound, "unknown course");
    let mut world = World::standard();
    world.courses[0].active = false;
    assert_eq!(refused(world, &student(), &cmd(wednesday(10, 0), None)).await, ErrorCode::NotFound, "inactive course");
    assert_eq!(refused(World::standard(), &student(), &cmd(wednesday(10, 0), Some(777))).await, ErrorCode::NotFound);
    assert_eq!(
        refused(World::standard(), &student(), &cmd(wednesday(10, 0), Some(STUDENT_2))).await,
        ErrorCode::NotFound,
        "not a TA"
    );
    assert_eq!(
        refused(World::standard(), &stranger(Role::Student), &cmd(wednesday(10, 0), None)).await,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn tas_cannot_book_and_students_only_for_themselves() {
    assert_eq!(
        refused(World::standard(), &actor(TA_1, Role::Ta), &cmd(wednesday(10, 0), None)).await,
        ErrorCode::Forbidden
    );
    let mut c = cmd(wednesday(10, 0), None);
    c.student_id = Some(id(STUDENT_2));
    assert_eq!(refused(World::standard(), &student(), &c).await, ErrorCode::Forbidden);
    c.student_id = Some(id(STUDENT_1));
    assert!(book(World::standard(), &student(), &c).await.0.is_ok(), "naming oneself is fine");
}

#[tokio::test]
async fn admins_book_for_a_named_student() {
    let admin = actor(ADMIN, Role::Admin);
    assert_eq!(refused(World::standard(), &admin, &cmd(wednesday(10, 0), None)).await, ErrorCode::ValidationFailed);
    let mut c = cmd(wednesday(10, 0), None);
    c.student_id = Some(id(TA_2));
    assert_eq!(refused(World::standard(), &admin, &c).await, ErrorCode::NotFound, "a TA is not a student");
    c.student_id = Some(id(STUDENT_2));
    let (result, h) = book(World::standard(), &admin, &c).await;
    let booking = result.unwrap();
    assert_eq!((booking.seats[0].student_id, booking.created_by), (user_id(STUDENT_2), user_id(ADMIN)));
    assert_eq!(h.written().audit[0].actor_id, Some(user_id(ADMIN)));
}

#[tokio::test]
async fn the_first_failing_rule_wins() {
    let mut world = World::standard();
    world.assigned = vec![user_id(TA_1)];
    let soon = now() + TimeDelta::minutes(30);
    assert_eq!(
        refused(world.clone(), &student(), &cmd(soon, Some(TA_2))).await,
        ErrorCode::BookingTooSoon,
        "rule 2 before rule 3"
    );
    assert_eq!(
        refused(world.clone(), &student(), &cmd(wednesday(18, 0), Some(TA_2))).await,
        ErrorCode::TaNotAssignedToCourse,
        "rule 3 before rule 4"
    );
    world.session_price = None;
    world.bookings.push(individual(500, TA_2, STUDENT_1, interval(wednesday(10, 0), 60)));
    assert_eq!(
        refused(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await,
        ErrorCode::StudentUnavailable,
        "overlap before payment"
    );
}

#[tokio::test]
async fn a_concurrent_booking_of_the_chosen_ta_reruns_with_another_ta() {
    let mut world = World::standard();
    world.insert_conflicts.push(Conflict::TaOverlap);
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), None)).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_2));
    assert_eq!(h.written().inserted.len(), 1);
    assert_eq!(h.commits(), 1);
    assert_eq!(h.store.begun(), 2);
}

#[tokio::test]
async fn the_chosen_ta_taken_concurrently_is_retried_at_most_max_attempts_times() {
    use crate::shared::retry::MAX_ATTEMPTS;
    let runs = usize::try_from(MAX_ATTEMPTS).unwrap();
    // Seven TAs: each lost race takes one, so TAs never run out before the bound does.
    let crowded = || (20..25).fold(World::standard(), World::with_ta);
    let mut world = crowded();
    world.insert_conflicts = vec![Conflict::TaOverlap; runs - 1];
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), None)).await;
    assert!(result.is_ok(), "the last allowed run books: {result:?}");
    assert_eq!((h.commits(), h.store.begun()), (1, runs));
    let mut world = crowded();
    world.insert_conflicts = vec![Conflict::TaOverlap; runs];
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), None)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::NoTaAvailable, "free TAs remain, but the runs are spent");
    assert_eq!((h.commits(), h.store.begun()), (0, runs), "no run past the bound");
}

#[tokio::test]
async fn a_transient_store_failure_is_retried_at_most_max_attempts_times() {
    use crate::shared::retry::MAX_ATTEMPTS;
    let runs = usize::try_from(MAX_ATTEMPTS).unwrap();
    let mut world = World::standard();
    world.transient_inserts = MAX_ATTEMPTS - 1;
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await;
    assert!(result.is_ok(), "the last allowed run books: {result:?}");
    assert_eq!((h.commits(), h.store.begun()), (1, runs));
    let mut world = World::standard();
    world.transient_inserts = MAX_ATTEMPTS;
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await;
    assert_eq!(result.unwrap_err(), ErrorCode::InternalError, "given up after the bound");
    assert_eq!((h.commits(), h.store.begun()), (0, runs), "no run past the bound");
}

#[tokio::test]
async fn the_store_refusing_the_named_ta_is_ta_unavailable() {
    let mut world = World::standard();
    world.insert_conflicts.push(Conflict::TaOverlap);
    let (result, h) = book(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await;
    assert_eq!(result.unwrap_err(), ErrorCode::TaUnavailable);
    assert_eq!((h.commits(), h.store.begun()), (0, 1));
}

#[tokio::test]
async fn the_store_refusing_an_overlapping_student_is_student_unavailable() {
    let mut world = World::standard();
    world.insert_conflicts.push(Conflict::StudentOverlap);
    let (result, _) = book(world, &student(), &cmd(wednesday(10, 0), Some(TA_1))).await;
    assert_eq!(result.unwrap_err(), ErrorCode::StudentUnavailable);
}

#[test]
fn every_code_is_documented() {
    use crate::booking::BookIndividualError as E;
    for code in
        [ErrorCode::TaUnavailable, ErrorCode::NoTaAvailable, ErrorCode::BundleExhausted, ErrorCode::NoSessionPrice]
    {
        assert!(E::CODES.contains(&code));
    }
    assert_eq!(E::NoTaAvailable.code(), ErrorCode::NoTaAvailable);
}
