//! `Idempotency-Key` over HTTP (api.md): a retry replays the first response byte for byte with
//! `Idempotent-Replayed: true` and runs nothing; another body is 422; a malformed key is 400;
//! keys are scoped per user; 401 is not kept. On every backend and edge (in process, Redis);
//! the same key across instances is in `multi_instance`.

use futures_util::future::join_all;
use serde_json::json;

use crate::academy::{Academy, berlin};
use crate::bookings::session;
use crate::helpers::{Reply, TestApp};
use crate::shared_state::every_edge;

const BOOK: &str = "/api/v1/bookings/individual";

async fn bookings_of(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/bookings?limit=100", Some(token)).await.json()["data"].as_array().unwrap().len()
}

fn assert_replay_of(first: &Reply, replay: &Reply) {
    assert_eq!(replay.status, first.status);
    assert_eq!(replay.text, first.text, "the body, byte for byte");
    assert_eq!(replay.header("location"), first.header("location"));
    assert_eq!(replay.header("content-type"), first.header("content-type"));
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
}

#[tokio::test]
async fn a_retry_replays_the_first_response_and_books_nothing_more() {
    for app in every_edge().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap();
        let sam = academy.student("Sam").await;
        let body = session(course, berlin(2, 10, 0), 60);

        let first = app.post_keyed(BOOK, Some(&sam.access), body.clone(), "booking-1").await;
        assert_eq!(first.status, 201, "{}", first.text);
        assert!(first.header("idempotent-replayed").is_none());
        let replay = app.post_keyed(BOOK, Some(&sam.access), body.clone(), "booking-1").await;
        assert_replay_of(&first, &replay);
        assert_eq!(bookings_of(&app, &sam.access).await, 1);

        // The same key with another body is refused, and changes nothing.
        let other = session(course, berlin(2, 12, 0), 60);
        app.post_keyed(BOOK, Some(&sam.access), other.clone(), "booking-1")
            .await
            .problem(422, "idempotency_key_reused");
        assert_eq!(bookings_of(&app, &sam.access).await, 1);

        // An error answer is kept too: the retry of a refused booking is the same refusal.
        let ted = academy.student("Ted").await;
        let refused = app.post_keyed(BOOK, Some(&ted.access), body.clone(), "taken").await;
        assert_eq!(refused.status, 409, "{}", refused.text);
        assert_replay_of(&refused, &app.post_keyed(BOOK, Some(&ted.access), body.clone(), "taken").await);

        // Keys are per user: Ted's "booking-1" is not Sam's.
        let teds = app.post_keyed(BOOK, Some(&ted.access), other, "booking-1").await;
        assert_eq!(teds.status, 201, "{}", teds.text);
        assert!(teds.header("idempotent-replayed").is_none());
    }
}

#[tokio::test]
async fn malformed_keys_are_refused_before_anything_runs() {
    for app in every_edge().await {
        let admin = app.sign_up("acme").await;
        let course = json!({"code": "MATH-101", "title": "Algebra"});
        for key in [String::new(), "k".repeat(256), "tab\tkey".to_owned()] {
            let reply = app.post_keyed("/api/v1/courses", Some(&admin.access), course.clone(), &key).await;
            let problem = reply.problem(400, "validation_failed");
            assert_eq!(problem["errors"][0]["field"], "Idempotency-Key", "{key:?}");
        }
        let listed = app.get("/api/v1/courses", Some(&admin.access)).await.json();
        assert_eq!(listed["data"].as_array().unwrap().len(), 0);
        // 255 printable characters are a key.
        let reply = app.post_keyed("/api/v1/courses", Some(&admin.access), course, &"k".repeat(255)).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
}

#[tokio::test]
async fn an_unauthenticated_answer_is_not_kept() {
    for app in every_edge().await {
        let admin = app.sign_up("acme").await;
        let course = json!({"code": "MATH-101", "title": "Algebra"});
        // Anonymous: scoped to the IP, answered 401, not kept.
        let first = app.post_keyed("/api/v1/courses", None, course.clone(), "k1").await;
        first.problem(401, "unauthenticated");
        let again = app.post_keyed("/api/v1/courses", None, course.clone(), "k1").await;
        assert!(again.header("idempotent-replayed").is_none());
        // The admin's own key runs for real.
        let created = app.post_keyed("/api/v1/courses", Some(&admin.access), course, "k1").await;
        assert_eq!(created.status, 201, "{}", created.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_identical_retries_at_once_run_once() {
    for app in every_edge().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let sam = academy.student("Sam").await;
        let body = session(course["id"].as_str().unwrap(), berlin(3, 10, 0), 60);
        let replies =
            join_all((0..50).map(|_| app.post_keyed(BOOK, Some(&sam.access), body.clone(), "same-key"))).await;
        let originals = replies.iter().filter(|r| r.status == 201 && r.header("idempotent-replayed").is_none());
        assert_eq!(originals.count(), 1, "exactly one execution");
        for reply in &replies {
            match reply.status.as_u16() {
                201 => {}
                409 => assert_eq!(reply.json()["code"], "idempotency_key_in_progress", "{}", reply.text),
                other => panic!("unexpected {other}: {}", reply.text),
            }
        }
        assert_eq!(bookings_of(&app, &sam.access).await, 1, "{:?}", app.backend);
    }
}

#[tokio::test]
async fn a_keyed_login_replays_its_tokens_but_the_database_keeps_them_sealed() {
    use sea_orm::{ConnectionTrait as _, Database, Statement};
    for app in crate::helpers::apps().await {
        app.sign_up("acme").await;
        let body =
            json!({"organizationSlug": "acme", "email": "admin@acme.test", "password": crate::helpers::PASSWORD});
        let first = app.post_keyed("/api/v1/auth/login", None, body.clone(), "login-1").await;
        assert_eq!(first.status, 200, "{}", first.text);
        assert_replay_of(&first, &app.post_keyed("/api/v1/auth/login", None, body, "login-1").await);
        let refresh = first.json()["refreshToken"].as_str().unwrap().to_owned();
        let access = first.json()["accessToken"].as_str().unwrap().to_owned();

        let db = Database::connect(app.database_url()).await.unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT scope, fingerprint, status, sealed FROM idempotency_keys",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{:?}", app.backend);
        let sealed: Vec<u8> = rows[0].try_get("", "sealed").unwrap();
        let stored = format!(
            "{} {} {}",
            rows[0].try_get::<String>("", "scope").unwrap(),
            rows[0].try_get::<String>("", "fingerprint").unwrap(),
            String::from_utf8_lossy(&sealed)
        );
        for secret in [refresh.as_str(), access.as_str(), "login-1", crate::helpers::PASSWORD, "admin@acme.test"] {
            assert!(!stored.contains(secret), "{:?}: `{secret}` readable in the idempotency table", app.backend);
        }
        assert!(!sealed.windows(refresh.len()).any(|w| w == refresh.as_bytes()));
    }
}
