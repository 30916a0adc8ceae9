//! Time off with the in-memory world: who records and deletes it, the window's limits, the
//! sessions it lists, and their reassignment to free TAs (least loaded, then id) in the
//! transaction of the record, with emails and audit events.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;
use crate::audit::AuditAction;
use crate::booking::Booking;
use crate::fixtures::*;
use crate::notifications::{EmailKind, EmailPayload, RescheduleAudience};
use crate::shared::{Actor, BusinessEvent, ErrorCode, PageRequest, Role, UseCaseError};
use crate::store::Conflict;
use crate::test_world::{Harness, World, harness};

/// Thursday 2026-12-03 at `hour`:00 UTC.
fn thursday(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, hour, 0, 0).unwrap()
}

/// TA 1 away all Thursday.
fn thursday_off(reassign: bool) -> RecordTimeOff {
    RecordTimeOff {
        ta_id: user_id(TA_1),
        window: time_off_window(thursday(0), thursday(23)).unwrap(),
        reason: Some(TimeOffReason::parse("flu").unwrap()),
        reassign,
    }
}

/// TA 1 teaches student 1 at 10:00 and student 2 at 14:00 on Thursday.
fn busy_thursday() -> World {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_1, interval(thursday(14), 60)));
    world.bookings.push(individual(501, TA_1, STUDENT_2, interval(thursday(10), 60)));
    world
}

async fn record(world: World, who: &Actor, cmd: &RecordTimeOff) -> (Result<RecordedTimeOff, ErrorCode>, Harness) {
    let h = harness(world);
    let result = TimeOffService::new(h.core.clone()).record(who, cmd).await.map_err(|e| e.code());
    (result, h)
}

fn outcomes(recorded: &RecordedTimeOff) -> Vec<(BookingId, AffectedOutcome, UserId)> {
    recorded.affected.iter().map(|a| (a.booking_id, a.outcome, a.ta_id)).collect()
}

use crate::shared::{BookingId, UserId};

#[test]
fn outcomes_have_their_contract_names() {
    assert_eq!(AffectedOutcome::Reassigned.as_str(), "reassigned");
    assert_eq!(AffectedOutcome::Unresolved.as_str(), "unresolved");
}

#[test]
fn a_window_is_half_open_forward_and_at_most_ninety_days() {
    let from = thursday(0);
    assert_eq!(time_off_window(from, from + MAX_TIME_OFF).unwrap().duration(), TimeDelta::days(90));
    assert!(time_off_window(from, from + MAX_TIME_OFF + TimeDelta::microseconds(1)).is_err());
    assert!(time_off_window(from, from).is_err());
    assert!(time_off_window(from, from - TimeDelta::hours(1)).is_err());
}

