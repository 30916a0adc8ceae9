//! Course use cases: create, list, read, change.

use super::*;
use crate::shared::{Cursor, ErrorCode, PageRequest, UseCaseError};
use crate::store::{Conflict, StoreError};

fn new_course() -> NewCourse {
    NewCourse {
        code: CourseCode::parse("phys-201").unwrap(),
        title: CourseTitle::parse("Mechanics").unwrap(),
        description: CourseDescription::parse("Forces.").unwrap(),
        policy: crate::booking::PolicyTerms::default(),
    }
}

#[tokio::test]
async fn an_admin_creates_an_active_course_in_their_organization() {
    let mut store = MockStore::new();
    store
        .courses
        .expect_insert()
        .withf(|c| {
            c.id == first_new_id::<CourseId>()
                && c.organization_id == org_id()
                && c.code.as_str() == "PHYS-201"
                && c.title.as_str() == "Mechanics"
                && c.active
                && c.created_at == now()
        })
        .times(1)
        .returning(|_| Ok(()));
    let (_, service) = counted(store);

    let created = service.create_course(&actor(ADMIN, Role::Admin), &new_course()).await.unwrap();

    assert_eq!((created.id, created.code.as_str(), created.active), (first_new_id(), "PHYS-201", true));
}

#[tokio::test]
async fn only_admins_create_courses() {
    let mut store = MockStore::new();
    store.courses.expect_insert().never();
    let (_, service) = counted(store);
    for role in [Role::Ta, Role::Student] {
        let err = service.create_course(&actor(TA_1, role), &new_course()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{role}");
    }
}

#[tokio::test]
async fn a_code_the_store_refuses_is_course_code_taken_and_other_refusals_stay_unexpected() {
    let mut store = MockStore::new();
    let mut conflicts = vec![Conflict::MissingReference, Conflict::CourseCodeTaken];
    store.courses.expect_insert().times(2).returning(move |_| Err(StoreError::Conflict(conflicts.pop().unwrap())));
    let (_, service) = counted(store);
    let admin = actor(ADMIN, Role::Admin);

    let taken = service.create_course(&admin, &new_course()).await.unwrap_err();
    assert!(matches!(taken, CreateCourseError::CourseCodeTaken));
    let other = service.create_course(&admin, &new_course()).await.unwrap_err();
    assert_eq!(other.code(), ErrorCode::InternalError);
}

#[tokio::test]
async fn every_member_lists_courses_by_code_with_a_cursor_after_the_last() {
    let mut store = MockStore::new();
    let second = Course { id: id(21), code: CourseCode::parse("MATH-102").unwrap(), ..course() };
    let third = Course { id: id(22), code: CourseCode::parse("MATH-103").unwrap(), ..course() };
    let rows = vec![course(), second, third];
    store
        .courses
        .expect_list()
        .withf(|o, p| *o == org_id() && p.fetch_limit() == 3)
        .times(3)
        .returning(move |_, _| Ok(rows.clone()));
    let (_, service) = counted(store);
    let page = PageRequest::new(Some(2), None).unwrap();

    for role in Role::ALL {
        let listed = service.list_courses(&actor(ADMIN, role), &page).await.unwrap();
        assert_eq!(listed.items.len(), 2);
        assert_eq!(listed.next, Some(Cursor::text("MATH-102", id::<CourseId>(21))));
    }
}

#[tokio::test]
async fn members_read_a_course_and_other_organizations_courses_do_not_exist() {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    let (_, service) = counted(store);

    let read = service.get_course(&actor(STUDENT_1, Role::Student), id(COURSE)).await.unwrap();
    assert_eq!(read, course());
    let unknown = service.get_course(&actor(ADMIN, Role::Admin), id(999)).await.unwrap_err();
    assert!(matches!(unknown, GetCourseError::NotFound));
    let foreign = service.get_course(&stranger(Role::Admin), id(COURSE)).await.unwrap_err();
    assert!(matches!(foreign, GetCourseError::NotFound));
}

#[tokio::test]
async fn an_admin_patches_only_what_the_patch_sets() {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    store
        .courses
        .expect_update()
        .withf(|c| {
            c.id == id::<CourseId>(COURSE) && !c.active && c.title.as_str() == "Algebra" && c.code == course().code
        })
        .times(1)
        .returning(|_| Ok(()));
    let (_, service) = counted(store);
    let patch = CoursePatch { active: Some(false), ..CoursePatch::default() };

    let updated = service.update_course(&actor(ADMIN, Role::Admin), id(COURSE), &patch).await.unwrap();

    assert!(!updated.active);
}

#[tokio::test]
async fn course_updates_are_refused_to_non_admins_before_any_read() {
    let mut store = MockStore::new();
    store.courses.expect_get().never();
    store.courses.expect_update().never();
    let (_, service) = counted(store);
    let patch = CoursePatch { active: Some(false), ..CoursePatch::default() };
    for role in [Role::Ta, Role::Student] {
        let err = service.update_course(&actor(TA_1, role), id(COURSE), &patch).await.unwrap_err();
        assert!(matches!(err, UpdateCourseError::Forbidden), "{role}");
    }
}

#[tokio::test]
async fn unknown_and_foreign_courses_are_not_updated() {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    store.courses.expect_update().never();
    let (_, service) = counted(store);
    let patch = CoursePatch { active: Some(false), ..CoursePatch::default() };

    let unknown = service.update_course(&actor(ADMIN, Role::Admin), id(999), &patch).await.unwrap_err();
    assert!(matches!(unknown, UpdateCourseError::NotFound));
    let foreign = service.update_course(&stranger(Role::Admin), id(COURSE), &patch).await.unwrap_err();
    assert!(matches!(foreign, UpdateCourseError::NotFound));
}
