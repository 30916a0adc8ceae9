//! TA use cases: listing TAs, assigning and unassigning them (with their audit events).

use super::*;
use crate::audit::{AuditAction, AuditEvent, TargetType};
use crate::shared::{Actor, Cursor, ErrorCode, PageRequest, UseCaseError};
use crate::store::{Conflict, StoreError};

/// Whether `e` records `action` by the admin on the course, naming TA 1.
fn is_course_event(e: &AuditEvent, action: AuditAction) -> bool {
    e.action == action
        && e.organization_id == org_id()
        && e.actor_id == Some(user_id(ADMIN))
        && (e.target_type, e.target_id) == (TargetType::Course, id(COURSE))
        && e.detail.as_deref() == Some(format!("ta={}", user_id(TA_1)).as_str())
        && e.request_id == "req-test"
}

fn assignable() -> MockStore {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    users_in_org(&mut store);
    store
}

#[tokio::test]
async fn every_member_lists_the_organizations_tas_by_name() {
    let mut store = MockStore::new();
    store
        .users
        .expect_list_by_role()
        .withf(|o, r, p| *o == org_id() && *r == Role::Ta && p.fetch_limit() == 2)
        .times(3)
        .returning(|_, _, _| Ok(vec![user(TA_1, Role::Ta), user(TA_2, Role::Ta)]));
    let (_, service) = counted(store);
    let page = PageRequest::new(Some(1), None).unwrap();
    for role in Role::ALL {
        let listed = service.list_tas(&actor(ADMIN, role), &page).await.unwrap();
        assert_eq!(listed.items, vec![user(TA_1, Role::Ta)]);
        assert_eq!(listed.next, Some(Cursor::text("User 11", user_id(TA_1))));
    }
}

#[tokio::test]
async fn assigning_a_ta_writes_the_assignment_and_its_audit_event_in_one_commit() {
    let mut store = assignable();
    store
        .course_tas
        .expect_assign()
        .withf(|o, c, t| (*o, *c, *t) == (org_id(), id(COURSE), user_id(TA_1)))
        .times(1)
        .returning(|_, _, _| Ok(true));
    store
        .audit
        .expect_append()
        .withf(|e| is_course_event(e, AuditAction::CourseTaAssigned))
        .times(1)
        .returning(|_| Ok(()));
    let (store, service) = counted(store);

    service.assign_ta(&actor(ADMIN, Role::Admin), id(COURSE), user_id(TA_1)).await.unwrap();

    assert_eq!((store.begun(), store.commits()), (1, 1));
}

