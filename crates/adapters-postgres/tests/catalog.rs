//! Courses and course-TA assignments: round trips, code uniqueness per organization, pages by
//! code in byte order, idempotent assignment held by the tenant-safe foreign keys.

mod common;
mod fixtures;

use domain::catalog::{Course, CourseDescription, CourseTitle};
use domain::shared::{Cursor, Role};
use domain::store::{Conflict, Repositories};
use fixtures::{course, course_value, new_id, org, user, user_ids, walk};

#[tokio::test]
async fn courses_round_trip_and_update_what_may_change() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let mut algebra = course_value(acme.id, "math-101");
        algebra.description = CourseDescription::parse("Groups, rings\nand fields.").unwrap();
        repos.courses().insert(&algebra).await.unwrap();
        assert_eq!(repos.courses().get(acme.id, algebra.id).await.unwrap(), Some(algebra.clone()), "{b:?}");
        assert_eq!(repos.courses().get(other.id, algebra.id).await.unwrap(), None, "{b:?}");

        let changed = Course {
            title: CourseTitle::parse("Abstract algebra").unwrap(),
            description: CourseDescription::parse("").unwrap(),
            active: false,
            policy: domain::booking::PolicyTerms {
                cancellation_window_hours: Some(0),
                reschedule_window_hours: Some(720),
                max_reschedules: Some(10),
                late_cancellation: Some(domain::booking::LateOutcome::Refund),
                no_show: None,
            },
            ..algebra.clone()
        };
        repos.courses().update(&changed).await.unwrap();
        assert_eq!(repos.courses().get(acme.id, algebra.id).await.unwrap(), Some(changed.clone()), "{b:?}");

        // An update through another organization changes nothing.
        let foreign = Course { organization_id: other.id, active: true, ..changed.clone() };
        repos.courses().update(&foreign).await.unwrap();
        assert_eq!(repos.courses().get(acme.id, algebra.id).await.unwrap(), Some(changed), "{b:?}");
    }
}

#[tokio::test]
async fn a_course_code_is_unique_per_organization() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        course(repos, acme.id, "MATH-101").await;
        let err = repos.courses().insert(&course_value(acme.id, "math-101")).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::CourseCodeTaken), "{b:?}: {err}");
        repos.courses().insert(&course_value(other.id, "MATH-101")).await.unwrap();
    }
}

#[tokio::test]
async fn courses_page_by_code_in_byte_order() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let codes = ["MATH_101", "MATH-101", "MATH.101", "MATH101", "A", "Z9", "0-INTRO", "B.2", "B-2", "B2"];
        let mut courses = Vec::new();
        for code in codes {
            courses.push(course(repos, acme.id, code).await);
        }
        course(repos, other.id, "AA").await;
        courses.sort_by(|x, y| x.code.as_str().as_bytes().cmp(y.code.as_str().as_bytes()));

        let (listed, pages) = walk(
            4,
            |p| async move { repos.courses().list(acme.id, &p).await.unwrap() },
            |c: &Course| Cursor::text(c.code.as_str(), c.id),
        )
        .await;
        let listed: Vec<&str> = listed.iter().map(|c| c.code.as_str()).collect();
        let expected: Vec<&str> = courses.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(listed, expected, "{b:?}");
        assert_eq!(listed[..4], ["0-INTRO", "A", "B-2", "B.2"], "{b:?}");
        assert_eq!(pages, 3, "{b:?}");
    }
}

#[tokio::test]
async fn assigning_a_ta_is_idempotent_and_tas_are_listed_by_name() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let algebra = course(repos, acme.id, "ALG").await;
        let zed = user(repos, acme.id, "zed@example.com", "zed", Role::Ta).await;
        let amy = user(repos, acme.id, "amy@example.com", "Amy", Role::Ta).await;
        let bob = user(repos, acme.id, "bob@example.com", "Bob", Role::Ta).await;
        let ct = repos.course_tas();

        assert!(ct.assign(acme.id, algebra.id, zed.id).await.unwrap(), "{b:?}");
        assert!(!ct.assign(acme.id, algebra.id, zed.id).await.unwrap(), "{b:?}: already assigned");
        assert!(ct.assign(acme.id, algebra.id, amy.id).await.unwrap(), "{b:?}");
        assert!(ct.assign(acme.id, algebra.id, bob.id).await.unwrap(), "{b:?}");
        assert!(ct.is_assigned(acme.id, algebra.id, zed.id).await.unwrap(), "{b:?}");
        let tas = ct.tas(acme.id, algebra.id).await.unwrap();
        assert_eq!(user_ids(&tas), vec![amy.id, bob.id, zed.id], "{b:?}: byte order, upper case first");
        assert_eq!(tas[0], amy, "{b:?}");

        assert!(ct.unassign(acme.id, algebra.id, bob.id).await.unwrap(), "{b:?}");
        assert!(!ct.unassign(acme.id, algebra.id, bob.id).await.unwrap(), "{b:?}: no longer assigned");
        assert!(!ct.is_assigned(acme.id, algebra.id, bob.id).await.unwrap(), "{b:?}");

        // Another organization sees nothing and changes nothing.
        assert!(!ct.is_assigned(other.id, algebra.id, zed.id).await.unwrap(), "{b:?}");
        assert!(ct.tas(other.id, algebra.id).await.unwrap().is_empty(), "{b:?}");
        assert!(!ct.unassign(other.id, algebra.id, zed.id).await.unwrap(), "{b:?}");
        let err = ct.assign(other.id, algebra.id, zed.id).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::MissingReference), "{b:?}: {err}");
        assert_eq!(user_ids(&ct.tas(acme.id, algebra.id).await.unwrap()), vec![amy.id, zed.id], "{b:?}");
    }
}

#[tokio::test]
async fn only_tas_of_the_organization_can_be_assigned() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let algebra = course(repos, acme.id, "ALG").await;
        let foreign = course(repos, other.id, "ALG").await;
        let student = user(repos, acme.id, "s@example.com", "Sam", Role::Student).await;
        let admin = user(repos, acme.id, "a@example.com", "Ann", Role::Admin).await;
        let outsider = user(repos, other.id, "o@example.com", "Oli", Role::Ta).await;
        let ta = user(repos, acme.id, "t@example.com", "Tia", Role::Ta).await;
        let cases = [
            (algebra.id, student.id, "a student"),
            (algebra.id, admin.id, "an admin"),
            (algebra.id, outsider.id, "a TA of another organization"),
            (foreign.id, ta.id, "a course of another organization"),
            (algebra.id, new_id(), "an unknown user"),
            (new_id(), ta.id, "an unknown course"),
        ];
        for (course, user, what) in cases {
            let err = repos.course_tas().assign(acme.id, course, user).await.unwrap_err();
            assert_eq!(err.conflict(), Some(Conflict::MissingReference), "{b:?}: {what}: {err}");
        }
        assert!(repos.course_tas().tas(acme.id, algebra.id).await.unwrap().is_empty(), "{b:?}");
    }
}
