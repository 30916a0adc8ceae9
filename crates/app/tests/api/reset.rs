//! Links sent by email: verifying an address, resetting a password (which ends every session),
//! and a TA accepting an invitation.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, apps};

const NEW_PASSWORD: &str = "copper-lantern-meadow-17";

#[tokio::test]
async fn the_verification_link_verifies_once() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let token = TestApp::token_in(&app.email("admin@acme.test", "Confirm your email", 0).await);
        let verified = app.post("/api/v1/auth/verify-email", None, json!({"token": token})).await;
        assert_eq!(verified.status, StatusCode::NO_CONTENT, "{:?}: {}", app.backend, verified.text);
        assert_eq!(app.get("/api/v1/me", Some(&admin.access)).await.json()["emailVerified"], true);
        app.post("/api/v1/auth/verify-email", None, json!({"token": token})).await.problem(401, "invalid_token");
        app.post("/api/v1/auth/verify-email", None, json!({"token": "made-up"})).await.problem(401, "invalid_token");
        // Already verified: accepted, nothing more to send.
        let resend =
            app.request(reqwest::Method::POST, "/api/v1/auth/verify-email/resend", Some(&admin.access), None).await;
        assert_eq!(resend.status, StatusCode::ACCEPTED, "{}", resend.text);
    }
}

#[tokio::test]
async fn a_password_reset_ends_every_session() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let accepted = app
            .post("/api/v1/auth/password-reset", None, json!({"organizationSlug": "acme", "email": "admin@acme.test"}))
            .await;
        assert_eq!(accepted.status, StatusCode::ACCEPTED);
        let unknown = app
            .post("/api/v1/auth/password-reset", None, json!({"organizationSlug": "acme", "email": "nobody@acme.test"}))
            .await;
        assert_eq!(unknown.status, StatusCode::ACCEPTED, "the same answer for an unknown email");
        let token = TestApp::token_in(&app.email("admin@acme.test", "assword", 0).await);

        app.post("/api/v1/auth/password-reset/confirm", None, json!({"token": token, "password": "password1234"}))
            .await
            .problem(400, "validation_failed");
        let confirmed = app
            .post("/api/v1/auth/password-reset/confirm", None, json!({"token": token, "password": NEW_PASSWORD}))
            .await;
        assert_eq!(confirmed.status, StatusCode::NO_CONTENT, "{:?}: {}", app.backend, confirmed.text);
        app.get("/api/v1/me", Some(&admin.access)).await.problem(401, "unauthenticated");
        app.post("/api/v1/auth/refresh", None, json!({"refreshToken": admin.refresh}))
            .await
            .problem(401, "invalid_refresh_token");
        app.login("acme", "admin@acme.test", PASSWORD).await.problem(401, "invalid_credentials");
        assert_eq!(app.login("acme", "admin@acme.test", NEW_PASSWORD).await.status, StatusCode::OK);
        app.post("/api/v1/auth/password-reset/confirm", None, json!({"token": token, "password": NEW_PASSWORD}))
            .await
            .problem(401, "invalid_token");
    }
}

#[tokio::test]
async fn an_invited_ta_sets_a_password_and_logs_in() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let invited =
            app.post("/api/v1/tas", Some(&admin.access), json!({"email": "Tara@Acme.test", "name": "Tara"})).await;
        assert_eq!(invited.status, StatusCode::CREATED, "{:?}: {}", app.backend, invited.text);
        let ta = invited.json();
        assert_eq!(ta["role"], "ta");
        let location = invited.header("location").unwrap().to_owned();
        assert_eq!(location, format!("/api/v1/tas/{}", ta["id"].as_str().unwrap()));
        assert_eq!(app.get(&location, Some(&admin.access)).await.json()["email"], "tara@acme.test");

        // Not yet able to log in: no password.
        app.login("acme", "tara@acme.test", PASSWORD).await.problem(401, "invalid_credentials");
        let token = TestApp::token_in(&app.email("tara@acme.test", "nvit", 0).await);
        let accepted = app
            .post("/api/v1/auth/password-reset/confirm", None, json!({"token": token, "password": NEW_PASSWORD}))
            .await;
        assert_eq!(accepted.status, StatusCode::NO_CONTENT, "{}", accepted.text);
        let logged_in = app.login("acme", "tara@acme.test", NEW_PASSWORD).await.json();
        assert_eq!(logged_in["user"]["role"], "ta");
        assert_eq!(logged_in["user"]["emailVerified"], true, "the link proved the address");

        // Only admins invite; the email must be free.
        let student = app.register("acme", "sam@acme.test").await;
        app.post("/api/v1/tas", student["accessToken"].as_str(), json!({"email": "x@acme.test", "name": "X"}))
            .await
            .problem(403, "forbidden");
        app.post("/api/v1/tas", Some(&admin.access), json!({"email": "tara@acme.test", "name": "Again"}))
            .await
            .problem(409, "email_taken");
        // A student is not a TA, and another organization's TA does not exist.
        let sam = format!("/api/v1/tas/{}", student["user"]["id"].as_str().unwrap());
        app.get(&sam, Some(&admin.access)).await.problem(404, "not_found");
        let other = app.sign_up("other").await;
        app.get(&location, Some(&other.access)).await.problem(404, "not_found");
    }
}
