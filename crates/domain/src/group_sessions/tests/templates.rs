//! Templates, scheduling sessions from them, and listing sessions.

use chrono::TimeDelta;

use crate::audit::AuditAction;
use crate::booking::{BookingFilter, BookingStatus, SessionType};
use crate::fixtures::*;
use crate::group_sessions::{GroupSessionFilter, GroupSessionService, NewTemplate};
use crate::shared::{Actor, ErrorCode, PageRequest, Role, TemplateId, UseCaseError};
use crate::store::Conflict;
use crate::test_world::{World, harness};
use crate::testing::MockStore;

fn new_template(ta: u128) -> NewTemplate {
    NewTemplate::parse(id(COURSE), id(ta), "Exam prep", 8, 90, 1_500).unwrap()
}

async fn create(
    world: World,
    who: &Actor,
    t: &NewTemplate,
) -> Result<crate::group_sessions::GroupSessionTemplate, ErrorCode> {
    let h = harness(world);
    let result = GroupSessionService::new(h.core.clone()).create_template(who, t).await.map_err(|e| e.code());
    if result.is_err() {
        assert!(h.written().is_empty());
    }
    result
}

#[tokio::test]
async fn admins_create_templates_in_the_organization_currency() {
    let t = create(World::standard(), &actor(ADMIN, Role::Admin), &new_template(TA_1)).await.unwrap();
    assert_eq!((t.capacity.get(), t.duration.minutes(), t.price_per_student.get()), (8, 90, 1_500));
    assert_eq!(t.currency, org().currency);
    assert!(t.active);
}

#[tokio::test]
async fn template_refusals() {
    assert_eq!(
        create(World::standard(), &actor(TA_1, Role::Ta), &new_template(TA_1)).await.unwrap_err(),
        ErrorCode::Forbidden
    );
    let mut unknown_course = new_template(TA_1);
    unknown_course.course_id = id(777);
    assert_eq!(
        create(World::standard(), &actor(ADMIN, Role::Admin), &unknown_course).await.unwrap_err(),
        ErrorCode::NotFound
    );
    assert_eq!(
        create(World::standard(), &actor(ADMIN, Role::Admin), &new_template(STUDENT_1)).await.unwrap_err(),
        ErrorCode::NotFound
    );
    let mut world = World::standard();
    world.assigned = vec![user_id(TA_1)];
    assert_eq!(
        create(world, &actor(ADMIN, Role::Admin), &new_template(TA_2)).await.unwrap_err(),
        ErrorCode::TaNotAssignedToCourse
    );
}

#[tokio::test]
async fn templates_list_by_title_with_a_cursor() {
    let mut store = MockStore::new();
    store
        .templates
        .expect_list()
        .withf(|_, c, _| *c == Some(id(COURSE)))
        .returning(|_, _, _| Ok(vec![template(), template()]));
    let service = GroupSessionService::new(core(store));
    let page = service
        .list_templates(&actor(STUDENT_1, Role::Student), Some(id(COURSE)), &PageRequest::new(Some(1), None).unwrap())
        .await
        .unwrap();
    assert_eq!(page.next.unwrap().text_key(), Some("Exam prep"));
}

async fn schedule(
    world: World,
    who: &Actor,
    hours: i64,
) -> (Result<crate::booking::Booking, ErrorCode>, crate::test_world::Harness) {
    let h = harness(world);
    let result = GroupSessionService::new(h.core.clone())
        .schedule(who, id::<TemplateId>(TEMPLATE), in_hours(hours))
        .await
        .map_err(|e| e.code());
    (result, h)
}

#[tokio::test]
async fn admins_and_the_templates_ta_schedule_open_sessions() {
    for who in [actor(ADMIN, Role::Admin), actor(TA_1, Role::Ta)] {
        let (result, h) = schedule(World::standard(), &who, 26).await;
        let s = result.unwrap();
        assert_eq!(
            (s.session_type, s.status, s.capacity, s.seats_taken),
            (SessionType::Group, BookingStatus::Open, 3, 0)
        );
        assert_eq!((s.ta_id, s.template_id, s.duration_minutes()), (user_id(TA_1), Some(id(TEMPLATE)), 60));
        assert_eq!(s.price_per_student.get(), 2_000);
        assert_eq!(h.written().actions(), vec![AuditAction::BookingCreated]);
        assert_eq!(h.commits(), 1);
    }
}

