//! `app seed-demo`: the demo academy seeded into a fresh database, then served by the real
//! application: every printed login works, the academy holds what was promised, and running
//! the seed again changes nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use adapters_postgres::SeaStore;
use app::seed::{DEMO_PASSWORD, DEMO_SLUG, SeedReport, seed_demo};
use chrono::{Datelike, TimeDelta, Timelike, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use domain::accounts::{NewAccount, NewPassword, SignUp};
use domain::booking::{BookingFilter, BookingStatus, SessionType};
use domain::shared::{Email, PageRequest, PersonName, RequestContext, Role};
use domain::store::Repositories;
use domain::tenancy::{OrgName, Slug};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use test_support::TestDatabase;

use crate::helpers::{settings, spawn_app};

/// A data directory of its own for a seed run.
fn data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("engify-seed-{}", uuid::Uuid::now_v7().simple()))
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// What the seed wrote, read back from the database.
async fn assert_contents(db: &TestDatabase, report: &SeedReport) {
    let conn = adapters_postgres::connect(&adapters_postgres::DbConfig::new(db.url())).await.unwrap();
    let expected = [
        ("SELECT COUNT(*) FROM organizations", 1),
        ("SELECT COUNT(*) FROM users", 6),
        ("SELECT COUNT(*) FROM courses", 3),
        ("SELECT COUNT(*) FROM course_tas", 6),
        ("SELECT COUNT(*) FROM products", 6),
        ("SELECT COUNT(*) FROM products WHERE kind = 'bundle'", 3),
        ("SELECT COUNT(*) FROM availabilities", 3),
        ("SELECT COUNT(*) FROM group_session_templates", 3),
        ("SELECT COUNT(*) FROM bookings", 6),
        ("SELECT COUNT(*) FROM bookings WHERE session_type = 'group'", 6),
        // CHEM-101 has its own policy; the others follow the organization's.
        (
            "SELECT COUNT(*) FROM courses WHERE code = 'CHEM-101' AND cancellation_window_hours = 48 \
             AND reschedule_window_hours = 72 AND max_reschedules = 1 AND late_cancellation = 'refund' \
             AND no_show IS NULL",
            1,
        ),
        ("SELECT COUNT(*) FROM courses WHERE cancellation_window_hours IS NULL AND max_reschedules IS NULL", 2),
        // Each group session holds its course's effective policy.
        ("SELECT COUNT(*) FROM bookings WHERE policy_reschedule_window_hours = 72 AND policy_max_reschedules = 1", 2),
    ];
    for (sql, n) in expected {
        assert_eq!(count(&conn, sql).await, n, "{:?}: {sql}", db.backend());
    }

    let store = SeaStore::new(conn.clone());
    let filter = BookingFilter { session_type: Some(SessionType::Group), ..BookingFilter::default() };
    let page = PageRequest::new(Some(100), None).unwrap();
    let sessions = store.bookings().list(report.organization_id, &filter, &page).await.unwrap();
    assert_eq!(sessions.len(), 6);
    let now = Utc::now();
    let mut per_template = HashMap::new();
    for session in &sessions {
        *per_template.entry(session.template_id.unwrap()).or_insert(0) += 1;
        assert_eq!((session.status, session.capacity, session.seats_taken), (BookingStatus::Open, 6, 0));
        assert_eq!(session.interval.end() - session.interval.start(), TimeDelta::minutes(60));
        let start = session.interval.start();
        assert!(
            start - now > TimeDelta::days(1) && start - now < TimeDelta::days(14),
            "{start} is not in the next 2 weeks"
        );
        let local = start.with_timezone(&Berlin);
        assert!(!matches!(local.weekday(), Weekday::Sat | Weekday::Sun), "{local} is on a weekday");
        assert!((9..17).contains(&local.hour()) && local.minute() == 0, "{local} is inside the TAs' hours");
    }
    assert_eq!(per_template.len(), 3, "one template per course");
    assert!(per_template.values().all(|n| *n == 2), "two sessions per template: {per_template:?}");
    conn.close().await.unwrap();
}

