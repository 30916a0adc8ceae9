//! Rate limits over HTTP (api.md): per client IP on `/auth/*` and sign-up, per user elsewhere,
//! IETF `RateLimit-Policy` / `RateLimit` on every limited response, 429 `rate_limited` with
//! `Retry-After` past the limit. In process here; shared through Redis in `multi_instance`.

use std::sync::Arc;

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, spawn_with};

async fn app_with_limits(default: u32, auth: u32) -> TestApp {
    let db = Arc::new(test_support::sqlite::database().await);
    spawn_with(db, |s| {
        s.rate_limit_per_minute = default;
        s.auth_rate_limit_per_minute = auth;
    })
    .await
}

/// `(remaining, seconds to reset)` of a `RateLimit` field for `policy`.
pub fn parse_ratelimit(value: &str, policy: &str) -> (u32, u64) {
    let rest = value.strip_prefix(&format!("\"{policy}\";")).unwrap_or_else(|| panic!("{value}"));
    let mut remaining = None;
    let mut reset = None;
    for part in rest.split(';') {
        match part.split_once('=') {
            Some(("r", r)) => remaining = r.parse().ok(),
            Some(("t", t)) => reset = t.parse().ok(),
            _ => panic!("unexpected parameter in {value}"),
        }
    }
    (remaining.unwrap(), reset.unwrap())
}

#[tokio::test]
async fn the_auth_limit_counts_per_ip_and_refuses_the_request_past_it() {
    let app = app_with_limits(1_000, 3).await;
    let login = json!({"organizationSlug": "acme", "email": "nobody@acme.test", "password": PASSWORD});
    for expected_remaining in [2, 1, 0] {
        let reply = app.post("/api/v1/auth/login", None, login.clone()).await;
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert_eq!(reply.header("ratelimit-policy"), Some("\"auth\";q=3;w=60"));
        let (remaining, reset) = parse_ratelimit(reply.header("ratelimit").unwrap(), "auth");
        assert_eq!(remaining, expected_remaining);
        assert!((1..=60).contains(&reset), "{reset}");
    }
    // Sign-up shares the auth budget of the IP.
    let reply = app.post("/api/v1/organizations", None, json!({})).await;
    assert_eq!(reply.status, 429, "{}", reply.text);
    assert_eq!(reply.problem(429, "rate_limited")["status"], 429);
    let (remaining, reset) = parse_ratelimit(reply.header("ratelimit").unwrap(), "auth");
    assert_eq!(remaining, 0);
    assert_eq!(reply.header("retry-after"), Some(reset.to_string().as_str()), "Retry-After equals t");
    assert!((1..=20).contains(&reset), "one unit comes back every 20 s: {reset}");
    // Health and documentation are not limited.
    assert_eq!(app.get("/health/live", None).await.status, 200);
    assert!(app.get("/health/live", None).await.header("ratelimit").is_none());
}

#[tokio::test]
async fn the_default_limit_counts_per_user_so_one_user_cannot_exhaust_another() {
    let app = app_with_limits(4, 1_000).await;
    let first = app.sign_up("acme").await;
    let second = app.sign_up("globex").await;
    for expected in [3, 2, 1, 0] {
        let reply = app.get("/api/v1/organization", Some(&first.access)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.header("ratelimit-policy"), Some("\"default\";q=4;w=60"));
        assert_eq!(parse_ratelimit(reply.header("ratelimit").unwrap(), "default").0, expected);
    }
    let refused = app.get("/api/v1/organization", Some(&first.access)).await;
    refused.problem(429, "rate_limited");
    assert!(refused.header("retry-after").is_some());

    let other = app.get("/api/v1/organization", Some(&second.access)).await;
    assert_eq!(other.status, 200, "another user has a budget of their own: {}", other.text);
    // Anonymous calls count per IP under the default policy, apart from any user.
    let anonymous = app.get("/api/v1/courses", None).await;
    anonymous.problem(401, "unauthenticated");
    assert_eq!(parse_ratelimit(anonymous.header("ratelimit").unwrap(), "default").0, 3);
}

#[tokio::test]
async fn a_forged_token_cannot_spend_a_users_budget() {
    let app = app_with_limits(2, 1_000).await;
    let admin = app.sign_up("acme").await;
    // Same claims, wrong signature: counted against the IP, not the user.
    let signature = admin.access.rfind('.').unwrap() + 1;
    let changed = if admin.access[signature..].starts_with('x') { "y" } else { "x" };
    let mut forged = admin.access.clone();
    forged.replace_range(signature..=signature, changed);
    for _ in 0..3 {
        app.get("/api/v1/organization", Some(&forged)).await;
    }
    let reply = app.get("/api/v1/organization", Some(&admin.access)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(parse_ratelimit(reply.header("ratelimit").unwrap(), "default").0, 1);
}