#[tokio::test]
async fn a_scheduled_session_copies_its_courses_policy() {
    use crate::booking::{LateOutcome, PolicyTerms};
    let mut world = World::standard();
    world.courses[0].policy =
        PolicyTerms { reschedule_window_hours: Some(3), no_show: Some(LateOutcome::Refund), ..PolicyTerms::default() };
    let (result, _) = schedule(world, &actor(ADMIN, Role::Admin), 26).await;
    let policy = result.unwrap().policy;
    assert_eq!((policy.cancellation_window_hours, policy.reschedule_window_hours), (24, 3));
    assert_eq!(policy.no_show, LateOutcome::Refund);
}

#[tokio::test]
async fn scheduling_refusals_in_order() {
    let refused = |world: World, who: Actor, hours: i64| async move {
        let (result, h) = schedule(world, &who, hours).await;
        assert!(h.written().is_empty());
        result.unwrap_err()
    };
    assert_eq!(refused(World::standard(), actor(STUDENT_1, Role::Student), 26).await, ErrorCode::Forbidden);
    assert_eq!(
        refused(World::standard(), actor(TA_2, Role::Ta), 26).await,
        ErrorCode::Forbidden,
        "another TA's template"
    );
    let mut world = World::standard();
    world.templates[0].active = false;
    assert_eq!(refused(world, actor(ADMIN, Role::Admin), 26).await, ErrorCode::NotFound);
    let mut world = World::standard();
    world.courses[0].active = false;
    assert_eq!(refused(world, actor(ADMIN, Role::Admin), 26).await, ErrorCode::NotFound);
    assert_eq!(refused(World::standard(), actor(ADMIN, Role::Admin), 0).await, ErrorCode::BookingTooSoon);
    assert_eq!(refused(World::standard(), actor(ADMIN, Role::Admin), 24 * 91).await, ErrorCode::BookingTooFarAhead);
    let mut world = World::standard();
    world.assigned = vec![user_id(TA_2)];
    assert_eq!(refused(world, actor(ADMIN, Role::Admin), 26).await, ErrorCode::TaNotAssignedToCourse);
    assert_eq!(
        refused(World::standard(), actor(ADMIN, Role::Admin), 34).await,
        ErrorCode::OutsideTaAvailability,
        "18:00"
    );
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_1, interval(in_hours(26) + TimeDelta::minutes(30), 60)));
    assert_eq!(refused(world, actor(ADMIN, Role::Admin), 26).await, ErrorCode::TaUnavailable);
    let mut world = World::standard();
    world.insert_conflicts.push(Conflict::TaOverlap);
    assert_eq!(
        refused(world, actor(ADMIN, Role::Admin), 26).await,
        ErrorCode::TaUnavailable,
        "the store's exclusion constraint"
    );
}

#[tokio::test]
async fn sessions_list_only_group_sessions_and_hide_other_students() {
    let mut store = MockStore::new();
    let rows = vec![super::session_with(&[STUDENT_1, STUDENT_2])];
    store
        .bookings
        .expect_list()
        .withf(|_, f, _| {
            *f == BookingFilter {
                course_id: Some(id(COURSE)),
                session_type: Some(SessionType::Group),
                ..BookingFilter::default()
            }
        })
        .returning(move |_, _, _| Ok(rows.clone()));
    let service = GroupSessionService::new(core(store));
    let filter = GroupSessionFilter { course_id: Some(id(COURSE)), ..GroupSessionFilter::default() };
    let page = service.list_sessions(&actor(STUDENT_2, Role::Student), filter, &PageRequest::first()).await.unwrap();
    assert_eq!(page.items[0].seats.len(), 1);
    assert_eq!(page.items[0].seats[0].student_id, user_id(STUDENT_2));
    let page = service.list_sessions(&actor(TA_1, Role::Ta), filter, &PageRequest::first()).await.unwrap();
    assert_eq!(page.items[0].seats.len(), 2, "the session's TA sees every seat");
    let page = service.list_sessions(&actor(TA_2, Role::Ta), filter, &PageRequest::first()).await.unwrap();
    assert!(page.items[0].seats.is_empty(), "another TA sees no student");
}
