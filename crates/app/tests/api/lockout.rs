//! The lockout policy over HTTP: five failures from one client lock the email for it, with
//! `Retry-After`; even the right password is refused while locked.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, apps};

#[tokio::test]
async fn five_failures_lock_the_email_with_retry_after() {
    for app in apps().await {
        app.sign_up("acme").await;
        for attempt in 1..=5 {
            app.login("acme", "admin@acme.test", "wrong-password-entirely").await.problem(401, "invalid_credentials");
            let _ = attempt;
        }
        let locked = app.login("acme", "admin@acme.test", PASSWORD).await;
        locked.problem(423, "account_locked");
        let retry_after: u64 = locked.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
        // Unknown emails lock the same way, so the answers reveal nothing.
        for _ in 0..5 {
            app.login("acme", "ghost@acme.test", "wrong-password-entirely").await.problem(401, "invalid_credentials");
        }
        app.login("acme", "ghost@acme.test", PASSWORD).await.problem(423, "account_locked");
        // Another account is unaffected.
        let student = app.register("acme", "sam@acme.test").await;
        assert!(student["accessToken"].is_string());
        assert_eq!(app.login("acme", "sam@acme.test", PASSWORD).await.status, StatusCode::OK);
    }
}
