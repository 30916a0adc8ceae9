//! Password-reset requests over HTTP: the request path only queues them (the same work for a
//! user's address, an unknown one and an unknown academy), the worker answers them, and one
//! user gets at most three reset emails an hour whatever the client IPs asking.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::json;

use crate::helpers::{Reply, TestApp, spawn_with};

/// The first column of the first row of `sql`, in the database under `app`.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = Database::connect(app.database_url()).await.unwrap();
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
    let n = row.unwrap().try_get_by_index::<i64>(0).unwrap();
    db.close().await.unwrap();
    n
}

const QUEUED: &str = "SELECT count(*) FROM password_reset_requests";
const RESET_TOKENS: &str = "SELECT count(*) FROM one_time_tokens WHERE purpose = 'password_reset'";
const RESET_EMAILS: &str = "SELECT count(*) FROM outbox_messages WHERE kind = 'password_reset'";

async fn ask(app: &TestApp, slug: &str, email: &str, ip: &str) -> Reply {
    let body = json!({"organizationSlug": slug, "email": email});
    app.request_with(reqwest::Method::POST, "/api/v1/auth/password-reset", None, Some(body), &[("x-forwarded-for", ip)])
        .await
}

/// Waits (up to 5 s) until the worker has answered every queued request.
async fn drained(app: &TestApp) {
    for _ in 0..200 {
        if count(app, QUEUED).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("reset requests still queued after 5 s");
}

#[tokio::test]
async fn the_request_path_only_queues_and_the_worker_answers() {
    for db in test_support::all_backends().await {
        let db = Arc::new(db);
        // No worker here: what is in the database after the answers is the request path's work.
        let app = spawn_with(db.clone(), |s| s.worker_enabled = false).await;
        let b = app.backend;
        app.sign_up("acme").await;
        let before = (count(&app, RESET_TOKENS).await, count(&app, RESET_EMAILS).await);
        let answers = [
            ask(&app, "acme", "admin@acme.test", "198.51.100.1").await,
            ask(&app, "acme", "nobody@acme.test", "198.51.100.1").await,
            ask(&app, "nowhere", "admin@acme.test", "198.51.100.1").await,
        ];
        for reply in &answers {
            assert_eq!((reply.status, reply.text.as_str()), (StatusCode::ACCEPTED, answers[0].text.as_str()), "{b:?}");
        }
        assert_eq!(count(&app, QUEUED).await, 3, "{b:?}: each request queued, known or not");
        assert_eq!((count(&app, RESET_TOKENS).await, count(&app, RESET_EMAILS).await), before, "{b:?}: nothing else");

        // A worker (another instance) answers them: one link, for the one account.
        let worker = app.another(|_| {}).await;
        let email = worker.email("admin@acme.test", "Reset your password", 0).await;
        assert!(email.contains("/reset-password?token="), "{email}");
        drained(&worker).await;
        assert_eq!(count(&app, RESET_TOKENS).await, 1, "{b:?}");
        assert_eq!(count(&app, RESET_EMAILS).await, 1, "{b:?}");
    }
}

#[tokio::test]
async fn one_user_gets_at_most_three_reset_emails_an_hour_whatever_the_ips() {
    for db in test_support::all_backends().await {
        let app = spawn_with(Arc::new(db), |s| s.trusted_proxy_hops = 1).await;
        let b = app.backend;
        app.sign_up("acme").await;
        for n in 1..=5 {
            let reply = ask(&app, "acme", "admin@acme.test", &format!("198.51.100.{n}")).await;
            assert_eq!(reply.status, StatusCode::ACCEPTED, "{b:?}: {}", reply.text);
        }
        app.email("admin@acme.test", "Reset your password", 2).await;
        drained(&app).await;
        assert_eq!(count(&app, RESET_TOKENS).await, 3, "{b:?}: five requests, three links");
        assert_eq!(count(&app, RESET_EMAILS).await, 3, "{b:?}");
        // Another academy's account with the same email has a bound of its own.
        app.sign_up("globex").await;
        let register = json!({"organizationSlug": "globex", "email": "admin@acme.test",
                              "password": crate::helpers::PASSWORD, "name": "Ada"});
        assert_eq!(app.post("/api/v1/auth/register", None, register).await.status, StatusCode::CREATED);
        assert_eq!(ask(&app, "globex", "admin@acme.test", "198.51.100.9").await.status, StatusCode::ACCEPTED);
        drained(&app).await;
        assert_eq!(count(&app, RESET_EMAILS).await, 4, "{b:?}");
    }
}