#[tokio::test]
async fn recording_lists_the_sessions_not_started_in_the_window_without_moving_them() {
    let mut world = busy_thursday();
    world.bookings.push(individual(502, TA_1, STUDENT_1, interval(thursday(23), 60))); // after the window
    world.bookings.push(individual(503, TA_2, STUDENT_1, interval(thursday(12), 60))); // another TA
    let (result, h) = record(world, &actor(TA_1, Role::Ta), &thursday_off(false)).await;
    let recorded = result.unwrap();
    assert_eq!(
        outcomes(&recorded),
        vec![
            (id(501), AffectedOutcome::Unresolved, user_id(TA_1)),
            (id(500), AffectedOutcome::Unresolved, user_id(TA_1)),
        ]
    );
    assert_eq!(recorded.time_off.reason.as_ref().map(ToString::to_string).as_deref(), Some("flu"));
    let w = h.written();
    assert_eq!(w.time_off_recorded, vec![recorded.time_off]);
    assert!(w.rescheduled.is_empty() && w.outbox.is_empty());
    assert_eq!(w.actions(), vec![AuditAction::TimeOffRecorded]);
    let detail = w.audit[0].detail.clone().unwrap();
    assert!(detail.ends_with("reassigned=0 unresolved=2"), "{detail}");
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn a_session_that_started_is_not_affected() {
    let world = busy_thursday();
    let h = crate::test_world::harness_at(world, thursday(10) + TimeDelta::minutes(5));
    let recorded = TimeOffService::new(h.core.clone()).record(&actor(ADMIN, Role::Admin), &thursday_off(true)).await;
    assert_eq!(outcomes(&recorded.unwrap()), vec![(id(500), AffectedOutcome::Reassigned, user_id(TA_2))]);
}

#[tokio::test]
async fn reassigning_moves_each_session_to_a_free_ta_and_tells_everyone() {
    let mut world = busy_thursday();
    // TA 2 is busy at 10:00: that session has nowhere to go.
    world.bookings.push(individual(510, TA_2, 30, interval(thursday(10), 60)));
    let world = world.with_student(30);
    let (result, h) = record(world, &actor(ADMIN, Role::Admin), &thursday_off(true)).await;
    let recorded = result.unwrap();
    assert_eq!(
        outcomes(&recorded),
        vec![
            (id(501), AffectedOutcome::Unresolved, user_id(TA_1)),
            (id(500), AffectedOutcome::Reassigned, user_id(TA_2)),
        ]
    );
    let w = h.written();
    let moved: &Booking = &w.rescheduled[0];
    assert_eq!((moved.id, moved.ta_id, moved.interval), (id(500), user_id(TA_2), interval(thursday(14), 60)));
    assert_eq!((moved.sequence, moved.reschedule_count), (1, 0));
    assert_eq!(w.rescheduled.len(), 1);
    let mut told: Vec<(String, RescheduleAudience)> = w
        .outbox
        .iter()
        .filter_map(|m| match &m.payload {
            EmailPayload::BookingRescheduled { audience, reason, .. } => {
                assert_eq!(*reason, None, "the TA's reason stays private");
                Some((m.recipient.to_string(), *audience))
            }
            _ => None,
        })
        .collect();
    told.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        told,
        vec![
            ("user11@example.com".to_owned(), RescheduleAudience::FormerTa),
            ("user12@example.com".to_owned(), RescheduleAudience::Ta),
            ("user13@example.com".to_owned(), RescheduleAudience::Student),
        ]
    );
    assert_eq!(w.emails(EmailKind::BookingRescheduled).len(), 3);
    assert_eq!(w.actions(), vec![AuditAction::BookingRescheduled, AuditAction::TimeOffRecorded]);
    assert_eq!(
        w.audit[0].detail.as_deref(),
        Some(format!("ta={}->{} reason=time_off", user_id(TA_1), user_id(TA_2)).as_str())
    );
    assert!(w.audit[1].detail.clone().unwrap().ends_with("reassigned=1 unresolved=1"));
    drop(w);
    assert_eq!(h.counted(), vec![BusinessEvent::BookingRescheduled]);
}

#[tokio::test]
async fn the_least_loaded_free_ta_then_the_smallest_id_takes_over() {
    let mut world = busy_thursday().with_ta(20).with_ta(21);
    world.assigned.extend([user_id(20), user_id(21)]);
    world.availability.extend([availability(20), availability(21)]);
    // TA 2 already teaches twice on Thursday, TA 20 once, TA 21 once.
    world.bookings.push(individual(510, TA_2, 30, interval(thursday(15), 60)));
    world.bookings.push(individual(511, TA_2, 30, interval(thursday(16), 60)));
    world.bookings.push(individual(512, 20, 31, interval(thursday(16), 60)));
    world.bookings.push(individual(513, 21, 32, interval(thursday(16), 60)));
    let world = world.with_student(30).with_student(31).with_student(32);
    let (result, h) = record(world, &actor(ADMIN, Role::Admin), &thursday_off(true)).await;
    assert_eq!(h.counted(), vec![BusinessEvent::BookingRescheduled; 2], "one per session moved");
    // 10:00 goes to TA 20 (one session, smaller id than 21); then 14:00 to TA 21 (one, vs TA 20's two).
    assert_eq!(
        outcomes(&result.unwrap()),
        vec![(id(501), AffectedOutcome::Reassigned, user_id(20)), (id(500), AffectedOutcome::Reassigned, user_id(21)),]
    );
}

