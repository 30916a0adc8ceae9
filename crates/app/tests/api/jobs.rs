//! The admin job API over HTTP: the organization's email outbox, newest first, filtered by
//! status and paged; retrying a sent job is refused; only admins see or retry jobs; and
//! `/metrics` reports the queue's depth. Delivery, failures and dead letters over a real SMTP
//! server are in `email_delivery`.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{TestApp, apps};

/// Waits until the organization has `n` jobs in `status`.
pub async fn jobs_with_status(app: &TestApp, admin: &str, status: &str, n: usize) -> Vec<serde_json::Value> {
    for _ in 0..400 {
        let reply = app.get(&format!("/api/v1/admin/jobs?status={status}&limit=100"), Some(admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let jobs = reply.json()["data"].as_array().unwrap().clone();
        if jobs.len() >= n {
            return jobs;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} {status} jobs after 10 s");
}

#[tokio::test]
async fn admins_list_their_organizations_email_jobs_newest_first_by_status() {
    for app in apps().await {
        let acme = app.sign_up("acme").await;
        app.register("acme", "sam@acme.test").await;
        app.register("acme", "sky@acme.test").await;
        let globex = app.sign_up("globex").await;

        // Three verification emails of acme (its admin's and two students'), sent by the worker.
        let sent = jobs_with_status(&app, &acme.access, "sent", 3).await;
        assert_eq!(sent.len(), 3, "globex's job is not listed");
        let first = &sent[0];
        assert_eq!(first["recipient"], "sky@acme.test", "newest first");
        assert_eq!(first["kind"], "email_verification");
        assert_eq!((first["status"].as_str(), first["attempts"].as_u64()), (Some("sent"), Some(1)));
        assert!(first["nextAttemptAt"].is_null() && first["lastError"].is_null());
        assert!(first.get("payload").is_none(), "tokens never leave through the job API");

        // Paging.
        let page = app.get("/api/v1/admin/jobs?limit=2", Some(&acme.access)).await.json();
        assert_eq!(page["data"].as_array().unwrap().len(), 2);
        let cursor = page["nextCursor"].as_str().unwrap();
        let rest = app.get(&format!("/api/v1/admin/jobs?limit=2&cursor={cursor}"), Some(&acme.access)).await.json();
        assert_eq!(rest["data"].as_array().unwrap().len(), 1);
        assert!(rest["nextCursor"].is_null());
        assert_eq!(
            app.get("/api/v1/admin/jobs?status=dead", Some(&acme.access)).await.json()["data"],
            json!([]),
            "{:?}",
            app.backend
        );

        // A sent job is not retried; another organization's job does not exist.
        let id = first["id"].as_str().unwrap();
        let retry = format!("/api/v1/admin/jobs/{id}/retry");
        app.post(&retry, Some(&acme.access), json!({})).await.problem(409, "job_not_retryable");
        app.post(&retry, Some(&globex.access), json!({})).await.problem(404, "not_found");

        // Bad filters.
        let bad = app.get("/api/v1/admin/jobs?status=lost", Some(&acme.access)).await;
        assert_eq!(bad.problem(400, "validation_failed")["errors"][0]["field"], "status");
        app.get("/api/v1/admin/jobs?limit=0", Some(&acme.access)).await.problem(400, "validation_failed");
    }
}

#[tokio::test]
async fn only_admins_see_or_retry_jobs() {
    for app in apps().await {
        let acme = app.sign_up("acme").await;
        let sam = app.register("acme", "sam@acme.test").await;
        let token = sam["accessToken"].as_str().unwrap();
        app.get("/api/v1/admin/jobs", Some(token)).await.problem(403, "forbidden");
        let job = jobs_with_status(&app, &acme.access, "sent", 1).await[0]["id"].as_str().unwrap().to_owned();
        app.post(&format!("/api/v1/admin/jobs/{job}/retry"), Some(token), json!({})).await.problem(403, "forbidden");
        app.get("/api/v1/admin/jobs", None).await.problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn metrics_report_the_outbox_depth() {
    for app in apps().await {
        let reply = app.get("/metrics", None).await;
        assert_eq!(reply.status, 200);
        assert!(reply.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
        for line in ["# TYPE engify_outbox_pending gauge", "engify_outbox_dead 0", "engify_outbox_up 1"] {
            assert!(reply.text.lines().any(|l| l == line), "{line} missing:\n{}", reply.text);
        }
    }
}
