//! Signing up, registering, logging in, `/me`: success and every error code, on both backends.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, apps};

#[tokio::test]
async fn an_academy_signs_up_and_its_admin_is_logged_in() {
    for app in apps().await {
        let reply = app
            .post(
                "/api/v1/organizations",
                None,
                json!({"name": "Acme Tutoring", "slug": "acme", "admin": {"email": "Ada@Acme.test", "password": PASSWORD, "name": "Ada"}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        assert_eq!(reply.header("location"), Some("/api/v1/organization"));
        let body = reply.json();
        assert_eq!(body["organization"]["slug"], "acme");
        assert_eq!(body["organization"]["timezone"], "UTC", "default time zone");
        assert_eq!(body["organization"]["currency"], "EUR", "default currency");
        assert_eq!(body["organization"]["settings"]["slotStepMinutes"], 30);
        assert_eq!(body["user"]["email"], "ada@acme.test", "stored lower-cased");
        assert_eq!(body["user"]["role"], "admin");
        assert_eq!(body["user"]["emailVerified"], false);
        assert_eq!(body["tokenType"], "Bearer");
        assert_eq!(body["expiresIn"], 900);
        let me = app.get("/api/v1/me", body["accessToken"].as_str()).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.json()["id"], body["user"]["id"]);
        // The verification email goes out through the outbox.
        let email = app.email("ada@acme.test", "Confirm your email", 0).await;
        assert!(email.contains("/verify-email?token="), "{email}");
    }
}

#[tokio::test]
async fn slugs_are_unique_and_emails_unique_within_an_academy() {
    for app in apps().await {
        app.sign_up("acme").await;
        let same_slug = app
            .post(
                "/api/v1/organizations",
                None,
                json!({"name": "B", "slug": "acme", "admin": {"email": "b@b.test", "password": PASSWORD, "name": "B"}}),
            )
            .await;
        same_slug.problem(409, "slug_taken");
        // Another academy's admin may have the same email: it is another account.
        let same_email = app
            .post("/api/v1/organizations", None, json!({"name": "C", "slug": "other", "admin": {"email": "ADMIN@acme.test", "password": PASSWORD, "name": "C"}}))
            .await;
        assert_eq!(same_email.status, StatusCode::CREATED, "{:?}: {}", app.backend, same_email.text);
        let student = app
            .post(
                "/api/v1/auth/register",
                None,
                json!({"organizationSlug": "acme", "email": "admin@acme.test", "password": PASSWORD, "name": "S"}),
            )
            .await;
        student.problem(409, "email_taken");
    }
}

#[tokio::test]
async fn sign_up_reports_every_invalid_field() {
    let app = crate::helpers::spawn_app(test_support::sqlite::database().await).await;
    let reply = app
        .post(
            "/api/v1/organizations",
            None,
            json!({"name": "", "slug": "Not A Slug", "timezone": "Mars/Base", "currency": "XYZ",
                   "admin": {"email": "nope", "password": "password1234", "name": "Ada"}}),
        )
        .await;
    let body = reply.problem(400, "validation_failed");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in ["name", "slug", "timezone", "currency", "admin.email", "admin.password"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
}

#[tokio::test]
async fn students_register_into_an_existing_organization() {
    for app in apps().await {
        app.sign_up("acme").await;
        let body = app.register("acme", "sam@acme.test").await;
        assert_eq!(body["user"]["role"], "student");
        assert!(body["accessToken"].is_string() && body["refreshToken"].is_string());
        let unknown = app
            .post(
                "/api/v1/auth/register",
                None,
                json!({"organizationSlug": "nowhere", "email": "x@x.test", "password": PASSWORD, "name": "X"}),
            )
            .await;
        unknown.problem(404, "not_found");
        let weak = app
            .post(
                "/api/v1/auth/register",
                None,
                json!({"organizationSlug": "acme", "email": "w@acme.test", "password": "sam@acme.test", "name": "W"}),
            )
            .await;
        weak.problem(400, "validation_failed");
    }
}

#[tokio::test]
async fn login_succeeds_with_the_right_password_only() {
    for app in apps().await {
        app.sign_up("acme").await;
        let ok = app.login("acme", "ADMIN@acme.test", PASSWORD).await;
        assert_eq!(ok.status, StatusCode::OK, "{:?}: {}", app.backend, ok.text);
        assert_eq!(ok.json()["user"]["email"], "admin@acme.test");
        app.login("acme", "admin@acme.test", "wrong-password-entirely").await.problem(401, "invalid_credentials");
        app.login("acme", "nobody@acme.test", PASSWORD).await.problem(401, "invalid_credentials");
        app.login("acme", "not-an-email", PASSWORD).await.problem(400, "validation_failed");
    }
}

#[tokio::test]
async fn no_response_ever_contains_a_password_hash_or_a_token_hash() {
    let app = crate::helpers::spawn_app(test_support::sqlite::database().await).await;
    let admin = app.sign_up("acme").await;
    let mut bodies = vec![
        app.get("/api/v1/me", Some(&admin.access)).await.text,
        app.get("/api/v1/auth/sessions", Some(&admin.access)).await.text,
        app.login("acme", "admin@acme.test", PASSWORD).await.text,
        app.post("/api/v1/auth/refresh", None, json!({"refreshToken": admin.refresh})).await.text,
        app.post("/api/v1/tas", Some(&admin.access), json!({"email": "ta@acme.test", "name": "Tara"})).await.text,
    ];
    bodies.push(app.get("/api/v1/organization", Some(&admin.access)).await.text);
    let refresh_hash = sha256_hex(&admin.refresh);
    for body in &bodies {
        assert!(!body.contains("$argon2"), "a password hash leaked: {body}");
        assert!(!body.contains(&refresh_hash), "a token hash leaked: {body}");
        assert!(!body.to_lowercase().contains("password_hash") && !body.contains("passwordHash"), "{body}");
    }
}

fn sha256_hex(token: &str) -> String {
    // The store keeps SHA-256 hex of opaque tokens; recompute it independently.
    use std::fmt::Write;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(token.as_bytes());
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