#[tokio::test]
async fn assigning_an_assigned_ta_again_succeeds_without_a_second_event() {
    let mut store = assignable();
    store.course_tas.expect_assign().times(1).returning(|_, _, _| Ok(false));
    store.audit.expect_append().never();
    let (store, service) = counted(store);

    service.assign_ta(&actor(ADMIN, Role::Admin), id(COURSE), user_id(TA_1)).await.unwrap();

    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn only_admins_change_assignments_and_nothing_is_opened_otherwise() {
    let (store, service) = counted(MockStore::new());
    for role in [Role::Ta, Role::Student] {
        let who = actor(TA_1, role);
        let err = service.assign_ta(&who, id(COURSE), user_id(TA_1)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{role}");
        let err = service.unassign_ta(&who, id(COURSE), user_id(TA_1)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{role}");
    }
    assert_eq!(store.begun(), 0);
}

/// Unknown course; users who are not TAs; unknown user; another organization's admin naming
/// this organization's course and TA.
fn refused_assignments() -> Vec<(Actor, u128, u128)> {
    let admin = actor(ADMIN, Role::Admin);
    vec![
        (admin.clone(), 999, TA_1),
        (admin.clone(), COURSE, STUDENT_1),
        (admin.clone(), COURSE, ADMIN),
        (admin, COURSE, 999),
        (stranger(Role::Admin), COURSE, TA_1),
    ]
}

#[tokio::test]
async fn assignments_need_a_course_and_a_ta_of_the_organization() {
    let mut store = assignable();
    store.course_tas.expect_assign().never();
    store.audit.expect_append().never();
    let (store, service) = counted(store);
    for (who, course, ta) in refused_assignments() {
        let err = service.assign_ta(&who, id(course), user_id(ta)).await.unwrap_err();
        assert!(matches!(err, AssignTaError::NotFound), "course {course}, user {ta}");
    }
    assert_eq!(store.commits(), 0);
}

#[tokio::test]
async fn a_reference_that_vanished_before_the_write_is_not_found() {
    let mut store = assignable();
    store.course_tas.expect_assign().returning(|_, _, _| Err(StoreError::Conflict(Conflict::MissingReference)));
    store.audit.expect_append().never();
    let (store, service) = counted(store);
    let err = service.assign_ta(&actor(ADMIN, Role::Admin), id(COURSE), user_id(TA_1)).await.unwrap_err();
    assert!(matches!(err, AssignTaError::NotFound));
    assert_eq!(store.commits(), 0);
}

#[tokio::test]
async fn unassigning_a_ta_records_the_removal_in_the_same_commit() {
    let mut store = assignable();
    store
        .course_tas
        .expect_unassign()
        .withf(|o, c, t| (*o, *c, *t) == (org_id(), id(COURSE), user_id(TA_1)))
        .times(1)
        .returning(|_, _, _| Ok(true));
    store
        .audit
        .expect_append()
        .withf(|e| is_course_event(e, AuditAction::CourseTaUnassigned))
        .times(1)
        .returning(|_| Ok(()));
    let (store, service) = counted(store);

    service.unassign_ta(&actor(ADMIN, Role::Admin), id(COURSE), user_id(TA_1)).await.unwrap();

    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn unassigning_a_ta_who_is_not_assigned_succeeds_without_an_event() {
    let mut store = assignable();
    store.course_tas.expect_unassign().times(1).returning(|_, _, _| Ok(false));
    store.audit.expect_append().never();
    let (_, service) = counted(store);
    service.unassign_ta(&actor(ADMIN, Role::Admin), id(COURSE), user_id(TA_1)).await.unwrap();
}

#[tokio::test]
async fn unassignments_need_a_course_and_a_ta_of_the_organization() {
    let mut store = assignable();
    store.course_tas.expect_unassign().never();
    store.audit.expect_append().never();
    let (_, service) = counted(store);
    for (who, course, ta) in refused_assignments() {
        let err = service.unassign_ta(&who, id(course), user_id(ta)).await.unwrap_err();
        assert!(matches!(err, UnassignTaError::NotFound), "course {course}, user {ta}");
    }
}

#[tokio::test]
async fn members_list_a_courses_tas_and_foreign_courses_do_not_exist() {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    store
        .course_tas
        .expect_tas()
        .withf(|o, c| (*o, *c) == (org_id(), id(COURSE)))
        .times(1)
        .returning(|_, _| Ok(vec![user(TA_1, Role::Ta)]));
    let (_, service) = counted(store);

    let tas = service.list_course_tas(&actor(STUDENT_1, Role::Student), id(COURSE)).await.unwrap();
    assert_eq!(tas, vec![user(TA_1, Role::Ta)]);
    for (who, course) in [(actor(ADMIN, Role::Admin), 999), (stranger(Role::Admin), COURSE)] {
        let err = service.list_course_tas(&who, id(course)).await.unwrap_err();
        assert!(matches!(err, ListCourseTasError::NotFound));
    }
}

#[tokio::test]
async fn any_member_reads_a_ta_but_not_a_student_or_a_stranger() {
    let mut store = MockStore::new();
    users_in_org(&mut store);
    let (_, service) = counted(store);
    for role in Role::ALL {
        assert_eq!(service.get_ta(&actor(ADMIN, role), user_id(TA_1)).await.unwrap().id, user_id(TA_1));
    }
    let student = service.get_ta(&actor(ADMIN, Role::Admin), user_id(STUDENT_1)).await.unwrap_err();
    assert_eq!(student.code(), ErrorCode::NotFound, "a student is not a TA");
    let unknown = service.get_ta(&actor(ADMIN, Role::Admin), user_id(999)).await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
}
