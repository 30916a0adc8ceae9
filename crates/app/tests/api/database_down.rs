//! PostgreSQL stopping mid-test (cut at a proxy between the app and the database, which then
//! accepts connections and never answers, as a partitioned network does): a request that needs
//! the database gets 503 `service_unavailable` with `Retry-After`, `/health/ready` answers 503
//! with its own body, the database check down after its bounded wait, `/health/startup` 503,
//! and all recover with the database.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use test_support::proxy::TcpProxy;

use crate::helpers::spawn_with;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_database_is_503_with_retry_after_and_readiness_says_so_promptly() {
    let Some(db) = test_support::postgres::database().await else { return };
    let upstream = test_support::postgres::host_port(db.url()).unwrap();
    let proxy = TcpProxy::start_for(&upstream).await.unwrap();
    let through_proxy = test_support::postgres::with_addr(db.url(), proxy.addr()).unwrap();
    let app = spawn_with(Arc::new(db), |s| s.database_url = through_proxy).await;
    let admin = app.sign_up("db-down").await;
    assert_eq!(app.get("/health/ready", None).await.status, StatusCode::OK);

    proxy.cut();
    let reply = app.get("/api/v1/bookings", Some(&admin.access)).await;
    reply.problem(503, "service_unavailable");
    let wait: u64 = reply.header("retry-after").expect("a 503 says when to retry").parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");

    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE, "{}", ready.text);
    let body = ready.json();
    assert_eq!(body["status"], "unavailable", "{body}");
    assert_eq!(body["checks"]["database"]["status"], "down", "{body}");
    assert_eq!(body["checks"]["mailQueue"]["status"], "down", "{body}");
    // Each check gives up after its own bound (1 s), not after the pool's connection wait.
    let waited = body["checks"]["database"]["latencyMs"].as_f64().unwrap();
    assert!(waited < 2_000.0, "the database check waited {waited} ms");
    let startup = app.get("/health/startup", None).await;
    assert_eq!(
        (startup.status, startup.json()["status"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("database unavailable"))
    );

    proxy.restore();
    let mut ready = app.get("/health/ready", None).await;
    for _ in 0..40 {
        if ready.status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        ready = app.get("/health/ready", None).await;
    }
    assert_eq!(ready.status, StatusCode::OK, "ready again with the database: {}", ready.text);
    assert_eq!(app.get("/api/v1/bookings", Some(&admin.access)).await.status, StatusCode::OK);
}