#[tokio::test]
async fn the_demo_academy_is_seeded_once_and_every_printed_login_works() {
    for db in test_support::all_backends().await {
        let dir = data_dir();
        let first = seed_demo(&settings(&db, &dir)).await.unwrap();
        assert!(first.created && !first.incomplete, "{first:?}");
        let codes: Vec<&str> = first.courses.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["CHEM-101", "MATH-101", "PHYS-101"]);
        let text = first.render();
        for login in &first.logins {
            let line = text.lines().find(|l| l.contains(&login.email)).unwrap();
            assert!(line.contains(login.role.as_str()) && line.contains(DEMO_PASSWORD), "{line}");
        }
        assert!(first.courses.iter().all(|c| text.contains(&c.id.to_string())), "{text}");

        let again = seed_demo(&settings(&db, &dir)).await.unwrap();
        assert!(!again.created && !again.incomplete, "{again:?}");
        assert_eq!((&again.logins, &again.courses), (&first.logins, &first.courses));
        assert!(again.render().starts_with("The demo academy already exists"));
        assert_contents(&db, &first).await;
        let _ = std::fs::remove_dir_all(&dir);

        let app = spawn_app(db).await;
        let roles: Vec<Role> = first.logins.iter().map(|l| l.role).collect();
        assert_eq!(roles, [Role::Admin, Role::Ta, Role::Ta, Role::Ta, Role::Student, Role::Student]);
        let mut tokens = HashMap::new();
        for login in &first.logins {
            let reply = app.login(DEMO_SLUG, &login.email, DEMO_PASSWORD).await;
            assert_eq!(reply.status, StatusCode::OK, "{:?} {}: {}", app.backend, login.email, reply.text);
            let access = reply.json()["accessToken"].as_str().unwrap().to_owned();
            let me = app.get("/api/v1/me", Some(&access)).await.json();
            assert_eq!((me["email"].as_str(), me["role"].as_str()), (Some(&*login.email), Some(login.role.as_str())));
            assert_eq!(me["emailVerified"], true, "{me}");
            let sessions = app.get("/api/v1/auth/sessions", Some(&access)).await.json();
            assert_eq!(sessions["data"].as_array().unwrap().len(), 1, "the seed leaves no session open: {sessions}");
            tokens.insert(login.email.clone(), (access, me["id"].as_str().unwrap().to_owned()));
        }

        let (admin, _) = &tokens["admin@demo.test"];
        let org = app.get("/api/v1/organization", Some(admin)).await.json();
        assert_eq!((org["name"].as_str(), org["slug"].as_str()), (Some("Demo Academy"), Some("demo")), "{org}");
        assert_eq!((org["timezone"].as_str(), org["currency"].as_str()), (Some("Europe/Berlin"), Some("EUR")));
        let (student, _) = &tokens["sam@demo.test"];
        for ta in ["tara@demo.test", "theo@demo.test", "tina@demo.test"] {
            let (_, id) = &tokens[ta];
            let reply = app.get(&format!("/api/v1/tas/{id}"), Some(student)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            assert_eq!(reply.json()["email"], ta);
        }
    }
}

/// Signs up an organization with the slug `demo` and the admin `email`, as a real academy
/// could have.
async fn sign_up_demo_slug(db: &TestDatabase, dir: &std::path::Path, email: &str) {
    let services = app::application::services(&settings(db, dir)).await.unwrap();
    let sign_up = SignUp {
        name: OrgName::parse("Not The Demo").unwrap(),
        slug: Slug::parse("demo").unwrap(),
        timezone: None,
        currency: None,
        admin: NewAccount {
            email: Email::parse(email).unwrap(),
            password: NewPassword::parse(crate::helpers::PASSWORD, &[]).unwrap(),
            name: PersonName::parse("Olga Owner").unwrap(),
        },
    };
    services.accounts.sign_up(&sign_up, &RequestContext::default()).await.unwrap();
    services.db.close().await.unwrap();
}

#[tokio::test]
async fn the_slug_of_another_academy_is_left_alone() {
    let db = test_support::sqlite::database().await;
    let dir = data_dir();
    sign_up_demo_slug(&db, &dir, "olga@elsewhere.test").await;
    let error = seed_demo(&settings(&db, &dir)).await.unwrap_err();
    assert!(format!("{error:#}").contains("not the demo academy"), "{error:#}");
    let conn = adapters_postgres::connect(&adapters_postgres::DbConfig::new(db.url())).await.unwrap();
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM users").await, 1, "nothing was added");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_interrupted_seed_is_reported_incomplete() {
    let db = test_support::sqlite::database().await;
    let dir = data_dir();
    // As if a run had stopped right after signing up.
    sign_up_demo_slug(&db, &dir, "admin@demo.test").await;
    let report = seed_demo(&settings(&db, &dir)).await.unwrap();
    assert!(!report.created && report.incomplete && report.courses.is_empty(), "{report:?}");
    assert!(report.render().contains("incomplete"));
    let _ = std::fs::remove_dir_all(&dir);
}
