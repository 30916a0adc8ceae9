//! Revocations through a Redis outage: two instances over one PostgreSQL and one Redis, the
//! second reaching Redis through a proxy the test cuts. A logout, a session revocation and a
//! password reset made on the cut instance take effect and say so (never 503), and the revoked
//! sessions' access tokens are refused within 5 s by the instance that never lost Redis, by the
//! cut one throughout, and by both once Redis answers again — even when Redis comes back empty.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};
use test_support::proxy::TcpProxy;

use crate::shared_state::{TestRedis, instances};

/// How long an instance may take to refuse a revocation it did not make (the bound).
const WITHIN: Duration = Duration::from_secs(5);

/// Waits until `app` refuses `token` (401), at most [`WITHIN`]; returns how long it took.
async fn refused_within(app: &TestApp, token: &str, what: &str) -> Duration {
    let started = Instant::now();
    loop {
        let reply = app.get("/api/v1/me", Some(token)).await;
        match reply.status.as_u16() {
            401 => return started.elapsed(),
            200 if started.elapsed() < WITHIN => tokio::time::sleep(Duration::from_millis(50)).await,
            status => panic!("{what}: still {status} after {:?}: {}", started.elapsed(), reply.text),
        }
    }
}

/// Two instances of one academy (`acme`): `a` on Redis directly, `b` through a proxy the test
/// cuts (without an email worker, so that `a`'s sends every email).
async fn two_instances(redis: &TestRedis) -> Option<(TcpProxy, TestApp, TestApp)> {
    let (proxy, through_proxy) = redis.behind_proxy().await;
    let a = instances(redis, 1, |_| {}).await?.remove(0);
    let b = a
        .another(|s| {
            through_proxy.apply(s);
            s.worker_enabled = false;
        })
        .await;
    a.sign_up("acme").await;
    Some((proxy, a, b))
}

fn access(login: &Value) -> String {
    login["accessToken"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocations_made_while_redis_is_cut_are_refused_on_every_instance() {
    let Some(redis) = TestRedis::new() else { return };
    let Some((proxy, a, b)) = two_instances(&redis).await else { return };
    let logged_out = a.login("acme", "admin@acme.test", PASSWORD).await.json();
    let revoked = a.login("acme", "admin@acme.test", PASSWORD).await.json();
    let kept = a.login("acme", "admin@acme.test", PASSWORD).await.json();
    // The session of `revoked`: the one `GET /auth/sessions` marks current for its token.
    let mine = b.get("/api/v1/auth/sessions", Some(&access(&revoked))).await.json();
    let revoked_id = mine["data"].as_array().unwrap().iter().find(|s| s["current"] == true).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for token in [access(&logged_out), access(&revoked), access(&kept)] {
        assert_eq!(a.get("/api/v1/me", Some(&token)).await.status, 200);
        assert_eq!(b.get("/api/v1/me", Some(&token)).await.status, 200);
    }

    proxy.cut();
    // On the cut instance: a logout and a session revocation take effect, and say so.
    let logout = json!({"refreshToken": logged_out["refreshToken"]});
    let reply = b.post("/api/v1/auth/logout", Some(&access(&logged_out)), logout).await;
    assert_eq!(reply.status, 204, "a logout that took effect answers success: {}", reply.text);
    let reply = b.delete(&format!("/api/v1/auth/sessions/{revoked_id}"), Some(&access(&kept))).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    // The cut instance checks the database meanwhile; the other never lost Redis, which never
    // heard of these revocations.
    for token in [access(&logged_out), access(&revoked)] {
        refused_within(&b, &token, "the cut instance").await;
        refused_within(&a, &token, "the instance that never lost Redis").await;
    }
    assert_eq!(a.get("/api/v1/me", Some(&access(&kept))).await.status, 200, "other sessions are untouched");

    proxy.restore();
    tokio::time::sleep(Duration::from_millis(1_500)).await; // past the circuit breaker's cool-down
    assert_eq!(b.get("/health/ready", None).await.json()["checks"]["cache"]["status"], "ok");
    for token in [access(&logged_out), access(&revoked)] {
        refused_within(&b, &token, "the instance back on Redis").await;
        refused_within(&a, &token, "the other instance").await;
    }

    // Redis loses everything (a restart without persistence): still refused everywhere. A
    // failed login first leaves keys that outlive the test (the throttle's, for an hour), so
    // that the deletion is seen to reach this test's keys; rate-limit buckets may already have
    // expired.
    let wrong = json!({"organizationSlug": "acme", "email": "admin@acme.test", "password": "not the password"});
    b.post("/api/v1/auth/login", None, wrong).await.problem(401, "invalid_credentials");
    let deleted = test_support::redis::delete_prefixed(&redis.url, &redis.prefix).await.unwrap();
    assert!(deleted > 0, "the test's keys were in Redis");
    for app in [&a, &b] {
        for token in [access(&logged_out), access(&revoked)] {
            app.get("/api/v1/me", Some(&token)).await.problem(401, "unauthenticated");
        }
        assert_eq!(app.get("/api/v1/me", Some(&access(&kept))).await.status, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_password_reset_confirmed_while_redis_is_cut_ends_every_session_everywhere() {
    let Some(redis) = TestRedis::new() else { return };
    let Some((proxy, a, b)) = two_instances(&redis).await else { return };
    let before = a.login("acme", "admin@acme.test", PASSWORD).await.json();
    assert_eq!(a.get("/api/v1/me", Some(&access(&before))).await.status, 200);
    let reply = a
        .post("/api/v1/auth/password-reset", None, json!({"organizationSlug": "acme", "email": "admin@acme.test"}))
        .await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    let token = TestApp::token_in(&a.email("admin@acme.test", "assword", 0).await);

    proxy.cut();
    let confirm = json!({"token": token, "password": "another-violet-harbor-93"});
    let reply = b.post("/api/v1/auth/password-reset/confirm", None, confirm).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    refused_within(&b, &access(&before), "the cut instance").await;
    refused_within(&a, &access(&before), "the instance that never lost Redis").await;
    proxy.restore();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    refused_within(&b, &access(&before), "the instance back on Redis").await;
}
