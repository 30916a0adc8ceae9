//! The client IP behind `TRUSTED_PROXY_HOPS` proxies: the address the outermost trusted proxy
//! appended to `X-Forwarded-For`, whatever the client wrote to the left of it; without trusted
//! proxies the header is ignored. Seen where the service records it: the session's address.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, spawn_with};

/// Logs the admin of `slug` in with `X-Forwarded-For: forwarded`; the new session's IP.
async fn session_ip(app: &TestApp, slug: &str, forwarded: &str) -> String {
    let body = json!({"organizationSlug": slug, "email": format!("admin@{slug}.test"), "password": PASSWORD});
    let login =
        app.request_with(Method::POST, "/api/v1/auth/login", None, Some(body), &[("x-forwarded-for", forwarded)]).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let access = login.json()["accessToken"].as_str().unwrap().to_owned();
    let sessions = app.get("/api/v1/auth/sessions", Some(&access)).await.json();
    let mine = sessions["data"].as_array().unwrap().iter().find(|s| s["current"] == true).unwrap_or_else(|| {
        panic!("the current session is listed: {sessions}");
    });
    mine["ip"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_client_ip_is_counted_from_the_right_of_x_forwarded_for() {
    let db = std::sync::Arc::new(test_support::sqlite::database().await);
    let behind_one = spawn_with(db.clone(), |s| s.trusted_proxy_hops = 1).await;
    behind_one.sign_up("hops").await;
    // The client wrote the first entry; the one proxy appended the address it saw.
    assert_eq!(session_ip(&behind_one, "hops", "198.51.100.66, 203.0.113.9").await, "203.0.113.9");
    assert_eq!(session_ip(&behind_one, "hops", "203.0.113.10").await, "203.0.113.10");

    let exposed = spawn_with(db, |_| {}).await;
    assert_eq!(session_ip(&exposed, "hops", "198.51.100.66").await, "127.0.0.1", "no trusted proxy: the peer");
}
