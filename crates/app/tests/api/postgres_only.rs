//! PostgreSQL alone is a correct multi-instance deployment: two instances over one database and
//! no Redis keep session revocation and idempotency keys exact across instances (through the
//! database); only rate limits and the read cache are per instance.

use futures_util::future::join_all;
use sea_orm::{ConnectionTrait as _, Database, Statement};
use serde_json::json;

use crate::academy::Academy;
use crate::helpers::{PASSWORD, TestApp, spawn_with};

/// Two instances over one fresh PostgreSQL database, without Redis; `None` without PostgreSQL.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    let db = std::sync::Arc::new(test_support::postgres::database().await?);
    let a = spawn_with(db.clone(), |_| {}).await;
    let b = spawn_with(db, |s| s.worker_enabled = false).await;
    Some((a, b))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_revocation_on_one_instance_is_refused_by_the_other_at_once() {
    let Some((a, b)) = two_instances().await else { return };
    assert_eq!(b.get("/health/ready", None).await.json()["checks"]["cache"]["backend"], "in-process");
    a.sign_up("acme").await;
    let login = a.login("acme", "admin@acme.test", PASSWORD).await.json();
    let token = login["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(b.get("/api/v1/me", Some(&token)).await.status, 200);
    let reply = a.post("/api/v1/auth/logout", Some(&token), json!({"refreshToken": login["refreshToken"]})).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    // No wait, no poll: the other instance asks the database on every request.
    b.get("/api/v1/me", Some(&token)).await.problem(401, "unauthenticated");
    a.get("/api/v1/me", Some(&token)).await.problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_sent_to_both_instances_at_once_runs_once() {
    let Some((a, b)) = two_instances().await else { return };
    let academy = Academy::new(&a, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    // Templates have no natural uniqueness: only the key stops a second one.
    let body = json!({"courseId": course["id"], "taId": tas[0].id, "title": "Saturday club", "capacity": 8,
                      "durationMinutes": 60, "pricePerStudentCents": 1_500});
    let admin = academy.admin.access.clone();
    let replies = join_all((0..20).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.post_keyed("/api/v1/group-session-templates", Some(&admin), body.clone(), "club-1")
    }))
    .await;
    let created: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert!(!created.is_empty(), "{replies:?}");
    for reply in &replies {
        match reply.status.as_u16() {
            201 => assert_eq!(reply.text, created[0].text, "every 201 is the one execution's answer"),
            409 => assert_eq!(reply.json()["code"], "idempotency_key_in_progress"),
            other => panic!("unexpected {other}: {}", reply.text),
        }
    }
    for app in [&a, &b] {
        let again = app.post_keyed("/api/v1/group-session-templates", Some(&admin), body.clone(), "club-1").await;
        assert_eq!((again.status.as_u16(), again.header("idempotent-replayed")), (201, Some("true")));
        assert_eq!(again.text, created[0].text);
    }
    let db = Database::connect(a.database_url()).await.unwrap();
    let count = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM group_session_templates WHERE title = 'Saturday club'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(count, 1, "the operation ran exactly once across both instances");
}