#[tokio::test]
async fn a_move_that_loses_a_race_runs_the_whole_record_again() {
    let mut world = busy_thursday();
    world.reschedule_conflicts = vec![Conflict::TaOverlap];
    let (result, h) = record(world, &actor(ADMIN, Role::Admin), &thursday_off(true)).await;
    let recorded = result.unwrap();
    assert!(recorded.affected.iter().all(|a| a.outcome == AffectedOutcome::Reassigned));
    assert_eq!(h.commits(), 1, "the spoiled attempt never commits");
}

#[tokio::test]
async fn who_may_record_time_off() {
    let (result, h) = record(busy_thursday(), &actor(STUDENT_1, Role::Student), &thursday_off(false)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::Forbidden);
    assert!(h.written().is_empty());
    let (result, h) = record(busy_thursday(), &actor(TA_2, Role::Ta), &thursday_off(false)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::Forbidden);
    assert!(h.written().is_empty());
    for target in [STUDENT_1, 99] {
        let cmd = RecordTimeOff { ta_id: user_id(target), ..thursday_off(false) };
        let (result, h) = record(busy_thursday(), &actor(ADMIN, Role::Admin), &cmd).await;
        assert_eq!(result.unwrap_err(), ErrorCode::NotFound, "user {target}");
        assert_eq!(h.commits(), 0);
    }
}

fn away(n: u128, ta: u128, hour: u32) -> TimeOff {
    TimeOff {
        id: id(n),
        organization_id: org_id(),
        ta_id: user_id(ta),
        window: interval(thursday(hour), 60),
        reason: Some(TimeOffReason::parse("dentist").unwrap()),
        created_by: user_id(ta),
        created_at: now(),
    }
}

#[tokio::test]
async fn a_list_shows_reasons_to_admins_and_the_ta_only() {
    let mut world = World::standard();
    world.time_off = vec![away(701, TA_1, 15), away(700, TA_1, 9), away(702, TA_2, 9)];
    let h = harness(world);
    let service = TimeOffService::new(h.core.clone());
    let page = PageRequest::new(None, None).unwrap();
    for (who, sees) in [
        (actor(ADMIN, Role::Admin), true),
        (actor(TA_1, Role::Ta), true),
        (actor(TA_2, Role::Ta), false),
        (actor(STUDENT_1, Role::Student), false),
    ] {
        let listed = service.list(&who, user_id(TA_1), None, None, &page).await.unwrap();
        let ids: Vec<_> = listed.items.iter().map(|t| t.id).collect();
        assert_eq!(ids, vec![id(700), id(701)], "earliest first, TA 1's only");
        assert!(listed.items.iter().all(|t| t.reason.is_some() == sees), "{:?}", who.role);
    }
    let later = service.list(&actor(ADMIN, Role::Admin), user_id(TA_1), Some(thursday(10)), None, &page).await;
    assert_eq!(later.unwrap().items.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id(701)]);
    let unknown = service.list(&actor(ADMIN, Role::Admin), user_id(STUDENT_1), None, None, &page).await;
    assert_eq!(unknown.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn deleting_is_for_admins_and_the_ta_and_moves_nothing_back() {
    let world = || {
        let mut w = World::standard();
        w.time_off = vec![away(700, TA_1, 9)];
        w
    };
    let delete = |w: World, who: Actor, ta: u128| async move {
        let h = harness(w);
        let result = TimeOffService::new(h.core.clone()).delete(&who, user_id(ta), id(700)).await.map_err(|e| e.code());
        (result, h)
    };
    for who in [actor(ADMIN, Role::Admin), actor(TA_1, Role::Ta)] {
        let (result, h) = delete(world(), who, TA_1).await;
        result.unwrap();
        let w = h.written();
        assert_eq!(w.time_off_deleted, vec![id(700)]);
        assert_eq!(w.actions(), vec![AuditAction::TimeOffDeleted]);
        assert!(w.rescheduled.is_empty());
    }
    for (who, ta, code) in [
        (actor(TA_2, Role::Ta), TA_1, ErrorCode::Forbidden),
        (actor(STUDENT_1, Role::Student), TA_1, ErrorCode::Forbidden),
        (actor(ADMIN, Role::Admin), TA_2, ErrorCode::NotFound),
    ] {
        let (result, h) = delete(world(), who, ta).await;
        assert_eq!(result.unwrap_err(), code);
        assert!(h.written().is_empty());
    }
}
